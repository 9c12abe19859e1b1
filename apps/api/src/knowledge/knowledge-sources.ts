import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { KnowledgeSearchReply, KnowledgeSourceSummary } from '@chat/contracts';
import { ApiError } from '../common/api-error';
import { knowledgeConfig } from '../config/knowledge.config';
import { detectMediaType } from './knowledge-media-type';
import { KnowledgeStore } from './knowledge-store';
import { KnowledgeWorker } from './knowledge-worker';
import { PASSAGES_PER_TURN } from './knowledge-prompt';
import { snippetOf } from './passage-search';
import { PassageRetrieval } from './passage-retrieval';

/** What the multipart upload hands over (multer's memory storage), as far as it is read. */
export interface UploadedKnowledgeFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

const MAX_TITLE = 200;

/**
 * Staff's use of an assistant's knowledge: an upload is judged by its content and stored for
 * the job (which it wakes), never processed in the request.
 */
@Injectable()
export class KnowledgeSources {
  constructor(
    private readonly store: KnowledgeStore,
    private readonly worker: KnowledgeWorker,
    private readonly retrieval: PassageRetrieval,
    @Inject(knowledgeConfig.KEY) private readonly config: ConfigType<typeof knowledgeConfig>,
  ) {}

  async upload(
    assistantId: string,
    file: UploadedKnowledgeFile,
    createdBy: string,
  ): Promise<KnowledgeSourceSummary> {
    // Multer stops reading at the limit; this holds whatever stored the file.
    if (file.size > this.config.maxFileBytes) {
      throw new ApiError(
        'payload_too_large',
        `The file is larger than ${this.config.maxFileBytes} bytes.`,
      );
    }
    const mediaType = detectMediaType(file.buffer);
    if (!mediaType) {
      throw new ApiError(
        'invalid_request',
        'This is an unsupported file: upload Markdown, plain text (UTF-8), HTML or PDF.',
      );
    }
    const source = await this.store.add(
      {
        kind: 'file',
        assistantId,
        title: titleOf(file.originalname),
        mediaType,
        content: file.buffer,
        createdBy,
      },
      this.config,
    );
    this.worker.wake();
    return source;
  }

  /** A web page, fetched by the job (through the outbound guard), never in the request. */
  async addPage(
    assistantId: string,
    url: string,
    createdBy: string,
  ): Promise<KnowledgeSourceSummary> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ApiError('invalid_request', 'url must be an http or https URL.');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ApiError('invalid_request', 'url must be an http or https URL.');
    }
    const source = await this.store.add(
      {
        kind: 'url',
        assistantId,
        title: parsed.href.slice(0, MAX_TITLE),
        url: parsed.href,
        createdBy,
      },
      this.config,
    );
    this.worker.wake();
    return source;
  }

  async refresh(assistantId: string, sourceId: string): Promise<void> {
    await this.store.refresh(assistantId, sourceId);
    this.worker.wake();
  }

  list(assistantId: string): Promise<KnowledgeSourceSummary[]> {
    return this.store.list(assistantId);
  }

  remove(assistantId: string, sourceId: string): Promise<void> {
    return this.store.remove(assistantId, sourceId);
  }

  async search(assistantId: string, query: string): Promise<KnowledgeSearchReply> {
    await this.store.list(assistantId); // 404 for an unknown assistant
    const hits = await this.retrieval.search(assistantId, query, PASSAGES_PER_TURN);
    return {
      passages: hits.map((hit) => ({
        id: hit.id,
        source_id: hit.source_id,
        title: hit.title,
        ...(hit.url && { url: hit.url }),
        snippet: snippetOf(hit.content),
        heading: hit.heading,
        content: hit.content,
        score: hit.score,
      })),
    };
  }
}

/** The file's name without any folder, bounded; a nameless file is "Untitled". */
function titleOf(name: string): string {
  const base = name.split(/[\\/]/).pop()?.trim() ?? '';
  return (base || 'Untitled').slice(0, MAX_TITLE);
}
