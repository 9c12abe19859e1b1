import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { accentOf, DEFAULT_APPEARANCE, textOn } from '@chat/chat-client';
import type { AssistantAppearance } from '@chat/contracts';
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

  /** The launcher as the widget draws it on the business's page, with the same colours. */
  protected readonly launcher = computed(() => {
    const appearance = this.appearance() ?? DEFAULT_APPEARANCE;
    const accent = accentOf(appearance);
    return {
      label: appearance.launcher_label || DEFAULT_APPEARANCE.launcher_label,
      left: appearance.position === 'bottom-left',
      background: accent,
      color: textOn(accent),
    };
  });

  /** The secret just made: shown until the page is left, never again. */
  protected readonly secret = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly copied = signal<string | null>(null);

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
