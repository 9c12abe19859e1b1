import { ChangeDetectionStrategy, Component, ElementRef, input, output, viewChild } from '@angular/core';

let nextId = 0;

/**
 * A modal question before something that cannot be undone: the browser's own `<dialog>`, which
 * keeps focus inside, closes on Escape and gives focus back to the button that opened it. Cancel
 * has the focus first, so Enter alone does no harm.
 */
@Component({
  selector: 'chat-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog #dialog [attr.aria-labelledby]="id + '-title'" [attr.aria-describedby]="id + '-body'" (close)="closed()">
      <h2 [id]="id + '-title'">{{ heading() }}</h2>
      <div [id]="id + '-body'"><ng-content /></div>
      <div class="dialog-actions">
        <button type="button" class="cancel" (click)="dialog.close('cancel')">Cancel</button>
        <button type="button" class="danger" (click)="dialog.close('confirm')">{{ confirmLabel() }}</button>
      </div>
    </dialog>
  `,
})
export class ConfirmDialog {
  readonly heading = input.required<string>();
  readonly confirmLabel = input.required<string>();
  readonly confirmed = output<void>();

  protected readonly id = `confirm-${++nextId}`;
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  open(): void {
    const dialog = this.dialog().nativeElement;
    dialog.returnValue = '';
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>('.cancel')?.focus();
  }

  protected closed(): void {
    if (this.dialog().nativeElement.returnValue === 'confirm') this.confirmed.emit();
  }
}
