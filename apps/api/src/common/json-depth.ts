import type { NextFunction, Request, Response } from 'express';

/**
 * How deep a request body may nest arrays and objects: the contract's bodies nest two levels,
 * and class-validator and class-transformer walk a body recursively, so a 60 KB `[[[…]]]`
 * would overflow the stack there (a 500) before the whitelist refused it.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests arrays and objects deeper than `limit`, found without recursion (and stopping at the first too deep). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const child of Object.values(next.value)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth });
    }
  }
  return false;
}

/** A body too deeply nested, in the shape of the body parser's own errors (a status and a type). */
class TooDeeplyNested extends Error {
  readonly status = 400;
  readonly expose = true;
  readonly type = 'entity.too.deep';
}

/** Express middleware after the JSON body parser: refuses a parsed body nested deeper than {@link MAX_JSON_DEPTH}. */
export function refuseDeeplyNestedBodies(
  request: Request,
  _response: Response,
  next: NextFunction,
): void {
  next(
    nestsDeeperThan(request.body, MAX_JSON_DEPTH)
      ? new TooDeeplyNested(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`)
      : undefined,
  );
}
