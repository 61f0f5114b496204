import { z } from 'zod';
import type { CounterBaseline, QuerySpec, Texts } from '../../check.types.js';
import { baselineCoverage } from '../../format.js';
import { STATEMENT_TEXT_LIMIT, statementKey, type StatementSample } from '../../../snapshots/snapshot.model.js';

/** Digests read at the window end: more than a snapshot keeps (100), so the window's top statements are among them. */
export const LIVE_DIGEST_LIMIT = 1000;

/**
 * events_statements_summary_by_digest at the window end, with the columns and units of the snapshot's statement
 * samples (timers are picoseconds: / 1e9 gives milliseconds), so the two can be subtracted.
 */
export const DIGESTS_SQL = `SELECT DIGEST AS id, SCHEMA_NAME AS db, LEFT(DIGEST_TEXT, ${STATEMENT_TEXT_LIMIT}) AS text,
    COUNT_STAR AS calls, SUM_TIMER_WAIT / 1000000000 AS total_ms, SUM_ROWS_SENT AS \`rows\`,
    SUM_ROWS_EXAMINED AS rows_examined, SUM_ROWS_AFFECTED AS rows_affected, SUM_ERRORS AS errors,
    SUM_WARNINGS AS warnings, SUM_NO_INDEX_USED AS no_index_used, SUM_NO_GOOD_INDEX_USED AS no_good_index_used,
    SUM_CREATED_TMP_DISK_TABLES AS tmp_disk_tables, SUM_CREATED_TMP_TABLES AS tmp_tables,
    SUM_SORT_MERGE_PASSES AS sort_merge_passes, SUM_LOCK_TIME / 1000000000 AS lock_time_ms
  FROM performance_schema.events_statements_summary_by_digest
  WHERE DIGEST IS NOT NULL
  ORDER BY SUM_TIMER_WAIT DESC
  LIMIT ${LIVE_DIGEST_LIMIT}`;

/** A summed column: a decimal string, a number or NULL (absent in rows of older servers). */
const count = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v)));

export const digestRow = z.object({
  id: z.string(),
  db: z.string().nullable(),
  text: z.string().nullable(),
  calls: z.coerce.number(),
  total_ms: z.coerce.number(),
  rows: count,
  rows_examined: count,
  rows_affected: count,
  errors: count,
  warnings: count,
  no_index_used: count,
  no_good_index_used: count,
  tmp_disk_tables: count,
  tmp_tables: count,
  sort_merge_passes: count,
  lock_time_ms: count,
});
export type DigestRow = z.infer<typeof digestRow>;

const EXTRAS = [
  'rows_examined',
  'rows_affected',
  'errors',
  'warnings',
  'no_index_used',
  'no_good_index_used',
  'tmp_disk_tables',
  'tmp_tables',
  'sort_merge_passes',
  'lock_time_ms',
] as const;

/** The queries a check reading digests declares: whether performance_schema is on, and the digests themselves. */
export const DIGEST_QUERIES = {
  performanceSchema: {
    sql: [{ since: 0, sql: 'SELECT @@performance_schema AS enabled' }],
    row: z.object({ enabled: z.coerce.number() }),
  },
  digestConsumer: {
    sql: [
      {
        since: 0,
        sql: "SELECT ENABLED AS enabled FROM performance_schema.setup_consumers WHERE NAME = 'statements_digest'",
      },
    ],
    row: z.object({ enabled: z.string() }),
    optional: true,
  },
  digests: { sql: [{ since: 0, sql: DIGESTS_SQL }], row: digestRow, optional: true },
} satisfies Record<string, QuerySpec<unknown>>;

/** A digest row as a statement sample (the snapshot's shape). */
export function digestSample(r: DigestRow): StatementSample {
  const extras: Record<string, number> = {};
  for (const k of EXTRAS) if (r[k] !== null && Number.isFinite(r[k])) extras[k] = r[k];
  return {
    id: r.id,
    ...(r.db !== null ? { database: r.db } : {}),
    text: r.text ?? '',
    calls: r.calls,
    totalTimeMs: r.total_ms,
    rows: r.rows ?? 0,
    extras,
  };
}

/** Why digests cannot be read, or null when they can. */
export function digestsUnavailable(rows: {
  performanceSchema: readonly { enabled: number }[];
  digestConsumer: readonly { enabled: string }[];
  digests: readonly DigestRow[];
}): Texts | null {
  if (rows.performanceSchema[0]?.enabled !== 1)
    return {
      en: 'performance_schema is OFF, so there are no statement digests: enable performance_schema=ON (my.cnf, needs a restart)',
      zh: 'performance_schema 为 OFF，没有语句摘要统计：请开启 performance_schema=ON（写入 my.cnf，需要重启）',
    };
  if (rows.digestConsumer[0] && rows.digestConsumer[0].enabled.toUpperCase() !== 'YES')
    return {
      en: "the statements_digest consumer is disabled: UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'statements_digest'",
      zh: "statements_digest 消费者未启用：执行 UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'statements_digest'",
    };
  if (rows.digests.length === 0)
    return {
      en: 'performance_schema.events_statements_summary_by_digest is empty or not readable by this account (needs SELECT on performance_schema)',
      zh: 'performance_schema.events_statements_summary_by_digest 为空，或当前账号无权读取（需要 performance_schema 的 SELECT 权限）',
    };
  return null;
}

