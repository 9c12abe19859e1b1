import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { DomSanitizer } from '@angular/platform-browser';
import type { AssistantAppearance } from '@chat/contracts';
import { escapeHtml } from '@chat/chat-client';
import { AssistantsApi } from '../data/assistants-api';
import { staffErrorMessage } from '../data/staff-error';
import { ConfirmDialog } from '../confirm-dialog/confirm-dialog';

/**
 * How a business puts the assistant on its own website (PROTOCOL.md, Website widget): the tag
 * to paste, the inline form, and identity verification: the secret with which the site's server
 * signs a signed-in visitor's email for `ChatWidget.identify`, shown once when it is made.
 */
@Component({
  selector: 'chat-assistant-install',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmDialog],
  templateUrl: './assistant-install.html',
  styleUrl: './assistant-install.css',
})
export class AssistantInstall {
  readonly assistantId = input.required<string>();
  /** Whether the assistant has an identity secret already. */
  readonly verification = input(false);
  /** Admins make secrets; agents read the snippet. */
  readonly canEdit = input(false);
  /** The origins the draft lists, to say where the tag works. */
  readonly origins = input<readonly string[]>([]);
  /** The appearance as the form holds it now (unsaved too); null: the widget's defaults. */
  readonly appearance = input<AssistantAppearance | null>(null);
  /** A secret was made: the assistant now verifies identities. */
  readonly secretMade = output<void>();

  private readonly api = inject(AssistantsApi);
  private readonly sanitizer = inject(DomSanitizer);
  /** Where the widget is served from: this API, which serves the staff area too. */
  private readonly apiOrigin = location.origin;

  protected readonly snippet = computed(
    () =>
      `<script src="${this.apiOrigin}/widget.js" data-assistant="${this.assistantId()}" async></script>`,
  );
  protected readonly inline = computed(
    () =>
      `<chat-widget assistant="${this.assistantId()}" inline></chat-widget>\n<script src="${this.apiOrigin}/widget.js" async></script>`,
  );
  protected readonly identifyExample = `// On your server, for the signed-in visitor:
const userHash = crypto.createHmac('sha256', IDENTITY_SECRET).update(email).digest('hex');
// On the page:
ChatWidget.identify({ name, email, user_hash: userHash });`;

  /**
   * The real widget on a sample page of a website: an iframe whose document (srcdoc, so this
   * page's origin and its CSP) holds `<chat-widget>` and the loader from this API, as a host
   * page does (the inline form of the tag, so that the element is there to be given the form's
   * appearance). Being the portal's own origin, it is always allowed; its fixed launcher and
   * panel stay inside the frame, and the portal's styles stay out.
   */
  protected readonly sitePage = computed(() =>
    this.sanitizer.bypassSecurityTrustHtml(samplePage(this.apiOrigin, this.assistantId())),
  );
  private readonly siteFrame = viewChild<ElementRef<HTMLIFrameElement>>('siteFrame');

  /** The secret just made: shown until the page is left, never again. */
  protected readonly secret = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly copied = signal<string | null>(null);

  constructor() {
    // The form's appearance, as it changes, is given to the widget in the frame (no reload).
    effect(() => {
      this.appearance();
      this.showAppearance();
    });
  }

  /** Gives the widget the form's appearance; a property set before the widget's module defines the element is taken when it does. */
  protected showAppearance(): void {
    const element = this.siteFrame()?.nativeElement.contentDocument?.querySelector('chat-widget');
    if (element) (element as HTMLElement & { appearance: unknown }).appearance = this.appearance();
  }

  async makeSecret(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const { identity_secret } = await this.api.rotateIdentitySecret(this.assistantId());
      this.secret.set(identity_secret);
      this.secretMade.emit();
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  async copy(what: string, text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.copied.set(what);
    } catch {
      this.copied.set(null);
    }
  }
}

/** The website the preview frame shows: a plain page with the widget, as the tag adds it. */
function samplePage(apiOrigin: string, assistantId: string): string {
  const origin = escapeHtml(apiOrigin);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Your website</title>
<style>
  body { margin: 0; padding: 1.25rem; font: 15px/1.5 system-ui, sans-serif; color: #334155; background: #f8fafc; }
  h1 { margin: 0 0 0.5rem; font-size: 1.2rem; color: #0f172a; }
  .line { height: 0.7rem; margin: 0.6rem 0; border-radius: 4px; background: #e2e8f0; }
</style>
</head>
<body>
<h1>Your website</h1>
<p>A page of your site, with the widget as your visitors get it.</p>
<div class="line"></div><div class="line" style="width: 80%"></div><div class="line" style="width: 60%"></div>
<chat-widget assistant="${escapeHtml(assistantId)}"></chat-widget>
<script src="${origin}/widget.js" async></script>
</body>
</html>`;
}
