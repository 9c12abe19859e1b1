import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { and, eq, gt, lt, type SQL, sql } from 'drizzle-orm';
import type { StaffUser } from '@chat/contracts';
import { ApiError } from '../common/api-error';
import type { StaffPrincipal } from '../common/principal';
import { rateLimited } from '../common/client-rate-limit.guard';
import { accessConfig } from '../config/access.config';
import { type Database, DatabaseConnection } from '../database/database';
import { loginFailures, staffSessions, staffUsers } from '../database/schema';
import { Passwords } from './passwords';
import { hashSecret, newSecret } from '../common/secret';
import { normalizeEmail } from './staff-accounts';

export interface SignedIn {
  user: StaffUser;
  /** The session cookie's value: its hash is all the database keeps. */
  sessionToken: string;
  expiresAt: Date;
}

const SWEEP_INTERVAL_MS = 10 * 60_000;

/** The one answer to a wrong email or a wrong password (or a disabled account): none tells which. */
function wrongCredentials(): ApiError {
  return new ApiError('unauthorized', 'Wrong email or password.');
}

/**
 * Staff sign-in: passwords checked against argon2id hashes, failures counted per email (known
 * or not) with a doubling wait after a few and a lockout after many, and server-side sessions
 * whose secret lives only in an `HttpOnly` cookie. An unknown email does the same work as a
 * wrong password, so the time of the answer does not tell which emails have accounts.
 */
@Injectable()
export class StaffSignIn implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StaffSignIn.name);
  private readonly db: Database;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    connection: DatabaseConnection,
    private readonly passwords: Passwords,
    @Inject(accessConfig.KEY) private readonly config: ConfigType<typeof accessConfig>,
  ) {
    this.db = connection.db;
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(
      () =>
        void this.sweep().catch((error: unknown) =>
          this.logger.warn(`Sign-in sweep failed: ${String(error)}`),
        ),
      SWEEP_INTERVAL_MS,
    );
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Forgets expired sessions and failure counts that no longer block or count (older than the
   * lockout period): guesses at many made-up emails leave rows that would otherwise stay.
   */
  async sweep(): Promise<void> {
    await this.db.delete(staffSessions).where(lt(staffSessions.expiresAt, sql`now()`));
    await this.db
      .delete(loginFailures)
      .where(
        and(
          lt(loginFailures.blockedUntil, sql`now()`),
          lt(
            loginFailures.lastFailureAt,
            sql`now() - ${this.config.loginLockoutMs}::int * interval '1 millisecond'`,
          ),
        ),
      );
  }

  async signIn(email: string, password: string): Promise<SignedIn> {
    const login = normalizeEmail(email);
    if (!(await this.reserveTry(login))) {
      // Not even checked: a guess made while blocked tells nothing, right or wrong.
      const [blocked] = await this.db
        .select({ until: loginFailures.blockedUntil })
        .from(loginFailures)
        .where(eq(loginFailures.email, login));
      const waitSeconds = blocked ? (blocked.until.getTime() - Date.now()) / 1000 : 1;
      throw rateLimited(waitSeconds, 'Too many failed sign-ins for this email.');
    }
    const [account] = await this.db
      .select()
      .from(staffUsers)
      .where(and(eq(staffUsers.email, login), eq(staffUsers.disabled, false)));
    if (!(await this.passwords.verify(account?.passwordHash, password)) || !account) {
      // Already counted by the reservation.
      throw wrongCredentials();
    }
    const sessionToken = newSecret();
    const expiresAt = new Date(Date.now() + this.config.staffSessionTtlMs);
    await this.db.transaction(async (tx) => {
      await tx.delete(loginFailures).where(eq(loginFailures.email, login));
      await tx
        .insert(staffSessions)
        .values({ idHash: hashSecret(sessionToken), userId: account.id, expiresAt });
    });
    return {
      user: { id: account.id, email: account.email, role: account.role },
      sessionToken,
      expiresAt,
    };
  }

  async signOut(sessionToken: string): Promise<void> {
    await this.db.delete(staffSessions).where(eq(staffSessions.idHash, hashSecret(sessionToken)));
  }

  /** The staff member a session cookie belongs to, if the session is live and the account enabled. */
  async authenticate(sessionToken: string): Promise<StaffPrincipal | undefined> {
    const [row] = await this.db
      .select({
        id: staffUsers.id,
        email: staffUsers.email,
        role: staffUsers.role,
        expiresAt: staffSessions.expiresAt,
      })
      .from(staffSessions)
      .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
      .where(
        and(
          eq(staffSessions.idHash, hashSecret(sessionToken)),
          gt(staffSessions.expiresAt, sql`now()`),
          eq(staffUsers.disabled, false),
        ),
      );
    return row && { kind: 'staff', ...row, sessionToken };
  }

  /**
   * Reserves a try for `email` before its password is checked, in one statement that counts it
   * as a failure and answers whether it may go on: it may unless the email is blocked now. Past
   * `LOGIN_SLOWDOWN_AFTER` failures the next try waits 1 s, doubling each time; at
   * `LOGIN_LOCKOUT_AFTER` the email is locked for `LOGIN_LOCKOUT_MS`; failures older than the
   * lockout period are forgotten. The row lock of the upsert orders concurrent tries, on any
   * number of instances, so they check no more passwords than the same tries one after the
   * other; a success then clears the count. `clock_timestamp()` rather than `now()` (the start
   * of the transaction), so that a try that started first but waited for the lock compares with
   * the time it got it.
   */
  private async reserveTry(email: string): Promise<boolean> {
    const {
      loginSlowdownAfter: slowAfter,
      loginLockoutAfter: lockAfter,
      loginLockoutMs: lockMs,
    } = this.config;
    const now = sql`clock_timestamp()`;
    const failures = sql`case when ${loginFailures.lastFailureAt} < ${now} - ${lockMs}::int * interval '1 millisecond'
      then 1 else ${loginFailures.failures} + 1 end`;
    const blockedFor = (count: SQL) => sql`case
      when ${count} >= ${lockAfter}::int then ${lockMs}::int * interval '1 millisecond'
      when ${count} >= ${slowAfter}::int then power(2, least(${count} - ${slowAfter}::int, 20)) * interval '1 second'
      else interval '0' end`;
    const reserved = await this.db
      .insert(loginFailures)
      .values({
        email,
        failures: 1,
        lastFailureAt: now,
        blockedUntil: sql`${now} + ${blockedFor(sql`1`)}`,
      })
      .onConflictDoUpdate({
        target: loginFailures.email,
        set: { failures, lastFailureAt: now, blockedUntil: sql`${now} + ${blockedFor(failures)}` },
        setWhere: sql`${loginFailures.blockedUntil} <= ${now}`,
      })
      .returning({ failures: loginFailures.failures });
    return reserved.length > 0;
  }
}
