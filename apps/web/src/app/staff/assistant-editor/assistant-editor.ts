import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { applyEach, disabled, form, FormField, maxLength, readonly } from '@angular/forms/signals';
import { Router, RouterLink } from '@angular/router';
import type { AssistantDetail } from '@chat/contracts';
import { ApiRequestError } from '@chat/chat-client';
import { AssistantPreview } from '../assistant-preview/assistant-preview';
import { AssistantInstall } from '../assistant-install/assistant-install';
import { AssistantKnowledge } from '../assistant-knowledge/assistant-knowledge';
import { ConfirmDialog } from '../confirm-dialog/confirm-dialog';
import { AssistantsApi } from '../data/assistants-api';
import { StaffAuth } from '../data/staff-auth';
import { staffErrorMessage } from '../data/staff-error';
import { WhenPipe } from '../ui/when-pipe';
import { controlId, draftProblems } from './draft-errors';
import {
  DRAFT_LIMITS as LIMITS,
  draftToForm,
  type DraftForm,
  FIELD_KINDS,
  formToDraft,
  newLeadField,
  POSITIONS,
} from './draft-form';
import { DraftControl, DraftProblem, EditorProblems } from './draft-problem';

/** Labels of the controls, for the problems summary's links. */
const CONTROL_LABELS: Readonly<Record<string, string>> = {
  name: 'Name',
  persona: 'Persona',
  greeting: 'Greeting',
  instructions: 'Instructions',
  fallback_answer: 'Fallback answer',
  privacy_notice: 'Privacy notice',
  privacy_url: 'Privacy URL',
  fields: 'Fields',
  allowed_origins: 'Allowed website origins',
  appearance: 'Appearance',
  'appearance.title': 'Appearance title',
  'appearance.accent_color': 'Accent colour',
  'appearance.launcher_label': 'Launcher label',
  'appearance.position': 'Position',
  'appearance.avatar_url': 'Avatar URL',
  email_recipients: 'Email recipients',
  webhook_url: 'Webhook URL',
};

/**
 * One assistant: its draft in a form (admins edit, agents read), saved whole and judged by the
 * server, whose problems are shown beside the controls they name; its knowledge; publishing, the
 * versions with restore, export and archive.
 */
@Component({
  selector: 'chat-assistant-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    FormField,
    AssistantPreview,
    AssistantInstall,
    AssistantKnowledge,
    WhenPipe,
    ConfirmDialog,
    DraftControl,
    DraftProblem,
  ],
  providers: [EditorProblems],
  templateUrl: './assistant-editor.html',
  styleUrls: ['../ui/panel.css', './assistant-editor.css'],
  host: { '(window:beforeunload)': 'beforeUnload($event)' },
})
export class AssistantEditorPage {
  /** The route's `:id`. */
  readonly id = input.required<string>();

  private readonly api = inject(AssistantsApi);
  private readonly router = inject(Router);
  protected readonly auth = inject(StaffAuth);
  protected readonly editorProblems = inject(EditorProblems);
  private readonly publishDialog = viewChild.required<ConfirmDialog>('publishDialog');
  private readonly restoreDialog = viewChild.required<ConfirmDialog>('restoreDialog');
  private readonly archiveDialog = viewChild.required<ConfirmDialog>('archiveDialog');
  private readonly summary = viewChild<ElementRef<HTMLElement>>('summary');

  protected readonly detail = signal<AssistantDetail | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly note = signal<string | null>(null);
  protected readonly busy = signal<'save' | 'publish' | 'restore' | 'archive' | 'export' | null>(
    null,
  );
  /** The version the restore confirmation asks about. */
  protected readonly restoring = signal<number | null>(null);
  /** Counts saves, so that the preview starts a new conversation with each saved draft. */
  protected readonly savedCount = signal(0);

  protected readonly model = signal<DraftForm>(draftToForm({}));
  /** The form as the saved draft fills it: the form is dirty when it differs. */
  private readonly saved = signal<string>(JSON.stringify(this.model()));
  protected readonly dirty = computed(() => JSON.stringify(this.model()) !== this.saved());

