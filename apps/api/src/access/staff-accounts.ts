import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { and, asc, count, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { StaffAccount, StaffRole, UpdateStaffAccount } from '@chat/contracts';
import { ApiError } from '../common/api-error';
import { accessConfig } from '../config/access.config';
import { type Database, DatabaseConnection } from '../database/database';
import { staffSessions, staffUsers } from '../database/schema';
import { Passwords, weakPasswordReason } from './passwords';

/** The form an email is stored and looked up in. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function accountOf(row: typeof staffUsers.$inferSelect): StaffAccount {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    disabled: row.disabled,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * The staff's accounts: created by an admin (or from `ADMIN_EMAIL`/`ADMIN_PASSWORD` at start,
 * or the command line for the first one), given a role, disabled rather than deleted. Disabling
 * an account or changing its role ends its sign-ins at once.
 */
@Injectable()
export class StaffAccounts implements OnApplicationBootstrap {
  private readonly logger = new Logger(StaffAccounts.name);
  private readonly db: Database;

  constructor(
    connection: DatabaseConnection,
    private readonly passwords: Passwords,
    @Inject(accessConfig.KEY) private readonly config: ConfigType<typeof accessConfig>,
  ) {
    this.db = connection.db;
  }

  /** The first admin, from the environment, if no account has that email yet (its password is never reset). */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.initialAdmin;
    if (!admin) return;
    // Its password is judged only if it is to be set.
    const [existing] = await this.db
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(eq(staffUsers.email, normalizeEmail(admin.email)));
    if (existing) return;
    const created = await this.createIfAbsent(admin.email, admin.password, 'admin');
    if (created) this.logger.log(`Created the admin account ${created.email} (ADMIN_EMAIL)`);
  }

  /** Creates an account; an email already taken answers `invalid_request`. */
  async create(email: string, password: string, role: StaffRole): Promise<StaffAccount> {
    const account = await this.createIfAbsent(email, password, role);
    if (!account)
      throw new ApiError('invalid_request', 'An account with this email already exists.');
    return account;
  }

  /**
   * Creates an account unless one has this email (then `undefined`: the existing one is left as
   * it is). A password that is too short, too common or made of the email answers `invalid_request`.
   */
  async createIfAbsent(
    email: string,
    password: string,
    role: StaffRole,
  ): Promise<StaffAccount | undefined> {
    const weakness = weakPasswordReason(password, email);
    if (weakness) throw new ApiError('invalid_request', weakness);
    const passwordHash = await this.passwords.hash(password);
    const [row] = await this.db
      .insert(staffUsers)
      .values({ id: randomUUID(), email: normalizeEmail(email), passwordHash, role })
      .onConflictDoNothing({ target: staffUsers.email })
      .returning();
    return row && accountOf(row);
  }

  async list(): Promise<StaffAccount[]> {
    const rows = await this.db.select().from(staffUsers).orderBy(asc(staffUsers.email));
    return rows.map(accountOf);
  }

  async update(id: string, change: UpdateStaffAccount): Promise<StaffAccount> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(staffUsers)
        .set({ ...change, updatedAt: new Date() })
        .where(eq(staffUsers.id, id))
        .returning();
      if (!row) throw new ApiError('not_found', 'No such account.');
      const [{ admins }] = await tx
        .select({ admins: count() })
        .from(staffUsers)
        .where(and(eq(staffUsers.role, 'admin'), eq(staffUsers.disabled, false)));
      if (admins === 0) {
        // Thrown inside the transaction, so the change is rolled back.
        throw new ApiError('invalid_request', 'At least one active admin account must remain.');
      }
      // A new role or a disabled account takes effect now, not when its sessions expire.
      await tx.delete(staffSessions).where(eq(staffSessions.userId, id));
      return accountOf(row);
    });
  }
}
