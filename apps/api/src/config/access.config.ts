import { registerAs } from '@nestjs/config';
import { IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { STAFF_PASSWORD_MAX_LENGTH, STAFF_PASSWORD_MIN_LENGTH } from '@chat/contracts';
import { validateEnv } from './validate-env';


class AccessEnv {
  /** With ADMIN_PASSWORD: an admin account created at start when no account has this email. */
  @IsOptional() @IsEmail() ADMIN_EMAIL?: string;
  @IsOptional() @IsString() @MinLength(STAFF_PASSWORD_MIN_LENGTH) @MaxLength(STAFF_PASSWORD_MAX_LENGTH) ADMIN_PASSWORD?: string;
  /** How long a staff sign-in lasts (ms). */
  @IsOptional() @IsInt() @Min(60_000) @Max(2_592_000_000) STAFF_SESSION_TTL_MS?: number;
  /** Failed sign-ins for one email before each further try must wait (1 s, doubling). */
  @IsOptional() @IsInt() @Min(1) @Max(100) LOGIN_SLOWDOWN_AFTER?: number;
  /** Failed sign-ins for one email that lock it for LOGIN_LOCKOUT_MS. */
  @IsOptional() @IsInt() @Min(1) @Max(1000) LOGIN_LOCKOUT_AFTER?: number;
  @IsOptional() @IsInt() @Min(1000) @Max(86_400_000) LOGIN_LOCKOUT_MS?: number;
}

export interface AccessConfig {
  initialAdmin: { email: string; password: string } | undefined;
  staffSessionTtlMs: number;
  loginSlowdownAfter: number;
  loginLockoutAfter: number;
  loginLockoutMs: number;
}

export const accessConfig = registerAs('access', (): AccessConfig => {
  const env = validateEnv(AccessEnv);
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    throw new Error('ADMIN_EMAIL and ADMIN_PASSWORD go together: set both, or neither.');
  }
  return {
    initialAdmin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined,
    staffSessionTtlMs: env.STAFF_SESSION_TTL_MS ?? 8 * 60 * 60_000,
    loginSlowdownAfter: env.LOGIN_SLOWDOWN_AFTER ?? 3,
    loginLockoutAfter: env.LOGIN_LOCKOUT_AFTER ?? 10,
    loginLockoutMs: env.LOGIN_LOCKOUT_MS ?? 15 * 60_000,
  };
});
