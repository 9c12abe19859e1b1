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
import {
  type LeadActivity,
  type LeadDetail,
  LEAD_NOTE_MAX_LENGTH,
  type LeadNotification,
  type UpdateLeadRequest,
} from '@chat/contracts';
import { FinishedMessage } from '@chat/chat-ui';
import { ConfirmDialog } from '../confirm-dialog/confirm-dialog';
import { AssistantFields } from '../data/assistant-fields';
import { LeadFeed } from '../data/lead-feed';
import { leadTitle } from '../data/lead-list';
import { LeadsApi } from '../data/leads-api';
import { withoutTag, withTag } from '../data/lead-tags';
import { LeadWorkflowOptions } from '../data/lead-workflow-options';
import { StaffAuth } from '../data/staff-auth';
import { staffErrorMessage } from '../data/staff-error';
import { CHANNEL_LABELS, NOTIFICATION_LABELS, STATE_LABELS, stageLabel } from '../ui/lead-labels';
import { WhenPipe } from '../ui/when-pipe';

/**
 * One lead: every field, its stage, owner and tags (each change saved at once), private notes
 * and the staff's activity, its notifications (a failed one can be sent again), the
 * conversation rendered as the chat renders it, and for an admin, erasure. Kept current by the
 * live feed. Opening it marks it read (the API does, and tells every staff feed).
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
  protected readonly options = inject(LeadWorkflowOptions);

  protected readonly lead = signal<LeadDetail | null>(null);
  protected readonly error = signal<string | null>(null);
  /** Why there is no lead to show: none with this id, erased meanwhile (by someone else), or unreachable. */
  protected readonly unavailable = signal<string | null>(null);
  protected readonly retrying = signal(false);
  protected readonly retryNote = signal<string | null>(null);
  protected readonly erasing = signal(false);
  /** A stage, owner or tags change on its way; the controls wait for it. */
  protected readonly saving = signal(false);
  /** Why the last workflow change or tag was refused (the lead shown is still the saved one). */
  protected readonly workflowError = signal<string | null>(null);
  protected readonly noting = signal(false);
  protected readonly noteError = signal<string | null>(null);
  protected readonly noteMax = LEAD_NOTE_MAX_LENGTH;
  protected readonly noteLength = signal(0);

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
  /** The owners offered: the known staff, and the lead's own owner if they are not among them. */
  protected readonly ownerChoices = computed(() => {
    const owners = this.options.owners();
    const current = this.lead()?.owner;
    return current && !owners.includes(current) ? [...owners, current] : owners;
  });
  protected readonly stageChoices = computed(() => {
    const stages = this.options.stages();
    const current = this.lead()?.stage;
    return current && !stages.includes(current) ? [...stages, current] : stages;
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
  protected readonly stageLabel = stageLabel;

  private readonly confirmErase = viewChild(ConfirmDialog);
  private generation = 0;

  constructor() {
    this.options.load();
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

  protected setStage(select: HTMLSelectElement): void {
    void this.change({ stage: select.value }, () => (select.value = this.lead()?.stage ?? ''));
  }

  protected setOwner(select: HTMLSelectElement): void {
    const owner = select.value || null;
    void this.change({ owner }, () => (select.value = this.lead()?.owner ?? ''));
  }

  /** Gives the lead to the staff member with the email typed (any case; the API checks it is an active account). */
  protected assignTo(event: Event, input: HTMLInputElement): void {
    event.preventDefault();
    const email = input.value.trim();
    if (!email) {
      this.workflowError.set('Type the email of a staff member first.');
      return;
    }
    void this.change({ owner: email }).then((saved) => {
      if (saved) input.value = '';
    });
  }

  protected addTag(event: Event, input: HTMLInputElement): void {
    event.preventDefault();
    const lead = this.lead();
    if (!lead) return;
    const added = withTag(lead.tags, input.value);
    if ('error' in added) {
      this.workflowError.set(added.error);
      return;
    }
    void this.change({ tags: added.tags }).then((saved) => {
      if (saved) input.value = '';
    });
  }

  protected removeTag(tag: string): void {
    const lead = this.lead();
    if (lead) void this.change({ tags: withoutTag(lead.tags, tag) });
  }

  protected async addNote(event: Event, textarea: HTMLTextAreaElement): Promise<void> {
    event.preventDefault();
    const lead = this.lead();
    const body = textarea.value.trim();
    if (!lead || this.noting()) return;
    if (!body) {
      this.noteError.set('Write the note first.');
      return;
    }
    if (body.length > LEAD_NOTE_MAX_LENGTH) {
      this.noteError.set(`A note is at most ${LEAD_NOTE_MAX_LENGTH} characters.`);
      return;
    }
    this.noting.set(true);
    this.noteError.set(null);
    try {
      const note = await this.api.addNote(lead.id, body);
      this.lead.update(
        (current) =>
          current && {
            ...current,
            activity: [...current.activity.filter((entry) => entry.id !== note.id), note],
          },
      );
      textarea.value = '';
      this.noteLength.set(0);
    } catch (error) {
      this.noteError.set(staffErrorMessage(error));
    } finally {
      this.noting.set(false);
    }
  }

  /** What an activity entry says, after who and when. */
  protected describe(entry: LeadActivity): string {
    if (entry.type === 'note') return entry.body;
    const value = (text: string | string[] | null): string => {
      if (entry.field === 'stage') return typeof text === 'string' ? stageLabel(text) : '—';
      if (entry.field === 'owner') return typeof text === 'string' ? text : 'unowned';
      return Array.isArray(text) && text.length > 0 ? text.join(', ') : 'none';
    };
    return `changed ${entry.field} from ${value(entry.from)} to ${value(entry.to)}`;
  }

  /**
   * Saves a change of stage, owner or tags; the lead shown becomes the API's answer. Refused, it
   * stays as it was saved (`revert` puts a control back) and the reason shows; answers whether it
   * was saved.
   */
  private async change(change: UpdateLeadRequest, revert?: () => void): Promise<boolean> {
    const lead = this.lead();
    if (!lead || this.saving()) {
      revert?.();
      return false;
    }
    this.saving.set(true);
    this.workflowError.set(null);
    try {
      const updated = await this.api.update(lead.id, change);
      // A feed reload already on its way would be older than this answer.
      this.generation++;
      this.lead.set(updated);
      return true;
    } catch (error) {
      this.workflowError.set(staffErrorMessage(error));
      revert?.();
      return false;
    } finally {
      this.saving.set(false);
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
