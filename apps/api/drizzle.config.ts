import { defineConfig } from 'drizzle-kit';

/** drizzle-kit generates the SQL migrations from the schema: `npx nx run api:db-generate -- --name <what>`, run in apps/api so that the workspace's path aliases resolve. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/database/schema.ts',
  out: './src/database/migrations',
});
