/**
 * Staff accounts and API keys from the command line, for the first admin and the first key
 * (after that, the staff area's admin API does it):
 *
 *   npx nx run api:admin -- create-user --email you@example.com --role admin   (password on stdin)
 *   npx nx run api:admin -- create-api-key --name "CRM sync" --scopes chat,leads:read
 *
 * It runs against the configured database (DATABASE_URL, else the embedded one in DATA_DIR, which
 * the API must not hold open meanwhile). A password is read from stdin, or STAFF_PASSWORD, never
 * from the arguments, which other users of the machine can see.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { API_KEY_SCOPES, type ApiKeyScope, STAFF_ROLES, type StaffRole } from '@chat/contracts';
import { accessConfig } from '../config/access.config';
import { databaseConfig } from '../config/database.config';
import { DatabaseConnection } from '../database/database';
import { ApiKeys } from './api-keys';
import { Passwords, weakPasswordReason } from './passwords';
import { StaffAccounts } from './staff-accounts';

const USAGE = `Usage:
  create-user --email <email> [--role agent|admin]     password from STAFF_PASSWORD or stdin
  create-api-key --name <name> --scopes <${API_KEY_SCOPES.join(',')}>`;

async function readPassword(): Promise<string> {
  if (process.env['STAFF_PASSWORD']) return process.env['STAFF_PASSWORD'];
  const lines = createInterface({
    input: process.stdin,
    output: process.stdin.isTTY ? process.stderr : undefined,
  });
  const password = await lines.question(process.stdin.isTTY ? 'Password: ' : '');
  lines.close();
  return password.trim();
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
    },
  });
  if (command !== 'create-user' && command !== 'create-api-key') throw new Error(USAGE);

  const connection = await DatabaseConnection.open(databaseConfig());
  try {
    if (command === 'create-user') {
      const role = (values.role ?? 'admin') as StaffRole;
      if (!values.email || !STAFF_ROLES.includes(role)) throw new Error(USAGE);
      const password = await readPassword();
      const weakness = weakPasswordReason(password, values.email);
      if (weakness) throw new Error(weakness);
      const account = await new StaffAccounts(connection, new Passwords(), accessConfig()).create(
        values.email,
        password,
        role,
      );
      console.log(`Created the ${account.role} account ${account.email} (${account.id}).`);
    } else {
      const scopes = (values.scopes ?? '').split(',').filter(Boolean) as ApiKeyScope[];
      if (
        !values.name ||
        scopes.length === 0 ||
        scopes.some((scope) => !API_KEY_SCOPES.includes(scope))
      ) {
        throw new Error(USAGE);
      }
      const key = await new ApiKeys(connection).create(values.name, scopes);
      console.log(
        `Created the API key "${key.name}" (${key.id}), scopes ${key.scopes.join(', ')}.`,
      );
      console.log('It is shown this once; keep it in a secret store:');
      console.log(key.key);
    }
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
