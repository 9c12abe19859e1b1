import {
  afterNextRender,
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  inject,
  input,
  OnInit,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { DomSanitizer } from '@angular/platform-browser';
import type { SourceReference, TranscriptMessage } from '@chat/contracts';
import { type Delivery, ReplyHtml } from '@chat/chat-client';

/** How long a Copy button says "Copied". */
const COPIED_MS = 2000;

/** A message that will not change again: its HTML is computed once. */
@Component({
  selector: 'chat-finished-message',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './finished-message.html',
  styleUrl: './finished-message.css',
})
export class FinishedMessage implements OnInit {
  readonly message = input.required<TranscriptMessage>();
  /** For the visitor's message the server has not taken: it waits, or needs Retry. */
  readonly delivery = input<Delivery | null>(null);
  /** The last reply, with nothing being written: it may be written again. */
  readonly canRegenerate = input(false);
  readonly retry = output<void>();
  readonly regenerate = output<void>();

  private readonly replyHtml = inject(ReplyHtml);
  private readonly sanitizer = inject(DomSanitizer);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly adoptTarget = viewChild<ElementRef<HTMLElement>>('adopt');
  /** The nodes of a reply that was streamed on this page, moved here rather than drawn again. */
  private adopted: DocumentFragment | null = null;
  protected adoptsDom = false;
  /** What was just copied: the reply, or a code block (by its button). */
  protected readonly copied = signal<'reply' | HTMLButtonElement | null>(null);
  private copiedTimer: ReturnType<typeof setTimeout> | undefined;

  /** A source's page, if it is one and an http(s) address (nothing else is made a link). */
  protected linkOf(source: SourceReference): string | null {
    return source.url && /^https?:\/\//i.test(source.url) ? source.url : null;
  }

  /**
   * Assistant replies and staff messages are markdown, sanitised by DOMPurify (the same renderer);
   * user messages stay plain text, and so
   * does a reply until the markdown renderer has loaded (then this computes again).
   */
  protected readonly html = computed(() => {
    const message = this.message();
    if (message.role === 'user' || this.adoptsDom) return null;
    const html = this.replyHtml.finished(message.id, message.content);
    return html === null ? null : this.sanitizer.bypassSecurityTrustHtml(html);
  });

  constructor() {
    afterNextRender(() => {
      if (this.adopted) this.adoptTarget()?.nativeElement.append(this.adopted);
      this.adopted = null;
      this.addCodeCopyButtons();
    });
    // A reply drawn as markdown only once the renderer arrived gets its code's buttons then.
    afterRenderEffect(() => {
      if (this.html()) this.addCodeCopyButtons();
    });
    inject(DestroyRef).onDestroy(() => clearTimeout(this.copiedTimer));
  }

  ngOnInit(): void {
    const message = this.message();
    if (message.role === 'assistant')
      this.adopted = this.replyHtml.takeFinishedDom(message.id, message.content);
    this.adoptsDom = this.adopted !== null;
  }

  /** Who is speaking, for assistive technology: the visitor, the assistant, or a team member by name. */
  protected readonly label = computed(() => {
    const message = this.message();
    if (message.role === 'staff') return `${message.author?.name ?? 'A team member'} wrote`;
    return message.role === 'user' ? 'You said' : 'Assistant replied';
  });

  /** When a staff message was written, as the visitor's clock says it (hours and minutes). */
  protected readonly time = computed(() => {
    const at = new Date(this.message().created_at);
    return Number.isNaN(at.getTime())
      ? ''
      : at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  });

  protected readonly note = computed(() => {
    switch (this.message().finish_reason) {
      case 'cancelled':
        return 'Stopped';
      case 'length':
        return 'Cut short: the reply reached its length limit';
      case 'error':
        return 'Interrupted';
      default:
        return null;
    }
  });

  /** Copies the reply as it was written (markdown), which pastes well into chats and notes. */
  protected copyReply(): void {
    void this.copy(this.message().content, 'reply');
  }

  private addCodeCopyButtons(): void {
    for (const pre of Array.from(this.host.nativeElement.querySelectorAll('.markdown pre'))) {
      if (pre.querySelector(':scope > .copy-code')) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy-code';
      button.textContent = 'Copy';
      button.setAttribute('aria-label', 'Copy code');
      // Not in the sanitised HTML: added, with its listener, once the reply is drawn.
      button.addEventListener('click', () => {
        const code = pre.querySelector('code');
        void this.copy((code?.textContent ?? '').replace(/\n$/, ''), button);
      });
      pre.prepend(button);
    }
  }

  private async copy(text: string, what: 'reply' | HTMLButtonElement): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      return; // No clipboard (an insecure page, a refused permission): the text stays selectable.
    }
    const previous = this.copied();
    if (previous instanceof HTMLButtonElement) previous.textContent = 'Copy';
    if (what instanceof HTMLButtonElement) what.textContent = 'Copied';
    this.copied.set(what);
    clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => {
      if (what instanceof HTMLButtonElement) what.textContent = 'Copy';
      this.copied.set(null);
    }, COPIED_MS);
  }
}
