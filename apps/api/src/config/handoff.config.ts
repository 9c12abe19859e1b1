import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class HandoffEnv {
  /** How long a request for a person may wait untaken before staff are emailed (ms; 0: never). */
  @IsOptional() @IsInt() @Min(0) @Max(86_400_000) HANDOFF_EMAIL_AFTER_MS?: number;
}

export interface HandoffConfig {
  emailAfterMs: number;
}

export const handoffConfig = registerAs('handoff', (): HandoffConfig => ({
  emailAfterMs: validateEnv(HandoffEnv).HANDOFF_EMAIL_AFTER_MS ?? 120_000,
}));
