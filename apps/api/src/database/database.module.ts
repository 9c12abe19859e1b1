import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { databaseConfig } from '../config/database.config';
import { DatabaseConnection } from './database';

/**
 * Opens the database at start (PostgreSQL with `DATABASE_URL`, else the embedded PGlite in
 * `DATA_DIR`), applies pending migrations, and closes it last on shutdown, once the turns that
 * were running have been saved.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(databaseConfig)],
  providers: [
    {
      provide: DatabaseConnection,
      inject: [databaseConfig.KEY],
      useFactory: async (config: ConfigType<typeof databaseConfig>) => {
        const logger = new Logger(DatabaseModule.name);
        const connection = await DatabaseConnection.open(config, (error) =>
          logger.warn(`A PostgreSQL connection failed (${error.message}); the pool opens another`),
        );
        logger.log(
          connection.engine === 'postgres'
            ? 'Database: PostgreSQL (DATABASE_URL)'
            : `Database: embedded PGlite in ${config.dataDir} (set DATABASE_URL for PostgreSQL)`,
        );
        return connection;
      },
    },
  ],
  exports: [DatabaseConnection],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DatabaseConnection) private readonly connection: DatabaseConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
