import { z } from 'zod';
import type { CounterBaseline, SqlVariant, Texts } from '../../check.types.js';
import { atWindowEnd, baselineCoverage } from '../../format.js';
import { statementKey, type StatementSample } from '../../../snapshots/snapshot.model.js';

/** Statements read at the window end: more than a snapshot keeps, so a statement busy only in the window shows. */
export const LIVE_STATEMENT_LIMIT = 200;

const count = z.coerce.number();

/** One pg_stat_statements entry as the statement queries return it (cumulative since the entry was created). */
export const statementRow = z.object({
  id: z.string(),
  database: z.string().nullable(),
  user: z.string().nullable(),
  text: z.string(),
  calls: count,
  total_ms: count,
  rows: count,
  shared_blks_hit: count,
  shared_blks_read: count,
  temp_blks_written: count,
  wal_bytes: count.nullable(),
});
export type StatementRow = z.infer<typeof statementRow>;

const statementsSql = (time: string, wal: string, toplevel: string, order: 'time' | 'temp') => `SELECT
  s.queryid::text AS id, d.datname AS database, r.rolname AS "user", left(s.query, 1000) AS text,
  s.calls::float8 AS calls, (${time})::float8 AS total_ms, s.rows::float8 AS rows,
  s.shared_blks_hit::float8 AS shared_blks_hit, s.shared_blks_read::float8 AS shared_blks_read,
  s.temp_blks_written::float8 AS temp_blks_written, ${wal} AS wal_bytes
FROM pg_stat_statements s
LEFT JOIN pg_database d ON d.oid = s.dbid
LEFT JOIN pg_roles r ON r.oid = s.userid
WHERE s.queryid IS NOT NULL${toplevel}${order === 'temp' ? ' AND s.temp_blks_written > 0' : ''}
ORDER BY ${order === 'temp' ? 's.temp_blks_written' : time} DESC
LIMIT ${LIVE_STATEMENT_LIMIT}`;

/**
 * The pg_stat_statements SELECT per server version (the extension on the search path): PostgreSQL 12 has total_time,
 * 13 split it into total_exec_time + total_plan_time and added wal_bytes, 14 added toplevel (nested statements are
 * inside their caller's time, as in the snapshot samples).
 */
export const statementVariants = (order: 'time' | 'temp'): SqlVariant[] => [
  { since: 0, sql: statementsSql('s.total_time', 'NULL::float8', '', order) },
  { since: 130000, sql: statementsSql('s.total_exec_time + s.total_plan_time', 's.wal_bytes::float8', '', order) },
  {
    since: 140000,
    sql: statementsSql('s.total_exec_time + s.total_plan_time', 's.wal_bytes::float8', ' AND s.toplevel', order),
  },
];

/** PostgreSQL 14+: evictions and the reset time of the statement statistics; nothing before. */
export const statementInfoVariants: SqlVariant[] = [
  { since: 0, sql: 'SELECT NULL::float8 AS dealloc, NULL::timestamptz AS stats_reset WHERE false' },
  { since: 140000, sql: 'SELECT dealloc::float8 AS dealloc, stats_reset FROM pg_stat_statements_info' },
];
export const statementInfoRow = z.object({
  dealloc: count.nullable(),
  stats_reset: z.coerce.date().nullable(),
});

/** Whether the extension is installed in this database and loaded by the server. */
export const EXTENSION_SQL = `SELECT current_database() AS datname,
  (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = 'pg_stat_statements') AS schema,
  COALESCE((SELECT n.nspname = ANY (current_schemas(false)) FROM pg_extension e
   JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'), false) AS on_path,
  current_setting('shared_preload_libraries') ~ '(^|[\\s,"])pg_stat_statements($|[\\s,"])' AS preloaded`;
export const extensionRow = z.object({
  datname: z.string(),
  schema: z.string().nullable(),
  on_path: z.boolean(),
  preloaded: z.boolean(),
});

