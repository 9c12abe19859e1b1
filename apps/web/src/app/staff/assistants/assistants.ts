import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { AssistantSummary } from '@chat/contracts';
import { AssistantsApi } from '../data/assistants-api';
import { StaffAuth } from '../data/staff-auth';
import { staffErrorMessage } from '../data/staff-error';
import { WhenPipe } from '../ui/when-pipe';

/** The ids the API accepts (`ASSISTANT_ID`), checked here so the form says so before sending. */
const ASSISTANT_ID = '[a-z0-9\\-]{1,64}';

/**
 * The assistants (agents read, admins change): each with its live version, and for admins a new
 * one, made from a copy of the default assistant's draft or from a profile file (YAML).
 */
@Component({
  selector: 'chat-assistants',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, WhenPipe],
  templateUrl: './assistants.html',
  styleUrls: ['../ui/panel.css', './assistants.css'],
})
export class AssistantsPage {
  private readonly api = inject(AssistantsApi);
  private readonly router = inject(Router);
  protected readonly auth = inject(StaffAuth);

  protected readonly assistants = signal<readonly AssistantSummary[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly creating = signal(false);
  protected readonly idPattern = ASSISTANT_ID;
  /** What the new assistant starts from. */
  protected readonly source = signal<'copy' | 'file'>('copy');

  constructor() {
    effect(() => {
      if (this.auth.user()) untracked(() => void this.load());
    });
  }

  /** A new assistant from the default one's draft (its name and id replaced), or from the chosen file. */
  protected async create(event: Event, form: HTMLFormElement): Promise<void> {
    event.preventDefault();
    if (this.creating()) return;
    const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement | null;
    const id = input('id')?.value.trim() ?? '';
    const name = input('name')?.value.trim() ?? '';
    const fromFile = this.source() === 'file';
    const file = input('file')?.files?.[0];
    this.error.set(null);
    if (fromFile && !file) {
      this.error.set('Choose the profile file (YAML) to import.');
      return;
    }
    this.creating.set(true);
    try {
      let created;
      if (fromFile && file) {
        created = await this.api.importYaml(await file.text(), id || undefined);
      } else {
        const base = this.assistants()?.find((a) => a.is_default);
        const draft = base ? { ...(await this.api.get(base.id)).draft } : {};
        draft['id'] = id;
        if (name) {
          draft['name'] = name;
          const appearance = draft['appearance'];
          if (appearance && typeof appearance === 'object')
            draft['appearance'] = { ...appearance, title: name };
        }
        created = await this.api.create(id, draft);
      }
      await this.router.navigate(['/admin/assistants', created.id]);
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.creating.set(false);
    }
  }

  private async load(): Promise<void> {
    try {
      this.assistants.set(await this.api.list());
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    }
  }
}
