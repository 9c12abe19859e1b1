import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import type { KnowledgeSearchHit, KnowledgeSourceSummary } from '@chat/contracts';
import { ConfirmDialog } from '../confirm-dialog/confirm-dialog';
import { KnowledgeApi } from '../data/knowledge-api';
import { staffErrorMessage } from '../data/staff-error';
import { WhenPipe } from '../ui/when-pipe';
import {
  formatBytes,
  KNOWLEDGE_POLL_MS,
  mediaLabel,
  needsPolling,
  truncate,
  uploadErrorMessage,
} from './knowledge-view';

/** A file being sent, or refused: each file of a choice or a drop is sent on its own. */
interface Upload {
  key: number;
  name: string;
  state: 'sending' | 'refused';
  error?: string;
}

let nextUploadKey = 0;

/**
 * The documents an assistant answers from (PROTOCOL.md, Knowledge): admins add files (chosen or
 * dropped) and web pages, and delete or fetch them again; everyone may read the list, whose
 * processing sources are followed until their jobs end, and try a question to see the passages
 * a turn would be given.
 */
@Component({
  selector: 'chat-assistant-knowledge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmDialog, WhenPipe],
  templateUrl: './assistant-knowledge.html',
  styleUrls: ['../ui/panel.css', './assistant-knowledge.css'],
  host: { '(window:dragover)': 'keepPage($event)', '(window:drop)': 'keepPage($event)' },
})
export class AssistantKnowledge {
  readonly assistantId = input.required<string>();
  /** Admins change an assistant that is not archived; everyone else reads. */
  readonly canEdit = input(false);

  private readonly api = inject(KnowledgeApi);
  private readonly deleteDialog = viewChild.required<ConfirmDialog>('deleteDialog');