/** One statement's counters over the counted period. */
export interface StatementInWindow {
  key: string;
  id: string;
  database?: string;
  text: string;
  calls: number;
  totalTimeMs: number;
  rows: number;
  extras: Record<string, number>;
  /** Counted whole: new in the window (not in the start sample) or reset since (its counters went backwards). */
  whole: 'new' | 'reset' | 'cumulative' | false;
}

export interface StatementWindow {
  statements: StatementInWindow[];
  /** The counted period, in both languages. */
  period: Texts;
  /** True when the start sample was subtracted. */
  fromSnapshot: boolean;
  /** Digests whose counters went backwards (TRUNCATE of the digest table, eviction): counted since then. */
  reset: number;
}

const whole = (s: StatementSample, why: StatementInWindow['whole']): StatementInWindow => ({
  key: statementKey(s),
  id: s.id,
  ...(s.database !== undefined ? { database: s.database } : {}),
  text: s.text,
  calls: s.calls,
  totalTimeMs: s.totalTimeMs,
  rows: s.rows,
  extras: { ...s.extras },
  whole: why,
});

/**
 * Statement counters over the window: the end edge (the end snapshot's samples of a late run, else the live digests)
 * minus the samples of the snapshot at the window start, matched by {@link statementKey}. A digest missing from the
 * start sample is new in the window (or was below its top 100) and counts whole; one whose calls went backwards was
 * reset (the digest table was truncated or the digest evicted) and counts since the reset. Without a start sample
 * every counter is cumulative since the table was last truncated or the server started.
 */
export function statementWindow(live: readonly StatementSample[], base: CounterBaseline | undefined): StatementWindow {
  const end = base?.end?.statements ?? live;
  const start = base?.statements;
  if (!base || !start) {
    const why: Texts = base
      ? {
          en: ` (the snapshot of ${base.takenAt} has no statement sample)`,
          zh: `（${base.takenAt} 的快照中没有语句样本）`,
        }
      : { en: '', zh: '' };
    return {
      statements: end.filter((s) => s.calls > 0).map((s) => whole(s, 'cumulative')),
      period: {
        en: `since the digest table was last truncated or the server started${why.en}`,
        zh: `自摘要表上次清空或实例启动以来${why.zh}`,
      },
      fromSnapshot: false,
      reset: 0,
    };
  }
  const before = new Map(start.map((s) => [statementKey(s), s]));
  let reset = 0;
  const statements: StatementInWindow[] = [];
  for (const s of end) {
    const b = before.get(statementKey(s));
    if (!b) {
      if (s.calls > 0) statements.push(whole(s, 'new'));
      continue;
    }
    if (s.calls < b.calls || s.totalTimeMs < b.totalTimeMs) {
      reset++;
      if (s.calls > 0) statements.push(whole(s, 'reset'));
      continue;
    }
    if (s.calls === b.calls) continue;
    const extras: Record<string, number> = {};
    for (const [k, v] of Object.entries(s.extras)) extras[k] = Math.max(0, v - (b.extras[k] ?? 0));
    statements.push({
      key: statementKey(s),
      id: s.id,
      ...(s.database !== undefined ? { database: s.database } : {}),
      text: s.text,
      calls: s.calls - b.calls,
      totalTimeMs: s.totalTimeMs - b.totalTimeMs,
      rows: Math.max(0, s.rows - b.rows),
      extras,
      whole: false,
    });
  }
  const coverage = baselineCoverage(base);
  return {
    statements,
    period:
      reset > 0
        ? {
            en: `${coverage.en}; ${reset} digest(s) were reset in the window (digest table truncated or entries evicted) and are counted since the reset`,
            zh: `${coverage.zh}；窗口内有 ${reset} 条摘要被重置（摘要表被清空或条目被淘汰），按重置后计数`,
          }
        : coverage,
    fromSnapshot: true,
    reset,
  };
}

/**
 * A statement on the server's own catalogs (performance_schema, information_schema, SHOW): monitoring, DB Patrol's
 * own queries among them. Their tables have no indexes to add, so they are ranked but never blamed for a missing one.
 */
export const onSystemCatalogs = (text: string): boolean =>
  /^\s*SHOW\b/i.test(text) || /\b(performance_schema|information_schema)\b/i.test(text);

/** Statement text cut for evidence and messages. */
export const shortText = (text: string, max = 200): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Milliseconds with at most three decimals. */
export const ms = (v: number): number => Math.round(v * 1000) / 1000;

/** The evidence row of a statement. */
export const statementEvidence = (s: StatementInWindow): Record<string, unknown> => ({
  digest: s.id,
  schema: s.database ?? null,
  text: shortText(s.text),
  calls: s.calls,
  totalMs: ms(s.totalTimeMs),
  meanMs: s.calls > 0 ? ms(s.totalTimeMs / s.calls) : null,
  rowsExamined: s.extras.rows_examined ?? null,
  errors: s.extras.errors ?? null,
  noIndexUsed: s.extras.no_index_used ?? null,
  ...(s.whole === 'new' || s.whole === 'reset' ? { countedWhole: s.whole } : {}),
});