/** Why statement statistics cannot be read, or null. */
export function statementsUnavailable(ext: z.infer<typeof extensionRow> | undefined): Texts | null {
  if (!ext)
    return {
      en: 'the server did not say whether pg_stat_statements is installed',
      zh: '服务器未返回 pg_stat_statements 是否安装',
    };
  if (!ext.preloaded) {
    return {
      en: 'pg_stat_statements is not in shared_preload_libraries, so no statement statistics are collected (see PG-M10)',
      zh: 'pg_stat_statements 不在 shared_preload_libraries 中，未收集语句统计（参见 PG-M10）',
    };
  }
  if (!ext.schema) {
    return {
      en: `the pg_stat_statements extension is not created in database "${ext.datname}" (CREATE EXTENSION pg_stat_statements; see PG-M10)`,
      zh: `数据库 "${ext.datname}" 中未创建 pg_stat_statements 扩展（CREATE EXTENSION pg_stat_statements；参见 PG-M10）`,
    };
  }
  if (!ext.on_path) {
    return {
      en: `pg_stat_statements is in schema "${ext.schema}", which is not on the search_path of the inspection's session (add it to the monitoring role's search_path)`,
      zh: `pg_stat_statements 位于模式 "${ext.schema}"，不在巡检会话的 search_path 中（请将其加入监控角色的 search_path）`,
    };
  }
  return null;
}

/** One statement's work over the counted period. */
export interface StatementWork {
  id: string;
  database: string | null;
  user: string | null;
  text: string;
  calls: number;
  totalMs: number;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  tempBlksWritten: number;
  walBytes: number | null;
  /** True: the window-start sample was subtracted; false: counted since the entry was created (new or evicted). */
  subtracted: boolean;
}

const fromSample = (s: StatementSample): StatementRow => ({
  id: s.id,
  database: s.database ?? null,
  user: s.user ?? null,
  text: s.text,
  calls: s.calls,
  total_ms: s.totalTimeMs,
  rows: s.rows,
  shared_blks_hit: s.extras.shared_blks_hit ?? 0,
  shared_blks_read: s.extras.shared_blks_read ?? 0,
  temp_blks_written: s.extras.temp_blks_written ?? 0,
  wal_bytes: s.extras.wal_bytes ?? null,
});

const keyOf = (r: StatementRow): string =>
  statementKey({
    id: r.id,
    text: '',
    calls: 0,
    totalTimeMs: 0,
    rows: 0,
    extras: {},
    ...(r.database !== null ? { database: r.database } : {}),
    ...(r.user !== null ? { user: r.user } : {}),
  });

export interface StatementWindow {
  statements: StatementWork[];
  /** Which period was counted. */
  since: Texts;
  /** What limits the figures: evictions, a reset, entries not in the window-start samples. */
  notes: Texts[];
}

const cumulativeSince = (reset: Date | null): Texts =>
  reset
    ? {
        en: `since pg_stat_statements was reset at ${reset.toISOString()}`,
        zh: `自 ${reset.toISOString()} 重置 pg_stat_statements 起`,
      }
    : { en: 'since each statement entry was created', zh: '自各语句条目创建起' };

/**
 * Each statement's work over the window: the window-end statements (the late run's end snapshot, else the live rows)
 * minus the window-start samples, matched by statement key. Statements without a start sample (new in the window,
 * evicted and re-added, or below the top the snapshot keeps) count since their entry was created, and say so.
 */