  protected readonly sources = signal<readonly KnowledgeSourceSummary[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly note = signal<string | null>(null);
  protected readonly uploads = signal<readonly Upload[]>([]);
  protected readonly dragging = signal(false);
  protected readonly pageUrl = signal('');
  protected readonly addingPage = signal(false);
  protected readonly pageError = signal<string | null>(null);
  /** The source a delete or refresh is under way for. */
  protected readonly busySource = signal<string | null>(null);
  /** The source the delete confirmation asks about. */
  protected readonly deleting = signal<KnowledgeSourceSummary | null>(null);

  protected readonly question = signal('');
  protected readonly searching = signal(false);
  protected readonly searchError = signal<string | null>(null);
  /** The passages of the last question asked, null before any. */
  protected readonly passages = signal<readonly KnowledgeSearchHit[] | null>(null);

  protected readonly processing = computed(() => needsPolling(this.sources() ?? []));
  protected readonly formatBytes = formatBytes;
  protected readonly mediaLabel = mediaLabel;
  protected readonly truncate = truncate;

  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  /** Counts reads, so that an answer overtaken by a later read is dropped. */
  private reads = 0;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      clearTimeout(this.pollTimer);
    });
    effect(() => {
      const id = this.assistantId();
      untracked(() => {
        this.sources.set(null);
        this.passages.set(null);
        void this.load(id);
      });
    });
  }

  /** Reads the list, and again after a while as long as some source is processing. */
  private async load(assistantId = this.assistantId()): Promise<void> {
    clearTimeout(this.pollTimer);
    const read = ++this.reads;
    try {
      const sources = await this.api.list(assistantId);
      if (read !== this.reads || this.destroyed) return;
      this.sources.set(sources);
      this.error.set(null);
    } catch (error) {
      if (read !== this.reads || this.destroyed) return;
      this.error.set(staffErrorMessage(error));
    }
    if (this.destroyed || read !== this.reads) return;
    if (needsPolling(this.sources() ?? [])) {
      this.pollTimer = setTimeout(() => void this.load(), KNOWLEDGE_POLL_MS);
    }
  }

  protected chosen(input: HTMLInputElement): void {
    const files = Array.from(input.files ?? []);
    // The same file chosen again is a new choice.
    input.value = '';
    this.send(files);
  }

  protected dragOver(event: DragEvent): void {
    if (!this.canEdit() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging.set(true);
  }

  protected dragLeave(event: DragEvent): void {
    const zone = event.currentTarget as HTMLElement;
    if (!zone.contains(event.relatedTarget as Node | null)) this.dragging.set(false);
  }

  protected dropped(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    if (!this.canEdit()) return;
    this.send(Array.from(event.dataTransfer?.files ?? []));
  }

  /** A file dropped beside the drop zone is not opened by the browser in the editor's place. */
  protected keepPage(event: DragEvent): void {
    // The drop zone has taken its own (it bubbles here after it).
    if (!this.canEdit() || event.defaultPrevented || !event.dataTransfer?.types.includes('Files'))
      return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'none';
  }

  /** Sends each file on its own: one refused does not stop the others. */
  private send(files: readonly File[]): void {
    if (!this.canEdit() || files.length === 0) return;
    this.note.set(null);
    // A new batch replaces the reasons of the last one.
    this.uploads.update((all) => all.filter((upload) => upload.state === 'sending'));
    const assistantId = this.assistantId();
    for (const file of files) {
      const key = ++nextUploadKey;
      this.uploads.update((all) => [...all, { key, name: file.name, state: 'sending' }]);
      this.api.upload(assistantId, file).then(
        () => {
          this.uploads.update((all) => all.filter((upload) => upload.key !== key));
          void this.load();
        },
        (error: unknown) =>
          this.uploads.update((all) =>
            all.map((upload) =>
              upload.key === key
                ? { ...upload, state: 'refused', error: uploadErrorMessage(error) }
                : upload,
            ),
          ),
      );
    }
  }

  protected dismissUpload(key: number): void {
    this.uploads.update((all) => all.filter((upload) => upload.key !== key));
  }

  protected async addPage(event: Event): Promise<void> {
    event.preventDefault();
    const url = this.pageUrl().trim();
    if (!this.canEdit() || !url || this.addingPage()) return;
    this.addingPage.set(true);
    this.pageError.set(null);
    this.note.set(null);
    try {
      await this.api.addPage(this.assistantId(), url);
      this.pageUrl.set('');
      this.note.set('The page is being fetched.');
      await this.load();
    } catch (error) {
      this.pageError.set(staffErrorMessage(error));
    } finally {
      this.addingPage.set(false);
    }
  }

  protected async refresh(source: KnowledgeSourceSummary): Promise<void> {
    if (!this.canEdit() || this.busySource()) return;
    this.busySource.set(source.id);
    this.error.set(null);
    this.note.set(null);
    try {
      await this.api.refresh(this.assistantId(), source.id);
      this.note.set(`${source.title} is being fetched again.`);
      await this.load();
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.busySource.set(null);
    }
  }

  protected askDelete(source: KnowledgeSourceSummary): void {
    this.deleting.set(source);
    this.deleteDialog().open();
  }

  protected async remove(): Promise<void> {
    const source = this.deleting();
    if (!source || !this.canEdit() || this.busySource()) return;
    this.busySource.set(source.id);
    this.error.set(null);
    this.note.set(null);
    try {
      await this.api.remove(this.assistantId(), source.id);
      this.note.set(`${source.title} was deleted.`);
      await this.load();
    } catch (error) {
      this.error.set(staffErrorMessage(error));
    } finally {
      this.busySource.set(null);
      this.deleting.set(null);
    }
  }

  protected async search(event: Event): Promise<void> {
    event.preventDefault();
    const query = this.question().trim();
    if (!query || this.searching()) return;
    this.searching.set(true);
    this.searchError.set(null);
    try {
      const reply = await this.api.search(this.assistantId(), query);
      this.passages.set(reply.passages);
    } catch (error) {
      this.searchError.set(staffErrorMessage(error));
    } finally {
      this.searching.set(false);
    }
  }
}
