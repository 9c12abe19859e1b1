import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { LeadDetail, LeadNotification } from '@chat/contracts';
import { FinishedMessage } from '@chat/chat-ui';
import { ConfirmDialog } from '../confirm-dialog/confirm-dialog';
import { AssistantFields } from '../data/assistant-fields';
import { LeadFeed } from '../data/lead-feed';
import { leadTitle } from '../data/lead-list';
import { LeadsApi } from '../data/leads-api';
import { StaffAuth } from '../data/staff-auth';
import { staffErrorMessage } from '../data/staff-error';
import { CHANNEL_LABELS, NOTIFICATION_LABELS, STATE_LABELS } from '../ui/lead-labels';
import { WhenPipe } from '../ui/when-pipe';

/**
 * One lead: every field, its notifications (a failed one can be sent again), the conversation
 * rendered as the chat renders it, and for an admin, erasure. Kept current by the live feed.
 */
@Component({
  selector: 'chat-lead-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, WhenPipe, FinishedMessage, ConfirmDialog],
  templateUrl: './lead-detail.html',
  styleUrl: './lead-detail.css',
})
export class LeadDetailPage {
  /** The lead's id, from the route. */
  readonly id = input.required<string>();

  private readonly api = inject(LeadsApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly auth = inject(StaffAuth);
  protected readonly assistants = inject(AssistantFields);

  protected readonly lead = signal<LeadDetail | null>(null);
  protected readonly error = signal<string | null>(null);
  /** Why there is no lead to show: none with this id, erased meanwhile (by someone else), or unreachable. */
  protected readonly unavailable = signal<string | null>(null);
  protected readonly retrying = signal(false);
  protected readonly retryNote = signal<string | null>(null);
  protected readonly erasing = signal(false);

  protected readonly title = computed(() => {
    const lead = this.lead();
    return lead ? leadTitle(lead) : 'Lead';
  });
  /** Every field of the lead's own assistant, collected or not, then any other the lead holds. */
  protected readonly fields = computed(() => {
    const lead = this.lead();
    const values = lead?.fields ?? {};
    const known = lead ? this.assistants.fieldsOf(lead.assistant_id) : [];
    return [
      ...known.map((field) => ({
        name: field.name,
        label: field.label,
        value: values[field.name] ?? null,
      })),
      ...Object.keys(values)
        .filter((name) => !known.some((field) => field.name === name))
        .map((name) => ({ name, label: name, value: values[name] })),
    ];
  });
  /** How the confirmation names the lead: its name and email where it has them, else its id. */
  protected readonly eraseName = computed(() => {
    const lead = this.lead();
    if (!lead) return '';
    const { name, email } = lead.fields;
    if (name && email) return `${name} (${email})`;
    return name || email || `lead ${lead.id}`;
  });

  protected readonly stateLabels = STATE_LABELS;
  protected readonly notificationLabels = NOTIFICATION_LABELS;
  protected readonly channelLabels = CHANNEL_LABELS;

  private readonly confirmErase = viewChild(ConfirmDialog);
  private generation = 0;

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id, true));
    });
    effect(() => {
      const assistantId = this.lead()?.assistant_id;
      if (assistantId) untracked(() => this.assistants.load(assistantId));
    });
    inject(LeadFeed)
      .events$.pipe(takeUntilDestroyed())
      .subscribe((message) => {
        const lead = this.lead();
        if (message.type === 'lead_erased' && message.id === this.id()) {
          if (!this.erasing()) this.unavailable.set('This lead was erased.');
        } else if (
          (message.type === 'lead' && message.lead.id === this.id()) ||
          (message.type === 'resync' && lead)
        ) {
          void this.load(this.id(), false);
        }
      });
  }

  protected async retry(): Promise<void> {
    const lead = this.lead();
    if (!lead || this.retrying()) return;
    this.retrying.set(true);
    this.retryNote.set(null);
    this.error.set(null);
    try {
      const { requeued } = await this.api.retryNotifications(lead.id);
      const byId = new Map(requeued.map((notification) => [notification.id, notification]));
      this.lead.update(
        (current) =>
          current && {
            ...current,
            notifications: current.notifications.map((n) => byId.get(n.id) ?? n),
          },
      );
      this.retryNote.set(
        requeued.length > 0
          ? 'Queued again: it will be sent within moments.'
          : 'Nothing to send again: no notification had failed.',
      );
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.retrying.set(false);
    }
  }

  protected askErase(): void {
    this.confirmErase()?.open();
  }

  protected async erase(): Promise<void> {
    const lead = this.lead();
    if (!lead || this.erasing()) return;
    const name = this.eraseName();
    this.erasing.set(true);
    this.error.set(null);
    try {
      await this.api.erase(lead.id);
      await this.router.navigate(['/admin'], {
        queryParams: this.route.snapshot.queryParams,
        state: { notice: `Erased ${name}.` },
      });
    } catch (error) {
      this.error.set(staffErrorMessage(error));
      this.erasing.set(false);
    }
  }

  protected failed(notification: LeadNotification): boolean {
    return notification.status === 'failed';
  }

  private async load(id: string, first: boolean): Promise<void> {
    const generation = ++this.generation;
    if (first) {
      this.lead.set(null);
      this.unavailable.set(null);
      this.retryNote.set(null);
    }
    try {
      const lead = await this.api.get(id);
      if (generation === this.generation) this.lead.set(lead);
    } catch (error) {
      if (generation !== this.generation) return;
      const message = staffErrorMessage(error, {
        not_found: 'No such lead: it may have been erased.',
      });
      if (first || this.lead() === null) this.unavailable.set(message);
      else this.error.set(message);
    }
  }
}
