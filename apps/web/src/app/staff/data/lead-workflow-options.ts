import { computed, inject, Injectable, signal } from '@angular/core';
import { AdminApi } from './admin-api';
import { LeadsApi } from './leads-api';
import { StaffAuth } from './staff-auth';

/**
 * What the lead workflow's controls offer: the pipeline's stages (`GET /leads/stages`) and the
 * staff a lead may be given to. Only admins may list accounts (`GET /admin/users`), so an agent
 * is offered themselves (and types any other email); an admin gets every active account too.
 * Each is read once for the staff area.
 */
@Injectable()
export class LeadWorkflowOptions {
  private readonly api = inject(LeadsApi);
  private readonly admin = inject(AdminApi);
  private readonly auth = inject(StaffAuth);
  private readonly _stages = signal<readonly string[]>([]);
  private readonly _accounts = signal<readonly string[]>([]);
  private asked = false;

  readonly stages = this._stages.asReadonly();
  /** Emails of staff a lead may be given to, the signed-in one first. */
  readonly owners = computed(() => {
    const me = this.auth.user()?.email;
    const others = this._accounts().filter((email) => email !== me);
    return me ? [me, ...others] : others;
  });

  /** Reads the stages, and for an admin the accounts, the first time a page needs them. */
  load(): void {
    if (this.asked) return;
    this.asked = true;
    this.api.stages().then(
      ({ stages }) => this._stages.set(stages),
      () => (this.asked = false),
    );
    if (!this.auth.isAdmin()) return;
    this.admin.listAccounts().then(
      (accounts) =>
        this._accounts.set(
          accounts
            .filter((account) => !account.disabled)
            .map((account) => account.email)
            .sort(),
        ),
      () => undefined,
    );
  }
}
