import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { KnowledgeSearchReply, KnowledgeSourceSummary } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

/**
 * An assistant's knowledge (PROTOCOL.md, "Knowledge (v3)"): agents list it and try questions,
 * admins add and remove sources. Failures throw `ApiRequestError`.
 */
@Injectable()
export class KnowledgeApi {
  private readonly http = inject(HttpClient);

  /** Newest first, each with its status. */
  list(assistantId: string): Promise<KnowledgeSourceSummary[]> {
    return firstValueFrom(
      this.http.get<KnowledgeSourceSummary[]>(path(assistantId), { cache: 'no-store' }),
    );
  }

  /** One file, judged by its content on the server; answered `processing`. */
  upload(assistantId: string, file: File): Promise<KnowledgeSourceSummary> {
    const body = new FormData();
    body.append('file', file, file.name);
    return firstValueFrom(this.http.post<KnowledgeSourceSummary>(path(assistantId), body));
  }

  /** A web page the server fetches; answered `processing`. */
  addPage(assistantId: string, url: string): Promise<KnowledgeSourceSummary> {
    return firstValueFrom(this.http.post<KnowledgeSourceSummary>(path(assistantId), { url }));
  }

  /** Fetches a web page source again. */
  refresh(assistantId: string, sourceId: string): Promise<void> {
    return firstValueFrom(this.http.post<void>(`${path(assistantId, sourceId)}/refresh`, null));
  }

  /** Deletes a source with its passages. */
  remove(assistantId: string, sourceId: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(path(assistantId, sourceId)));
  }

  /** The passages a turn would be given for `query`, best first. */
  search(assistantId: string, query: string): Promise<KnowledgeSearchReply> {
    return firstValueFrom(
      this.http.post<KnowledgeSearchReply>(`${path(assistantId)}/search`, { query }),
    );
  }
}

function path(assistantId: string, sourceId?: string): string {
  const base = `/api/admin/assistants/${encodeURIComponent(assistantId)}/knowledge`;
  return sourceId ? `${base}/${encodeURIComponent(sourceId)}` : base;
}
