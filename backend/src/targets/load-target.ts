import { resolveTargetSpec } from './target-spec.js';
import type { Target, TargetSpec } from './target-spec.js';

/**
 * As `openTarget`, importing only the driver of the spec's engine: `dbpatrol inspect` of a PostgreSQL server never
 * loads mysql2, nor a MySQL inspection pg (each is 50–80 ms of start-up; see `npm run bench -- catalog`).
 */
export async function loadTarget(spec: TargetSpec): Promise<Target> {
  const resolved = resolveTargetSpec(spec);
  if (resolved.engine === 'postgres') {
    const { PostgresTarget } = await import('./postgres-target.js');
    return new PostgresTarget(spec, resolved);
  }
  const { MysqlTarget } = await import('./mysql-target.js');
  return new MysqlTarget(spec, resolved);
}
