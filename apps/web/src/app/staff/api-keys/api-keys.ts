import { ChangeDetectionStrategy, Component, effect, ElementRef, inject, signal, untracked, viewChild } from '@angular/core';
import { API_KEY_SCOPES, type ApiKeyScope, type ApiKeySummary, type CreatedApiKey } from '@chat/contracts';
import { ConfirmDialog } from '../confirm-dialog/confirm-dialog';
import { AdminApi } from '../data/admin-api';
import { StaffAuth } from '../data/staff-auth';
import { staffErrorMessage } from '../data/staff-error';
import { WhenPipe } from '../ui/when-pipe';

export const SCOPE_LABELS: Readonly<Record<ApiKeyScope, string>> = {
  chat: 'chat: converse, owning the sessions it creates',
  'leads:read': 'leads:read: read leads',
};

/** API keys (admins): the list with their last use, a new key shown once with a copy button, revocation. */
@Component({
  selector: 'chat-api-keys',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [WhenPipe, ConfirmDialog],
  templateUrl: './api-keys.html',
  styleUrl: './api-keys.css',
})
export class ApiKeysPage {
  private readonly api = inject(AdminApi);
  protected readonly auth = inject(StaffAuth);
  private readonly confirmRevoke = viewChild(ConfirmDialog);
  private readonly createdHeading = viewChild<ElementRef<HTMLElement>>('createdHeading');

  protected readonly keys = signal<readonly ApiKeySummary[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly note = signal<string | null>(null);
  protected readonly creating = signal(false);
  /** The key just created: the only time it can be read. */
  protected readonly created = signal<CreatedApiKey | null>(null);
  protected readonly copied = signal(false);
  /** The key the confirmation asks about. */
  protected readonly revoking = signal<ApiKeySummary | null>(null);
  protected readonly scopes = API_KEY_SCOPES;
  protected readonly scopeLabels = SCOPE_LABELS;

  constructor() {
    effect(() => {
      if (this.auth.isAdmin()) untracked(() => void this.load());
    });
    // A new key takes the focus, so that keyboard and screen reader users find it at once.
    effect(() => this.createdHeading()?.nativeElement.focus());
  }

  protected async create(event: Event, form: HTMLFormElement, name: string): Promise<void> {
    event.preventDefault();
    if (this.creating()) return;
    const scopes = this.scopes.filter((scope) => (form.elements.namedItem(`scope-${scope}`) as HTMLInputElement | null)?.checked);
    this.error.set(null);
    this.note.set(null);
    if (scopes.length === 0) {
      this.error.set('Choose at least one scope.');
      return;
    }
    this.creating.set(true);
    try {
      const key = await this.api.createKey({ name: name.trim(), scopes });
      this.created.set(key);
      this.copied.set(false);
      form.reset();
      await this.load();
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.creating.set(false);
    }
  }

  protected async copy(key: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(key);
      this.copied.set(true);
    } catch {
      this.error.set('The browser did not let this page copy: select the key and copy it yourself.');
    }
  }

  protected askRevoke(key: ApiKeySummary): void {
    this.revoking.set(key);
    this.confirmRevoke()?.open();
  }

  protected async revoke(): Promise<void> {
    const key = this.revoking();
    if (!key) return;
    this.error.set(null);
    this.note.set(null);
    try {
      await this.api.revokeKey(key.id);
      this.note.set(`Revoked ${key.name}: calls with it are refused from now on.`);
      await this.load();
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    }
  }

  private async load(): Promise<void> {
    try {
      this.keys.set(await this.api.listKeys());
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    }
  }
}
