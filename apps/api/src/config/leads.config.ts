import { registerAs } from '@nestjs/config';
import { IsOptional, IsString } from 'class-validator';
import { DEFAULT_LEAD_STAGES, LEAD_STAGE_PATTERN } from '@chat/contracts';
import { validateEnv } from './validate-env';

class LeadsEnv {
  /** The pipeline's stages, comma-separated, in order (`new,contacted,qualified,won,lost`). */
  @IsOptional() @IsString() LEAD_STAGES?: string;
}

export interface LeadsConfig {
  /** The pipeline, in order; it always holds `new`, the stage every lead starts in. */
  stages: readonly string[];
}

/** The stage the database gives a lead when its session stores it (the `leads.stage` default). */
export const ENTRY_STAGE = 'new';

/** The stages of `LEAD_STAGES`, or why they cannot be (the value is named, as it is no secret). */
export function parseLeadStages(text: string | undefined): readonly string[] {
  if (text === undefined || text.trim() === '') return DEFAULT_LEAD_STAGES;
  const stages = text.split(',').map((stage) => stage.trim());
  const problem =
    stages.length < 2 || stages.length > 12
      ? 'needs 2-12 stages'
      : stages.find((stage) => !LEAD_STAGE_PATTERN.test(stage))
        ? `each stage is 1-30 of a-z0-9_- starting with a letter`
        : new Set(stages).size !== stages.length
          ? 'names a stage twice'
          : !stages.includes(ENTRY_STAGE)
            ? `must include "${ENTRY_STAGE}", the stage every lead starts in`
            : undefined;
  if (problem) throw new Error(`Invalid configuration:\n  LEAD_STAGES: ${problem}`);
  return stages;
}

export const leadsConfig = registerAs('leads', (): LeadsConfig => ({
  stages: parseLeadStages(validateEnv(LeadsEnv).LEAD_STAGES),
}));
