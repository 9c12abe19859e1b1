import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { STAFF_PASSWORD_MAX_LENGTH, STAFF_PASSWORD_MIN_LENGTH, STAFF_ROLES, type StaffAccount, type StaffRole } from '@chat/contracts';
import { AdminApi } from '../data/admin-api';
import { StaffAuth } from '../data/staff-auth';
import { staffErrorMessage } from '../data/staff-error';
import { WhenPipe } from '../ui/when-pipe';

/** Staff accounts (admins): the list, a new account, a role changed, an account disabled or enabled again. */
@Component({
  selector: 'chat-staff-accounts',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [WhenPipe],
  templateUrl: './staff-accounts.html',
  styleUrls: ['../ui/panel.css', './staff-accounts.css'],
})
export class StaffAccountsPage {
  private readonly api = inject(AdminApi);
  protected readonly auth = inject(StaffAuth);

  protected readonly accounts = signal<readonly StaffAccount[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly note = signal<string | null>(null);
  protected readonly creating = signal(false);
  /** The account a change is being saved for. */
  protected readonly saving = signal<string | null>(null);
  protected readonly roles = STAFF_ROLES;
  protected readonly minLength = STAFF_PASSWORD_MIN_LENGTH;
  protected readonly maxLength = STAFF_PASSWORD_MAX_LENGTH;

  constructor() {
    effect(() => {
      if (this.auth.isAdmin()) untracked(() => void this.load());
    });
  }

  protected async create(event: Event, form: HTMLFormElement, email: string, password: string, role: string): Promise<void> {
    event.preventDefault();
    if (this.creating()) return;
    this.creating.set(true);
    this.error.set(null);
    this.note.set(null);
    try {
      const account = await this.api.createAccount({ email: email.trim(), password, role: role as StaffRole });
      this.accounts.update((list) => [...(list ?? []), account]);
      this.note.set(`Created ${account.email} (${account.role}).`);
      form.reset();
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.creating.set(false);
    }
  }

  protected setRole(account: StaffAccount, role: StaffRole): Promise<void> {
    return this.update(account, { role }, `${account.email} is now ${role === 'admin' ? 'an admin' : 'an agent'}.`);
  }

  protected setDisabled(account: StaffAccount, disabled: boolean): Promise<void> {
    return this.update(account, { disabled }, `${account.email} is ${disabled ? 'disabled: its sessions have ended' : 'enabled again'}.`);
  }

  private async update(account: StaffAccount, change: { role?: StaffRole; disabled?: boolean }, done: string): Promise<void> {
    if (this.saving()) return;
    this.saving.set(account.id);
    this.error.set(null);
    this.note.set(null);
    try {
      const updated = await this.api.updateAccount(account.id, change);
      this.accounts.update((list) => list?.map((a) => (a.id === updated.id ? updated : a)) ?? null);
      this.note.set(done);
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.saving.set(null);
    }
  }

  private async load(): Promise<void> {
    try {
      this.accounts.set(await this.api.listAccounts());
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    }
  }
}
