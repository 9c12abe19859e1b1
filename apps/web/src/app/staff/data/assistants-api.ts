import { HttpClient, HttpHeaders } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  AssistantDetail,
  AssistantDraft,
  AssistantSummary,
  IdentitySecret,
} from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

const BASE = '/api/admin/assistants';

/**
 * Assistants (PROTOCOL.md, "Assistants (v3)"): agents read them, admins change them. Every
 * change answers the assistant as it now is. Failures throw `ApiRequestError`.
 */
@Injectable()
export class AssistantsApi {
  private readonly http = inject(HttpClient);

  list(): Promise<AssistantSummary[]> {
    return firstValueFrom(this.http.get<AssistantSummary[]>(BASE, { cache: 'no-store' }));
  }

  get(id: string): Promise<AssistantDetail> {
    return firstValueFrom(this.http.get<AssistantDetail>(path(id), { cache: 'no-store' }));
  }

  create(id: string, draft: AssistantDraft): Promise<AssistantDetail> {
    return firstValueFrom(this.http.post<AssistantDetail>(BASE, { id, draft }));
  }

  /** A profile file as it is; its id is `id` when given, else the file's own. */
  importYaml(yaml: string, id?: string): Promise<AssistantDetail> {
    return firstValueFrom(
      this.http.post<AssistantDetail>(BASE, yaml, {
        headers: new HttpHeaders({ 'Content-Type': 'application/yaml' }),
        params: id ? { id } : {},
      }),
    );
  }

  /** The whole draft: the server checks it whole and keeps nothing of a wrong one. */
  saveDraft(id: string, draft: AssistantDraft): Promise<AssistantDetail> {
    return firstValueFrom(this.http.put<AssistantDetail>(`${path(id)}/draft`, draft));
  }

  publish(id: string): Promise<AssistantDetail> {
    return firstValueFrom(this.http.post<AssistantDetail>(`${path(id)}/publish`, null));
  }

  /** Copies version `version` into the draft (published again only by a publish). */
  restore(id: string, version: number): Promise<AssistantDetail> {
    return firstValueFrom(
      this.http.post<AssistantDetail>(`${path(id)}/versions/${version}/restore`, null),
    );
  }

  archive(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(path(id)));
  }

  /** A new identity secret (the old one stops verifying at once): the only time it is shown. */
  rotateIdentitySecret(id: string): Promise<IdentitySecret> {
    return firstValueFrom(this.http.post<IdentitySecret>(`${path(id)}/identity-secret`, null));
  }

  /** The draft as a profile file, which `importYaml` reads back. */
  exportYaml(id: string): Promise<string> {
    return firstValueFrom(
      this.http.get(`${path(id)}/export.yaml`, { responseType: 'text', cache: 'no-store' }),
    );
  }
}

function path(id: string): string {
  return `${BASE}/${encodeURIComponent(id)}`;
}
