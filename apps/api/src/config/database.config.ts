import { resolve } from 'node:path';
import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from './validate-env';

class DatabaseEnv {
  /** `postgres://user:pass@host:5432/db`; unset runs the embedded PGlite in `DATA_DIR`. */
  @IsOptional()
  @Matches(/^postgres(?:ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;
  /** The embedded database's folder (PGlite); relative to the working directory. */
  @IsOptional() @IsString() @MinLength(1) DATA_DIR?: string;
  /** Connections of this instance to PostgreSQL. */
  @IsOptional() @IsInt() @Min(1) @Max(1000) DATABASE_POOL_SIZE?: number;
  /** A query waiting longer than this for the database fails (ms). */
  @IsOptional() @IsInt() @Min(100) @Max(600_000) DATABASE_TIMEOUT_MS?: number;
}

export interface DatabaseConfig {
  /** A secret (it holds a password): never log it or put it in a message. */
  url: string | undefined;
  dataDir: string;
  poolSize: number;
  timeoutMs: number;
}

export const databaseConfig = registerAs('database', (): DatabaseConfig => {
  const env = validateEnv(DatabaseEnv);
  return {
    url: env.DATABASE_URL,
    dataDir: resolve(env.DATA_DIR ?? 'var/data'),
    poolSize: env.DATABASE_POOL_SIZE ?? 10,
    timeoutMs: env.DATABASE_TIMEOUT_MS ?? 5_000,
  };
});
