import type { CheckDefinition, QuerySpec } from './check.types.js';

/** Declares a check; the generics tie query rows and thresholds to `evaluate`. */
export function defineCheck<Q extends Record<string, QuerySpec<unknown>>, T>(
  check: CheckDefinition<Q, T>,
): CheckDefinition<Q, T> {
  return Object.freeze(check);
}
