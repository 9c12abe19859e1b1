import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { registerAs } from '@nestjs/config';
import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { validateEnv } from './validate-env';

class ProfileEnv {
  /** The assistant profile file (YAML); relative paths are resolved from the working directory. */
  @IsOptional() @IsString() @IsNotEmpty() PROFILE_PATH?: string;
}

export interface ProfileConfig {
  /** Absolute path of the assistant profile file. */
  path: string;
}

export const DEFAULT_PROFILE_FILE = 'profiles/trading-education.v1.yaml';

/**
 * The bundled profile. The webpack build runs from dist/apps/api/main.js with the assets copied
 * beside it; tests and tools run this file from apps/api/src/config.
 */
export function defaultProfilePath(): string {
  const candidates = [
    join(__dirname, 'assets', DEFAULT_PROFILE_FILE),
    join(__dirname, '..', 'assets', DEFAULT_PROFILE_FILE),
  ];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

export const profileConfig = registerAs('profile', (): ProfileConfig => {
  const env = validateEnv(ProfileEnv);
  return { path: env.PROFILE_PATH ? resolve(env.PROFILE_PATH) : defaultProfilePath() };
});