  protected readonly canEdit = computed(
    () => this.auth.isAdmin() && this.detail()?.archived === false,
  );
  protected readonly draftForm = form(this.model, (path) => {
    readonly(path, () => !this.canEdit());
    maxLength(path.name, LIMITS.name);
    maxLength(path.persona, LIMITS.persona);
    maxLength(path.greeting, LIMITS.greeting);
    maxLength(path.instructions, LIMITS.instructions);
    maxLength(path.fallback_answer, LIMITS.fallback_answer);
    maxLength(path.privacy_notice, LIMITS.privacy_notice);
    maxLength(path.appearance.title, LIMITS.name);
    maxLength(path.appearance.launcher_label, LIMITS.name);
    // A select or a checkbox has no read-only state of its own.
    disabled(path.custom_appearance, () => !this.canEdit());
    disabled(path.appearance.position, () => !this.canEdit());
    disabled(path.appearance.accent_color, () => !this.canEdit());
    applyEach(path.fields, (field) => {
      maxLength(field.name, LIMITS.field_text);
      maxLength(field.label, LIMITS.field_text);
      maxLength(field.description, LIMITS.field_text);
      maxLength(field.question, LIMITS.field_text);
      disabled(field.kind, () => !this.canEdit());
      disabled(field.required, () => !this.canEdit());
    });
  });

  protected readonly kinds = FIELD_KINDS;
  protected readonly positions = POSITIONS;
  protected readonly limits = LIMITS;
  protected readonly controlId = controlId;
  protected readonly nextVersion = computed(
    () => Math.max(0, ...(this.detail()?.versions ?? []).map((v) => v.version)) + 1,
  );
  /** The server's problems no control shows, and those it does, for the summary. */
  protected readonly summaryItems = computed(() => {
    const problems = this.editorProblems.problems();
    if (!problems) return null;
    const mapped = Object.entries(problems.byControl).map(([control, reasons]) => ({
      control,
      id: controlId(control),
      text: `${labelOf(control)}: ${reasons.join('; ')}`,
    }));
    return { mapped, unmapped: problems.unmapped };
  });

  constructor() {
    effect(() => {
      const id = this.id();
      if (this.auth.user()) untracked(() => void this.load(id));
    });
  }

  /** The saved draft's greeting, which the preview shows first. */
  protected greetingOf(assistant: AssistantDetail): string {
    const greeting = assistant.draft['greeting'];
    return typeof greeting === 'string' ? greeting : '';
  }

  /** The appearance as the form stands, for the install panel's launcher (null: the defaults). */
  protected readonly launcherAppearance = computed(() => {
    const form = this.model();
    if (!form.custom_appearance) return null;
    const { title, accent_color, launcher_label, position } = form.appearance;
    return {
      title,
      accent_color,
      launcher_label,
      position: position === 'bottom-left' ? 'bottom-left' : 'bottom-right',
    } as const;
  });

  /** The origins the saved draft lists, for the install panel. */
  protected originsOf(assistant: AssistantDetail): readonly string[] {
    const origins = assistant.draft['allowed_origins'];
    return Array.isArray(origins) ? origins.filter((origin) => typeof origin === 'string') : [];
  }

  /** A secret was made: the assistant verifies identities from now on. */
  protected identityVerified(): void {
    this.detail.update((detail) => detail && { ...detail, identity_verification: true });
  }

  /** Whether leaving may go on: with unsaved changes, only when the staff member says so. */
  canLeave(): boolean {
    return !this.dirty() || confirm('Leave this assistant? Your unsaved changes will be lost.');
  }

  protected beforeUnload(event: BeforeUnloadEvent): void {
    if (this.dirty()) event.preventDefault();
  }

  protected addField(): void {
    this.model.update((m) => ({ ...m, fields: [...m.fields, newLeadField()] }));
    this.clearFieldProblems();
    // The new field's name takes the focus once drawn.
    const index = this.model().fields.length - 1;
    setTimeout(() => document.getElementById(controlId(`fields[${index}].name`))?.focus());
  }

  protected removeField(index: number): void {
    this.model.update((m) => ({ ...m, fields: m.fields.filter((_, i) => i !== index) }));
    this.clearFieldProblems();
  }

  protected moveField(index: number, by: -1 | 1, button: HTMLElement): void {
    const to = index + by;
    this.model.update((m) => {
      const fields = [...m.fields];
      [fields[index], fields[to]] = [fields[to], fields[index]];
      return { ...m, fields };
    });
    this.clearFieldProblems();
    // The focus follows the field it moved, to the same button if it is still there.
    const which = button.dataset['move'];
    setTimeout(() => {
      const row = document.querySelectorAll<HTMLElement>('[data-field-row]')[to];
      (
        row?.querySelector<HTMLElement>(`[data-move="${which}"]:not([disabled])`) ??
        row?.querySelector<HTMLElement>('[data-move]:not([disabled])')
      )?.focus();
    });
  }

