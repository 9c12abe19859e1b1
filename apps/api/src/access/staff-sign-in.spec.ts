import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { testDatabaseEngines } from '@chat/test-support';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database';
import type { AccessConfig } from '../config/access.config';
import { loginFailures, staffSessions, staffUsers } from '../database/schema';
import { Passwords } from './passwords';
import { StaffSignIn } from './staff-sign-in';

const config: AccessConfig = {
  initialAdmin: undefined,
  staffSessionTtlMs: 60_000,
  loginSlowdownAfter: 3,
  loginLockoutAfter: 5,
  loginLockoutMs: 60_000,
};

describe.each(testDatabaseEngines())('StaffSignIn on %s', (engine) => {
  let database: TestDatabase;
  let signIn: StaffSignIn;
  const passwords = new Passwords();

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    signIn = new StaffSignIn(database.connection, passwords, config);
    await database.connection.db.insert(staffUsers).values({
      id: randomUUID(),
      email: 'staff@example.com',
      passwordHash: await passwords.hash('the right password'),
      role: 'agent',
    });
  }, 30_000);
  afterAll(() => database.dispose());

  it('checks no more passwords for tries made at once than for the same tries one after the other', async () => {
    let checked = 0;
    const counting = new (class extends Passwords {
      override verify(passwordHash: string | undefined, password: string): Promise<boolean> {
        checked += 1;
        return super.verify(passwordHash, password);
      }
    })();
    const racing = new StaffSignIn(database.connection, counting, config);
    const tries = Array.from({ length: 20 }, (_, i) =>
      i === 19 ? 'the right password' : `wrong ${i}`,
    );
    const outcomes = await Promise.allSettled(
      tries.map((password) => racing.signIn('staff@example.com', password)),
    );
    // Three failures, then the slowdown: the rest (the right password too) are refused unchecked.
    expect(checked).toBe(config.loginSlowdownAfter);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(0);
    const codes = outcomes.map((outcome) =>
      outcome.status === 'rejected' ? (outcome.reason as { code: string }).code : 'signed in',
    );
    expect(codes.filter((code) => code === 'unauthorized')).toHaveLength(3);
    expect(codes.filter((code) => code === 'rate_limited')).toHaveLength(17);
    await database.connection.db.delete(loginFailures);
  }, 30_000);

  it('keeps only the hash of a session, and ends it on sign-out', async () => {
    const { sessionToken, user } = await signIn.signIn(' Staff@Example.com ', 'the right password');
    expect(user).toMatchObject({ email: 'staff@example.com', role: 'agent' });
    const stored = await database.connection.db.select().from(staffSessions);
    expect(JSON.stringify(stored)).not.toContain(sessionToken);
    expect(await signIn.authenticate(sessionToken)).toMatchObject({
      kind: 'staff',
      email: 'staff@example.com',
    });
    await signIn.signOut(sessionToken);
    expect(await signIn.authenticate(sessionToken)).toBeUndefined();
  });

  it('sweeps expired sessions and failure counts that no longer count, and nothing else', async () => {
    const db = database.connection.db;
    const live = await signIn.signIn('staff@example.com', 'the right password');
    const expired = await signIn.signIn('staff@example.com', 'the right password');
    await db.execute(
      sql`update ${staffSessions} set expires_at = now() - interval '1 second' where id_hash <> (select id_hash from ${staffSessions} order by created_at limit 1)`,
    );
    await db.insert(loginFailures).values([
      {
        email: 'stale@example.com',
        failures: 2,
        lastFailureAt: sql`now() - interval '2 minutes'`,
        blockedUntil: sql`now() - interval '2 minutes'`,
      },
      {
        email: 'recent@example.com',
        failures: 2,
        lastFailureAt: sql`now()`,
        blockedUntil: sql`now()`,
      },
      {
        email: 'locked@example.com',
        failures: 5,
        lastFailureAt: sql`now() - interval '2 minutes'`,
        blockedUntil: sql`now() + interval '1 minute'`,
      },
    ]);

    await signIn.sweep();

    expect((await db.select().from(loginFailures)).map((row) => row.email).sort()).toEqual([
      'locked@example.com',
      'recent@example.com',
    ]);
    expect(await db.select().from(staffSessions)).toHaveLength(1);
    expect(
      [
        await signIn.authenticate(live.sessionToken),
        await signIn.authenticate(expired.sessionToken),
      ].filter(Boolean),
    ).toHaveLength(1);
  });
});
