import { computed, inject, Injectable, signal } from '@angular/core';
import { AdminApi } from './admin-api';
import { LeadsApi } from './leads-api';
import { StaffAuth } from './staff-auth';

/**
 * What the lead workflow's controls offer: the pipeline's stages (`GET /leads/stages`) and the
 * staff a lead may be given to. Only admins may list accounts (`GET /admin/users`), so an agent
 * is offered themselves (and types any other email); an admin gets every active account too.
 * The stages are read once for the staff area, the accounts each time a page opens (an account
 * created meanwhile is offered).
 */
@Injectable()
export class LeadWorkflowOptions {
  private readonly api = inject(LeadsApi);
  private readonly admin = inject(AdminApi);
  private readonly auth = inject(StaffAuth);
  private readonly _stages = signal<readonly string[]>([]);
  private readonly _accounts = signal<readonly string[]>([]);
  private stagesAsked = false;

  readonly stages = this._stages.asReadonly();
  /** Emails of staff a lead may be given to, the signed-in one first. */
  readonly owners = computed(() => {
    const me = this.auth.user()?.email;
    const others = this._accounts().filter((email) => email !== me);
    return me ? [me, ...others] : others;
  });

  /** Reads the stages (once), and for an admin the accounts. */
  load(): void {
    if (!this.stagesAsked) {
      this.stagesAsked = true;
      this.api.stages().then(
        ({ stages }) => this._stages.set(stages),
        () => (this.stagesAsked = false),
      );
    }
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
