import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/**
 * Validates the environment variables one config namespace reads, against a class of
 * class-validator rules. A bad setting stops the start with a message naming it; the value
 * itself is never echoed, as it may be a secret.
 */
export function validateEnv<T extends object>(
  schema: new () => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const validated = plainToInstance(schema, env, { enableImplicitConversion: true });
  const errors = validateSync(validated, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const problems = errors
      .map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`)
      .join('\n  ');
    throw new Error(`Invalid configuration:\n  ${problems}`);
  }
  return validated;
}
