import type { ServerFacts, Target } from '../targets/target-spec.js';
import { STATEMENT_SAMPLE_LIMIT, STATEMENT_TEXT_LIMIT, type StatementSample } from './snapshot.model.js';

/** Cumulative pg_stat_statements columns kept as extras when the installed extension version has them. */
export const PG_STATEMENT_EXTRAS = [
  'shared_blks_hit',
  'shared_blks_read',
  'shared_blks_dirtied',
  'shared_blks_written',
  'local_blks_read',
  'temp_blks_read',
  'temp_blks_written',
  'wal_bytes',
  'wal_records',
] as const;

const num = (v: unknown): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

/** Schema the extension lives in, when installed in the database the inspection connects to. */
async function extensionSchema(target: Target): Promise<string | undefined> {
  const rows = await target.query<{ nspname: string }>(
    `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_stat_statements'`,
    [],
    { tag: 'snapshot' },
  );
  return rows[0]?.nspname;
}

/**
 * The SELECT over pg_stat_statements for the columns the installed extension version has: total_exec_time (1.8,
 * PostgreSQL 13+) or total_time (older), wal_bytes (13+), toplevel (14+: only top-level statements, nested ones are
 * inside their caller's time). Exported for tests on other versions.
 */
export function postgresStatementsSql(schema: string, columns: ReadonlySet<string>): string {
  const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const time = columns.has('total_exec_time')
    ? `s.total_exec_time${columns.has('total_plan_time') ? ' + s.total_plan_time' : ''}`
    : 's.total_time';
  const extras = PG_STATEMENT_EXTRAS.filter((c) => columns.has(c)).map((c) => `s.${c}::float8 AS ${c}`);
  return `SELECT s.queryid::text AS id, d.datname AS database, r.rolname AS "user",
       left(s.query, ${STATEMENT_TEXT_LIMIT}) AS text, s.calls::float8 AS calls, (${time})::float8 AS total_ms,
       s.rows::float8 AS rows${extras.length ? `, ${extras.join(', ')}` : ''}
     FROM ${q(schema)}.pg_stat_statements s
     LEFT JOIN pg_database d ON d.oid = s.dbid
     LEFT JOIN pg_roles r ON r.oid = s.userid
     WHERE s.queryid IS NOT NULL${columns.has('toplevel') ? ' AND s.toplevel' : ''}
     ORDER BY ${time} DESC
     LIMIT $1`;
}

/**
 * Top statements by total time from pg_stat_statements. Undefined, not an error, when the extension is not installed
 * in the connected database, not preloaded, or not readable.
 */
export async function collectPostgresStatements(
  target: Target,
  _facts: ServerFacts,
  limit = STATEMENT_SAMPLE_LIMIT,
): Promise<StatementSample[] | undefined> {
  try {
    const schema = await extensionSchema(target);
    if (!schema) return undefined;
    const cols = await target.query<{ attname: string }>(
      `SELECT attname FROM pg_attribute
       WHERE attrelid = format('%I.pg_stat_statements', $1::text)::regclass AND attnum > 0 AND NOT attisdropped`,
      [schema],
      { tag: 'snapshot' },
    );
    const rows = await target.query<Record<string, unknown>>(
      postgresStatementsSql(schema, new Set(cols.map((c) => c.attname))),
      [limit],
      { tag: 'snapshot' },
    );
    return rows.map((r) => {
      const extras: Record<string, number> = {};
      for (const c of PG_STATEMENT_EXTRAS) if (r[c] !== undefined && r[c] !== null) extras[c] = num(r[c]);
      return {
        id: String(r.id),
        ...(r.database != null ? { database: String(r.database) } : {}),
        ...(r.user != null ? { user: String(r.user) } : {}),
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