  protected focusControl(event: Event, id: string): void {
    event.preventDefault();
    document.getElementById(id)?.focus();
  }

  protected async save(event?: Event): Promise<void> {
    event?.preventDefault();
    const detail = this.detail();
    if (!detail || !this.canEdit() || this.busy()) return;
    this.busy.set('save');
    this.note.set(null);
    this.error.set(null);
    try {
      const saved = await this.api.saveDraft(detail.id, formToDraft(this.model(), detail.draft));
      this.editorProblems.set(null);
      this.show(saved);
      this.savedCount.update((n) => n + 1);
      this.note.set('Draft saved. The preview now talks to it; publish to make it live.');
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 400 && error.serverMessage) {
        this.editorProblems.set(draftProblems(error.serverMessage));
        // The summary says how many and links to each: the place to start fixing.
        setTimeout(() => this.summary()?.nativeElement.focus());
      } else {
        this.error.set(staffErrorMessage(error));
      }
    } finally {
      this.busy.set(null);
    }
  }

  protected askPublish(): void {
    this.publishDialog().open();
  }

  protected async publish(): Promise<void> {
    await this.change(
      'publish',
      (id) => this.api.publish(id),
      (d) => `Version ${d.published_version} is live: new conversations use it.`,
    );
  }

  protected askRestore(version: number): void {
    this.restoring.set(version);
    this.restoreDialog().open();
  }

  protected async restore(): Promise<void> {
    const version = this.restoring();
    if (version === null) return;
    await this.change(
      'restore',
      (id) => this.api.restore(id, version),
      (d) =>
        `Version ${version} is live again, as version ${d.published_version}: new conversations use it.`,
    );
  }

  protected askArchive(): void {
    this.archiveDialog().open();
  }

  protected async archive(): Promise<void> {
    const detail = this.detail();
    if (!detail || this.busy()) return;
    this.busy.set('archive');
    this.error.set(null);
    try {
      await this.api.archive(detail.id);
      this.saved.set(JSON.stringify(this.model()));
      await this.router.navigateByUrl('/admin/assistants');
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.busy.set(null);
    }
  }

  /** Downloads the saved draft as a profile file. */
  protected async export(): Promise<void> {
    const detail = this.detail();
    if (!detail || this.busy()) return;
    this.busy.set('export');
    this.error.set(null);
    try {
      const yaml = await this.api.exportYaml(detail.id);
      const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${detail.id}.yaml`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url));
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.busy.set(null);
    }
  }

  private async change(
    kind: 'publish' | 'restore',
    call: (id: string) => Promise<AssistantDetail>,
    done: (detail: AssistantDetail) => string,
  ): Promise<void> {
    const detail = this.detail();
    if (!detail || this.busy()) return;
    this.busy.set(kind);
    this.note.set(null);
    this.error.set(null);
    try {
      const changed = await call(detail.id);
      // Publish and restore leave the draft as it is, and the form with it.
      this.detail.set(changed);
      this.note.set(done(changed));
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.busy.set(null);
    }
  }

  private async load(id: string): Promise<void> {
    this.error.set(null);
    try {
      this.show(await this.api.get(id));
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    }
  }

  /** The assistant as the server now has it; the form takes its draft. */
  private show(detail: AssistantDetail): void {
    const model = draftToForm(detail.draft);
    this.detail.set(detail);
    this.model.set(model);
    this.saved.set(JSON.stringify(model));
  }

  private clearFieldProblems(): void {
    const problems = this.editorProblems.problems();
    if (!problems) return;
    const byControl = Object.fromEntries(
      Object.entries(problems.byControl).filter(([control]) => !control.startsWith('fields[')),
    );
    this.editorProblems.set({ ...problems, byControl });
  }
}

function labelOf(control: string): string {
  const field = /^fields\[(\d+)\](?:\.(.+))?$/.exec(control);
  if (field)
    return `Field ${Number(field[1]) + 1}${field[2] ? ` ${field[2].replace('_', ' ')}` : ''}`;
  return CONTROL_LABELS[control] ?? control;
}