export function statementWindow(
  base: CounterBaseline | undefined,
  live: readonly StatementRow[],
  info: z.infer<typeof statementInfoRow> | undefined,
): StatementWindow {
  const end = base?.end?.statements ? base.end.statements.map(fromSample) : live;
  const notes: Texts[] = [];
  const liveReset = info?.stats_reset ?? null;
  const baseReset = base?.counters['pgss.stats_reset_ms'];
  const resetAtEnd = base ? atWindowEnd(base, 'pgss.stats_reset_ms', liveReset?.getTime() ?? 0) : undefined;
  const resetInWindow =
    baseReset !== undefined && resetAtEnd !== undefined && resetAtEnd > 0 && Math.abs(resetAtEnd - baseReset) >= 2;
  let start: Map<string, StatementRow> | undefined;
  let since: Texts;
  if (!base) {
    since = {
      en: `${cumulativeSince(liveReset).en}; window start not covered (no snapshot)`,
      zh: `${cumulativeSince(liveReset).zh}；未覆盖窗口起点（无快照）`,
    };
  } else if (resetInWindow) {
    const at = new Date(resetAtEnd);
    since = {
      en: `since pg_stat_statements was reset at ${at.toISOString()}, inside the window`,
      zh: `自窗口内 ${at.toISOString()} 重置 pg_stat_statements 起`,
    };
    notes.push({ en: 'the statement statistics were reset in the window', zh: '窗口内语句统计被重置过' });
  } else if (!base.statements) {
    since = {
      en: `${cumulativeSince(liveReset).en} (the snapshot of ${base.takenAt} has no statement samples)`,
      zh: `${cumulativeSince(liveReset).zh}（${base.takenAt} 的快照中没有语句样本）`,
    };
  } else {
    start = new Map(base.statements.map((s) => [statementKey(s), fromSample(s)]));
    since = baselineCoverage(base);
  }
  const baseDealloc = base?.counters['pgss.dealloc'];
  const endDealloc = base
    ? atWindowEnd(base, 'pgss.dealloc', info?.dealloc ?? undefined)
    : (info?.dealloc ?? undefined);
  const evicted =
    endDealloc === undefined
      ? undefined
      : baseDealloc !== undefined && !resetInWindow && endDealloc >= baseDealloc
        ? endDealloc - baseDealloc
        : endDealloc;
  if (evicted) {
    notes.push({
      en: `pg_stat_statements evicted entries ${evicted} times (pg_stat_statements.max is too small): some statements are missing or undercounted`,
      zh: `pg_stat_statements 淘汰条目 ${evicted} 次（pg_stat_statements.max 过小）：部分语句缺失或少计`,
    });
  }
  let unmatched = 0;
  const statements: StatementWork[] = [];
  for (const r of end) {
    const s = start?.get(keyOf(r));
    const usable = s !== undefined && r.calls >= s.calls && r.total_ms >= s.total_ms;
    if (start && !usable) unmatched++;
    const minus = (a: number, b: number | undefined) => (usable ? a - (b ?? 0) : a);
    const work: StatementWork = {
      id: r.id,
      database: r.database,
      user: r.user,
      text: r.text,
      calls: minus(r.calls, s?.calls),
      totalMs: minus(r.total_ms, s?.total_ms),
      rows: minus(r.rows, s?.rows),
      sharedBlksHit: minus(r.shared_blks_hit, s?.shared_blks_hit),
      sharedBlksRead: minus(r.shared_blks_read, s?.shared_blks_read),
      tempBlksWritten: minus(r.temp_blks_written, s?.temp_blks_written),
      walBytes: r.wal_bytes === null ? null : minus(r.wal_bytes, s?.wal_bytes ?? 0),
      subtracted: usable,
    };
    if (work.calls > 0 || work.totalMs > 0) statements.push(work);
  }
  if (unmatched) {
    notes.push({
      en: `${unmatched} statements had no window-start sample (new in the window, evicted, or below the snapshot's top 100) and count since their entry was created`,
      zh: `${unmatched} 条语句没有窗口起点样本（窗口内新出现、被淘汰或不在快照的前 100 条中），按条目创建以来累计`,
    });
  }
  return { statements, since, notes };
}

/** `; note; note` to append to a message. */
export const withNotes = (notes: readonly Texts[]): Texts => ({
  en: notes.map((n) => `; ${n.en}`).join(''),
  zh: notes.map((n) => `；${n.zh}`).join(''),
});

/** A statement's text for a message: one line, at most 120 characters. */
export const shortText = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
};

/** Evidence row of one statement's work. */
export const statementEvidence = (s: StatementWork): Record<string, unknown> => ({
  queryid: s.id,
  database: s.database,
  user: s.user,
  calls: s.calls,
  total_ms: Math.round(s.totalMs * 10) / 10,
  mean_ms: s.calls > 0 ? Math.round((s.totalMs / s.calls) * 10) / 10 : null,
  rows: s.rows,
  shared_blks_hit: s.sharedBlksHit,
  shared_blks_read: s.sharedBlksRead,
  temp_blks_written: s.tempBlksWritten,
  wal_bytes: s.walBytes,
  window_start_subtracted: s.subtracted,
  query: shortText(s.text),
});
