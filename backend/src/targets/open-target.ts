import { MysqlTarget } from './mysql-target.js';
import { PostgresTarget } from './postgres-target.js';
import { resolveTargetSpec } from './target-spec.js';
import type { Target, TargetSpec } from './target-spec.js';

/**
 * A target for the spec's engine. Nothing connects until the first call; throws an `InputError` for an invalid
 * spec. Call `close()` when done.
 */
export function openTarget(spec: TargetSpec): Target {
  const resolved = resolveTargetSpec(spec);
  return resolved.engine === 'postgres' ? new PostgresTarget(spec, resolved) : new MysqlTarget(spec, resolved);
}
