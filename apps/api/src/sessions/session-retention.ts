import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { and, eq, exists, inArray, lt, sql } from 'drizzle-orm';
import { chatConfig } from '../config/chat.config';
import { type Database, DatabaseConnection } from '../database/database';
import { erasureNotices, leads, messages, sessions } from '../database/schema';
import { ERASED_LEAD, type ErasedLead } from '../database/erased-lead';

const MAX_SWEEP_INTERVAL_MS = 10 * 60_000;
/** A pending message this old belongs to a turn that died with its instance. */
const ABANDONED_TURN_MS = 60 * 60_000;

/**
 * Erases what the business no longer may or need keep, by real deletion (a session's messages,
 * lead and notifications go with it): sessions idle for `DATA_RETENTION_DAYS`, sessions whose
 * lead is still incomplete after `SESSION_IDLE_TTL_MS` of silence, and the pending message of a
 * turn whose instance died mid-reply. Every instance sweeps; the deletions are idempotent. Each
 * erased lead is handed to the `onErased` listeners (the notifications announce it as a staff
 * erasure), so that every copy beyond the database goes too and the webhook hears of it.
 */
@Injectable()
export class SessionRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRetention.name);
  private readonly db: Database;
  private timer: NodeJS.Timeout | undefined;
  private readonly erasureListeners: ((lead: ErasedLead) => Promise<void>)[] = [];

  constructor(
    connection: DatabaseConnection,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {
    this.db = connection.db;
  }

  /** Calls `listener` with each lead a sweep erases, awaited before the sweep ends. */
  onErased(listener: (lead: ErasedLead) => Promise<void>): void {
    this.erasureListeners.push(listener);
  }

  onApplicationBootstrap(): void {
    const every = Math.min(this.config.sessionIdleTtlMs, MAX_SWEEP_INTERVAL_MS);
    this.timer = setInterval(
      () =>
        void this.sweep().catch((error: unknown) =>
          this.logger.warn(`Retention sweep failed: ${String(error)}`),
        ),
      every,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep; answers how many sessions, abandoned messages and settled erasure notices it erased. */
  async sweep(now = new Date()): Promise<{ sessions: number; messages: number; notices: number }> {
    const retained = new Date(now.getTime() - this.config.retentionDays * 86_400_000);
    const idle = new Date(now.getTime() - this.config.sessionIdleTtlMs);
    const abandoned = new Date(now.getTime() - ABANDONED_TURN_MS);
    const old = await this.db
      .delete(sessions)
      .where(lt(sessions.updatedAt, retained))
      .returning(ERASED_LEAD);
    const incomplete = await this.db
      .delete(sessions)
      .where(
        and(
          lt(sessions.updatedAt, idle),
          exists(
            this.db
              .select({ one: sql`1` })
              .from(leads)
              .where(and(eq(leads.sessionId, sessions.id), eq(leads.state, 'collecting'))),
          ),
        ),
      )
      .returning(ERASED_LEAD);
    const pending = await this.db
      .delete(messages)
      .where(and(eq(messages.pending, true), lt(messages.createdAt, abandoned)))
      .returning({ id: messages.id });
    // Delivered or given-up lead.erased notices hold only ids, but need not be kept for ever.
    const notices = await this.db
      .delete(erasureNotices)
      .where(
        and(
          inArray(erasureNotices.status, ['sent', 'failed']),
          lt(erasureNotices.updatedAt, retained),
        ),
      )
      .returning({ id: erasureNotices.id });
    // The sessions cap reads the planner's estimate of the table's size: keep it fresh.
    await this.db.execute(sql`analyze ${sessions}`);
    for (const lead of [...old, ...incomplete]) {
      for (const listener of this.erasureListeners) await listener(lead);
    }
    const erased = {
      sessions: old.length + incomplete.length,
      messages: pending.length,
      notices: notices.length,
    };
    if (erased.sessions + erased.messages > 0) {
      this.logger.log(
        `Retention erased ${erased.sessions} session(s) and ${erased.messages} abandoned message(s)`,
      );
    }
    return erased;
  }
}
