import type { ServerFacts, Target } from '../targets/target-spec.js';
import { STATEMENT_SAMPLE_LIMIT, STATEMENT_TEXT_LIMIT, type StatementSample } from './snapshot.model.js';

/** events_statements_summary_by_digest columns kept as extras (extra name → column). */
export const MYSQL_STATEMENT_EXTRAS: Readonly<Record<string, string>> = {
  rows_examined: 'SUM_ROWS_EXAMINED',
  rows_affected: 'SUM_ROWS_AFFECTED',
  errors: 'SUM_ERRORS',
  warnings: 'SUM_WARNINGS',
  no_index_used: 'SUM_NO_INDEX_USED',
  no_good_index_used: 'SUM_NO_GOOD_INDEX_USED',
  tmp_disk_tables: 'SUM_CREATED_TMP_DISK_TABLES',
  tmp_tables: 'SUM_CREATED_TMP_TABLES',
  sort_merge_passes: 'SUM_SORT_MERGE_PASSES',
  lock_time_ms: 'SUM_LOCK_TIME',
};

const num = (v: unknown): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

export const MYSQL_STATEMENTS_SQL = `SELECT DIGEST AS id, SCHEMA_NAME AS db, LEFT(DIGEST_TEXT, ${STATEMENT_TEXT_LIMIT}) AS text,
    COUNT_STAR AS calls, SUM_TIMER_WAIT / 1000000000 AS total_ms, SUM_ROWS_SENT AS \`rows\`,
    ${Object.entries(MYSQL_STATEMENT_EXTRAS)
      .map(([k, c]) => (k === 'lock_time_ms' ? `${c} / 1000000000 AS ${k}` : `${c} AS ${k}`))
      .join(', ')}
  FROM performance_schema.events_statements_summary_by_digest
  WHERE DIGEST IS NOT NULL
  ORDER BY SUM_TIMER_WAIT DESC
  LIMIT ?`;

/**
 * Top statement digests by total time (timers are picoseconds). Undefined, not an error, when performance_schema is
 * OFF, the digest table is not readable or the server has none.
 */
export async function collectMysqlStatements(
  target: Target,
  _facts: ServerFacts,
  limit = STATEMENT_SAMPLE_LIMIT,
): Promise<StatementSample[] | undefined> {
  try {
    const [ps] = await target.query<{ on: unknown }>('SELECT @@performance_schema AS `on`', [], { tag: 'snapshot' });
    if (Number(ps?.on) !== 1) return undefined;
    const rows = await target.query<Record<string, unknown>>(MYSQL_STATEMENTS_SQL, [limit], { tag: 'snapshot' });
    return rows.map((r) => {
      const extras: Record<string, number> = {};
      for (const k of Object.keys(MYSQL_STATEMENT_EXTRAS)) if (r[k] != null) extras[k] = num(r[k]);
      return {
        id: String(r.id),
        ...(r.db != null ? { database: String(r.db) } : {}),
        text: String(r.text ?? ''),
        calls: num(r.calls),
        totalTimeMs: num(r.total_ms),
        rows: num(r.rows),
        extras,
      };
    });
  } catch {
    return undefined;
  }
}
