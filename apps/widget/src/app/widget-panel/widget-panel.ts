import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  Injector,
  input,
  signal,
  untracked,
  viewChild,
  ViewEncapsulation,
} from '@angular/core';
import {
  accentOf,
  ChatStore,
  DEFAULT_APPEARANCE,
  highlightWithin,
  loadMarkdown,
  textOn,
} from '@chat/chat-client';
import { ChatFooter, Conversation } from '@chat/chat-ui';
import type { AssistantAppearance, TranscriptMessage } from '@chat/contracts';
import { WidgetRegistry } from '../widget-registry';

/**
 * The launcher and the chat panel, inside the element's shadow root. `ViewEncapsulation.None`:
 * its styles are adopted by the shadow root as they are, so their `:host` rules style the
 * element itself (resetting what it would inherit from the host page).
 */
@Component({
  selector: 'chat-widget-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.None,
  imports: [Conversation, ChatFooter],
  templateUrl: './widget-panel.html',
  styleUrls: [
    '../../../../../libs/chat-ui/src/styles/controls.css',
    './widget-panel.css',
    '../../../../../libs/chat-ui/src/styles/reply.css',
  ],
  host: {
    '[class.left]': "appearance().position === 'bottom-left'",
    '[class.inline]': 'inline()',
    '[class.open]': 'isOpen()',
    '[style.--brand]': 'accent()',
    '[style.--brand-text]': 'accentText()',
    '[style.--viewport-height]': 'viewportHeight()',
    '[style.--viewport-top]': 'viewportTop()',
    '(keydown.escape)': 'onEscape($event)',
  },
})
export class WidgetPanel {
  readonly assistant = input<string | null>(null);
  readonly inline = input(false);
  /** Shown instead of the published appearance (the staff's preview of the form): see ChatWidget. */
  readonly appearanceOverride = input<AssistantAppearance | null>(null);

  protected readonly store = inject(ChatStore);
  private readonly registry = inject(WidgetRegistry);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly launcher = viewChild<ElementRef<HTMLButtonElement>>('launcher');
  private readonly panel = viewChild<ElementRef<HTMLElement>>('panel');

  private readonly open = signal(false);
  protected readonly isOpen = computed(() => this.inline() || this.open());
  protected readonly viewportHeight = signal<string | null>(null);
  protected readonly viewportTop = signal<string | null>(null);

  protected readonly appearance = computed<AssistantAppearance>(() => {
    const override = this.appearanceOverride();
    if (override && typeof override === 'object') return override;
    const profile = this.store.profile() as { appearance?: AssistantAppearance } | null;
    return (
      profile?.appearance ?? {
        ...DEFAULT_APPEARANCE,
        title: this.store.profile()?.name ?? DEFAULT_APPEARANCE.title,
      }
    );
  });
  protected readonly accent = computed(() => accentOf(this.appearance()));
  protected readonly accentText = computed(() => textOn(this.accent()));
  /** The API refused this site, or the assistant is gone: one plain sentence, no broken panel. */
  protected readonly unavailable = computed(
    () => this.store.refusedHere() || this.store.assistantUnavailable(),
  );
  /** Drawn once the assistant's description (or its refusal) is known: no launcher flashes another label. */
  protected readonly ready = computed(() => this.store.profile() !== null || this.unavailable());

  constructor() {
    effect(() => {
      const assistant = this.assistant();
      untracked(() => {
        this.store.forAssistant(assistant);
        void this.store.restore();
      });
    });
    // What the host site says of its visitor goes with each turn (believed only when signed).
    effect(() => {
      const identity = this.registry.identity();
      untracked(() => this.store.identify(identity));
    });
    // Open, the chat will draw replies: their markdown renderer (a chunk of its own, not in the
    // widget's first download) loads once the panel is drawn, while the visitor writes.
    effect(() => {
      if (this.isOpen()) untracked(() => whenIdle(() => loadMarkdown().catch(() => undefined)));
    });
    const unregister = this.registry.register({
      setOpen: (open) => this.setOpen(open),
      isOpen: () => this.isOpen(),
    });
    const root = this.host.nativeElement.getRootNode();
    const unhighlight = root instanceof ShadowRoot ? highlightWithin(root) : () => undefined;
    const stopFollowingViewport = this.followVisualViewport();
    inject(DestroyRef).onDestroy(() => {
      unregister();
      unhighlight();
      stopFollowingViewport();
    });
    this.reportMessages();
  }

  protected toggle(): void {
    this.setOpen(!this.open());
  }

  setOpen(open: boolean): void {
    if (this.inline() || open === this.open()) return;
    this.open.set(open);
    this.registry.emit(open ? 'open' : 'close');
    afterNextRender(
      () => {
        const panel = this.panel()?.nativeElement;
        if (open) (panel?.querySelector<HTMLElement>('textarea') ?? panel)?.focus();
        else this.launcher()?.nativeElement.focus();
      },
      { injector: this.injector },
    );
  }

  /** Escape stops a reply being written (as in the portal), else closes the panel. */
  protected onEscape(event: Event): void {
    if (this.store.isReplying()) {
      this.store.stop();
      return;
    }
    if (this.inline()) return;
    event.preventDefault();
    this.setOpen(false);
  }

  /**
   * On a phone the open panel is the visual viewport's size: the on-screen keyboard shrinks the
   * visual viewport, so the composer stays above it (100dvh alone does not follow the keyboard).
   */
  private followVisualViewport(): () => void {
    const viewport = typeof window === 'undefined' ? undefined : window.visualViewport;
    if (!viewport) return () => undefined;
    const update = () => {
      this.viewportHeight.set(`${viewport.height}px`);
      this.viewportTop.set(`${viewport.offsetTop}px`);
    };
    update();
    viewport.addEventListener('resize', update);
    viewport.addEventListener('scroll', update);
    return () => {
      viewport.removeEventListener('resize', update);
      viewport.removeEventListener('scroll', update);
    };
  }

  /** `message` for each message of this page's visit, `lead_completed` when the details complete. */
  private reportMessages(): void {
    let seen: Set<string> | null = null;
    let wasComplete = false;
    effect(() => {
      const messages = this.store.messages();
      const complete = this.store.isComplete();
      if (this.store.restoring()) return;
      untracked(() => {
        if (seen === null) {
          // What the conversation held when the page opened is not news.
          seen = new Set(messages.map((m) => m.id));
          wasComplete = complete;
          return;
        }
        for (const message of messages) {
          if (seen.has(message.id)) continue;
          seen.add(message.id);
          this.registry.emit('message', publicMessage(message));
        }
        if (complete && !wasComplete)
          this.registry.emit('lead_completed', { assistant_id: this.assistant() });
        wasComplete = complete;
      });
    });
  }
}

function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 200);
}

function publicMessage(
  message: TranscriptMessage,
): Pick<TranscriptMessage, 'id' | 'role' | 'content' | 'created_at'> {
  return {
    id: message.id,
    role: message.role,
    content: message.content,
    created_at: message.created_at,
  };
}
