/**
 * Applies the pending migrations to the configured database and exits: `npx nx run
 * api:db-migrate`, for operators who migrate before they roll out new instances (each instance
 * also migrates at start, one at a time).
 */
import { databaseConfig } from '../config/database.config';
import { DatabaseConnection } from './database';

DatabaseConnection.open(databaseConfig())
  .then(async (connection) => {
    console.log(`Migrations applied (${connection.engine}).`);
    await connection.close();
  })
  .catch((error: unknown) => {
    console.error(`Migration failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    process.exit(1);
  });
