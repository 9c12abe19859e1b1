import { ChangeDetectionStrategy, Component, input, output, signal } from '@angular/core';

/** The message input: Enter sends, Shift+Enter breaks the line; held while a reply is written. */
@Component({
  selector: 'chat-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './composer.html',
  styleUrl: './composer.css',
})
export class Composer {
  /** A reply is being written: the input is held and Stop replaces Send. */
  readonly busy = input(false);
  readonly maxLength = input(4000);
  readonly send = output<string>();
  readonly stop = output<void>();

  protected readonly draft = signal('');

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }

  protected submit(event?: Event): void {
    event?.preventDefault();
    const text = this.draft().trim();
    if (this.busy() || !text) return;
    this.send.emit(text);
    this.draft.set('');
  }

  protected onInput(event: Event): void {
    this.draft.set((event.target as HTMLTextAreaElement).value);
  }
}
