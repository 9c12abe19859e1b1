import { HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import type { LoginRequest, StaffSession, StaffUser } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';
import { isSessionEnded, staffErrorMessage } from './staff-error';

/** Whether someone is signed in: not known yet (the first `GET /auth/me`), no, or yes. */
export type StaffAuthState = 'checking' | 'signed-out' | 'signed-in';

/**
 * The staff member signed in to this page, if any. The session itself is an `HttpOnly` cookie
 * this code never sees: `GET /api/auth/me` at start tells whether it is still good, and a `401`
 * from any staff call ends it here too (`ended()`).
 */
@Injectable()
export class StaffAuth {
  private readonly http = inject(HttpClient);
  private readonly _user = signal<StaffUser | null>(null);
  private readonly _state = signal<StaffAuthState>('checking');
  private readonly _notice = signal<string | null>(null);
  private checked: Promise<void> | null = null;

  readonly user = this._user.asReadonly();
  readonly state = this._state.asReadonly();
  /** Why the sign-in page is shown, when it is not simply the first visit. */
  readonly notice = this._notice.asReadonly();
  readonly isAdmin = computed(() => this._user()?.role === 'admin');

  /** Settles once it is known whether someone is signed in (one `GET /auth/me` a page). */
  ready(): Promise<void> {
    this.checked ??= this.check();
    return this.checked;
  }

  /** Signs in; throws `ApiRequestError` (401 wrong credentials, 429 slowed down or locked). */
  async signIn(request: LoginRequest): Promise<void> {
    const session = await firstValueFrom(this.http.post<StaffSession>('/api/auth/login', request));
    this._notice.set(null);
    this._user.set(session.user);
    this._state.set('signed-in');
  }

  /** Signs out on the server (which clears the cookies), then here, whatever the server said. */
  async signOut(): Promise<void> {
    try {
      await firstValueFrom(this.http.post<void>('/api/auth/logout', null));
    } catch {
      // An ended session is signed out already; a server away cannot keep this page signed in.
    }
    this._user.set(null);
    this._notice.set('You are signed out.');
    this._state.set('signed-out');
  }

  /** A staff call was refused with 401: the session expired, or was ended elsewhere. */
  ended(): void {
    if (this._state() !== 'signed-in') return;
    this._user.set(null);
    this._notice.set('Your sign-in has ended. Sign in again.');
    this._state.set('signed-out');
  }

  private async check(): Promise<void> {
    try {
      const session = await firstValueFrom(this.http.get<StaffSession>('/api/auth/me', { cache: 'no-store' }));
      this._user.set(session.user);
      this._state.set('signed-in');
    } catch (error) {
      this._notice.set(isSessionEnded(error) ? null : staffErrorMessage(error));
      this._state.set('signed-out');
    }
  }
}
