import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  LeadDetail,
  LeadNote,
  LeadPage,
  LeadQuery,
  LeadRetryReply,
  LeadStagesReply,
  LeadUnreadReply,
  UpdateLeadRequest,
} from '@chat/contracts';
import { firstValueFrom } from 'rxjs';
import { queryParams } from './lead-list';

/** The leads endpoints (PROTOCOL.md, "Leads (v2)"). Failures throw `ApiRequestError`. */
@Injectable()
export class LeadsApi {
  private readonly http = inject(HttpClient);

  list(query: LeadQuery): Promise<LeadPage> {
    return firstValueFrom(
      this.http.get<LeadPage>('/api/leads', { params: queryParams(query), cache: 'no-store' }),
    );
  }

  get(id: string): Promise<LeadDetail> {
    return firstValueFrom(
      this.http.get<LeadDetail>(`/api/leads/${encodeURIComponent(id)}`, { cache: 'no-store' }),
    );
  }

  /** The pipeline's stages, in order. */
  stages(): Promise<LeadStagesReply> {
    return firstValueFrom(
      this.http.get<LeadStagesReply>('/api/leads/stages', { cache: 'no-store' }),
    );
  }

  /** How many leads no staff member has opened yet. */
  unreadCount(): Promise<LeadUnreadReply> {
    return firstValueFrom(
      this.http.get<LeadUnreadReply>('/api/leads/unread', { cache: 'no-store' }),
    );
  }

  /** Changes a lead's stage, owner or tags (with the XSRF header, as every staff write); answers the lead. */
  update(id: string, change: UpdateLeadRequest): Promise<LeadDetail> {
    return firstValueFrom(
      this.http.patch<LeadDetail>(`/api/leads/${encodeURIComponent(id)}`, change),
    );
  }

  /** Writes a private note on a lead. */
  addNote(id: string, body: string): Promise<LeadNote> {
    return firstValueFrom(
      this.http.post<LeadNote>(`/api/leads/${encodeURIComponent(id)}/notes`, { body }),
    );
  }

  /** Queues a lead's failed notifications again. */
  retryNotifications(id: string): Promise<LeadRetryReply> {
    return firstValueFrom(
      this.http.post<LeadRetryReply>(
        `/api/leads/${encodeURIComponent(id)}/notifications/retry`,
        null,
      ),
    );
  }

  /** Erases a lead with its session, transcript and notifications (admin). */
  erase(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`/api/leads/${encodeURIComponent(id)}`));
  }

  /** Where the browser downloads the CSV of the leads a query lists (all of them, unpaged). */
  exportUrl(query: Omit<LeadQuery, 'cursor' | 'limit'>): string {
    const params = new URLSearchParams(queryParams(query)).toString();
    return `/api/leads/export.csv${params ? `?${params}` : ''}`;
  }
}
