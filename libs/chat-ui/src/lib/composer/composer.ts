import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';

/** From this share of the limit on, the composer shows how many characters are left. */
const COUNTER_FROM = 0.9;

/** Counts as the page's English words write them ("3,950"). */
const COUNT = new Intl.NumberFormat('en');

/**
 * The message input: Enter sends, Shift+Enter breaks the line. While a reply is written the
 * visitor may write the next message; only sending waits. A message over the limit is never cut:
 * the counter says by how much to shorten it.
 */
@Component({
  selector: 'chat-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './composer.html',
  styleUrl: './composer.css',
})
export class Composer {
  /** A reply is being written: Stop replaces Send, and Enter keeps the draft. */
  readonly busy = input(false);
  readonly maxLength = input(4000);
  readonly send = output<string>();
  readonly stop = output<void>();

  protected readonly draft = signal('');
  protected readonly length = computed(() => this.draft().trim().length);
  protected readonly over = computed(() => Math.max(0, this.length() - this.maxLength()));
  protected readonly nearLimit = computed(() => this.length() >= this.maxLength() * COUNTER_FROM);
  protected readonly counter = computed(
    () => `${COUNT.format(this.length())} / ${COUNT.format(this.maxLength())}`,
  );
  protected readonly overBy = computed(() => COUNT.format(this.over()));
  protected readonly canSend = computed(() => this.length() > 0 && this.over() === 0);

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }

  protected submit(event?: Event): void {
    event?.preventDefault();
    if (this.busy() || !this.canSend()) return;
    this.send.emit(this.draft().trim());
    this.draft.set('');
  }

  protected onInput(event: Event): void {
    this.draft.set((event.target as HTMLTextAreaElement).value);
  }
}
