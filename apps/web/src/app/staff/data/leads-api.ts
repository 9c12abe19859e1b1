import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { LeadDetail, LeadPage, LeadQuery, LeadRetryReply } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';
import { queryParams } from './lead-list';

/** The leads endpoints (PROTOCOL.md, "Leads (v2)"). Failures throw `ApiRequestError`. */
@Injectable()
export class LeadsApi {
  private readonly http = inject(HttpClient);

  list(query: LeadQuery): Promise<LeadPage> {
    return firstValueFrom(this.http.get<LeadPage>('/api/leads', { params: queryParams(query), cache: 'no-store' }));
  }

  get(id: string): Promise<LeadDetail> {
    return firstValueFrom(this.http.get<LeadDetail>(`/api/leads/${encodeURIComponent(id)}`, { cache: 'no-store' }));
  }

  /** Queues a lead's failed notifications again. */
  retryNotifications(id: string): Promise<LeadRetryReply> {
    return firstValueFrom(this.http.post<LeadRetryReply>(`/api/leads/${encodeURIComponent(id)}/notifications/retry`, null));
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
