import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type {
  ApiKeySummary,
  CreateApiKey,
  CreatedApiKey,
  CreateStaffAccount,
  StaffAccount,
  UpdateStaffAccount,
} from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

/** Staff accounts and API keys (PROTOCOL.md, "Access (v2)"; admins only). Failures throw `ApiRequestError`. */
@Injectable()
export class AdminApi {
  private readonly http = inject(HttpClient);

  listAccounts(): Promise<StaffAccount[]> {
    return firstValueFrom(this.http.get<StaffAccount[]>('/api/admin/users', { cache: 'no-store' }));
  }

  createAccount(account: CreateStaffAccount): Promise<StaffAccount> {
    return firstValueFrom(this.http.post<StaffAccount>('/api/admin/users', account));
  }

  /** A new role, or disabled/enabled; the account's sessions end at once. */
  updateAccount(id: string, change: UpdateStaffAccount): Promise<StaffAccount> {
    return firstValueFrom(this.http.patch<StaffAccount>(`/api/admin/users/${encodeURIComponent(id)}`, change));
  }

  listKeys(): Promise<ApiKeySummary[]> {
    return firstValueFrom(this.http.get<ApiKeySummary[]>('/api/admin/api-keys', { cache: 'no-store' }));
  }

  /** The answer is the only one that ever holds the key itself. */
  createKey(key: CreateApiKey): Promise<CreatedApiKey> {
    return firstValueFrom(this.http.post<CreatedApiKey>('/api/admin/api-keys', key));
  }

  revokeKey(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`/api/admin/api-keys/${encodeURIComponent(id)}`));
  }
}
