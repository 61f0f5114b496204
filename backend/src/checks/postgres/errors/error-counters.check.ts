import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { pgIdent } from '../../quote.js';
import { databaseWindow } from '../counter-window.js';

const countersSql = (
  sessions: string,
) => `SELECT datname, xact_commit, xact_rollback, deadlocks, conflicts, temp_files, temp_bytes,
  ${sessions}, stats_reset
FROM pg_stat_database WHERE datname IS NOT NULL ORDER BY datname LIMIT 500`;

const GiB = 1024 ** 3;
const count = z.coerce.number();

const ALWAYS = ['xact_commit', 'xact_rollback', 'deadlocks', 'conflicts', 'temp_files', 'temp_bytes'] as const;
/** PostgreSQL 14+; null before. */
const SESSIONS = ['sessions', 'sessions_fatal', 'sessions_killed', 'sessions_abandoned'] as const;
const COUNTERS = [...ALWAYS, ...SESSIONS] as const;
type Counters = Record<(typeof ALWAYS)[number], number> & Record<(typeof SESSIONS)[number], number | null>;

export const postgresErrorCounters = defineCheck({
  id: 'postgres.error-counters',
  catalogRef: 'PG-D10',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'errors',
  tier: 'daily',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Errors and alerts without log access', zh: '无需读取日志的错误与告警计数' },
  description: {
    en: 'Error counters of pg_stat_database per database, for clusters whose log DB Patrol cannot read: deadlocks, rollback ratio, recovery conflicts (standbys), temporary files and, on PostgreSQL 14+, sessions ended by fatal errors, killed or abandoned. Counters are the growth since the stored snapshot at the window start (or, failing that, the first one inside the window); a database without a usable snapshot (none from the current server lifetime, created or statistics reset since) counts since its statistics were last reset. The report says which period was counted. Checksum failures are reported by postgres.checksum-failures; in an annual inspection the rollback ratio and temporary files are graded by postgres.rollback-ratio (PG-A07) and postgres.temp-spills (PG-A03) instead, so one condition is one finding.',
    zh: '针对无法读取日志的集群，按数据库读取 pg_stat_database 中的错误计数：死锁、回滚比例、恢复冲突（备库）、临时文件，以及 PostgreSQL 14 及以上因致命错误结束、被终止或被客户端异常断开的会话数。计数取自窗口起点处（若没有，则取窗口内第一份）快照以来的增量；没有可用快照的数据库（无本次实例启动后的快照，或快照之后新建、统计信息被重置）则为自统计信息上次重置以来的累计值。报告中会注明统计区间。数据页校验失败由 postgres.checksum-failures 报告；年度巡检中回滚比例和临时文件改由 postgres.rollback-ratio（PG-A07）和 postgres.temp-spills（PG-A03）评估，同一问题只报告一次。',
  },
  remediation: {
    en: 'Deadlocks: read the log around the deadlock for the two statements and make the application take locks in one order. High rollback ratio: find the failing or aborted transactions (application errors, serialization failures, ORMs rolling back read-only work). Conflicts: tune hot_standby_feedback / max_standby_streaming_delay. Temp files: raise work_mem for the queries that sort or hash to disk. Abnormal session ends: check application connection handling and the log for FATAL messages. Reset with pg_stat_reset() after fixing, so the counters show new events.',
    zh: '死锁：在日志中查看死锁前后的两条语句，让应用按固定顺序加锁。回滚比例高：找出失败或被中止的事务（应用报错、序列化失败、ORM 对只读事务执行回滚）。冲突：调整 hot_standby_feedback / max_standby_streaming_delay。临时文件：为排序或哈希落盘的查询调大 work_mem。会话异常结束：检查应用的连接管理并在日志中查找 FATAL 信息。修复后可执行 pg_stat_reset() 重置计数，以便观察新发生的事件。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: countersSql(
            'NULL::bigint AS sessions, NULL::bigint AS sessions_fatal, NULL::bigint AS sessions_killed, NULL::bigint AS sessions_abandoned',
          ),
        },
        { since: 140000, sql: countersSql('sessions, sessions_fatal, sessions_killed, sessions_abandoned') },
      ],
      row: z.object({
        datname: z.string(),
        xact_commit: count,
        xact_rollback: count,
        deadlocks: count,
        conflicts: count,
        temp_files: count,
        temp_bytes: count,
        sessions: count.nullable(),
        sessions_fatal: count.nullable(),
        sessions_killed: count.nullable(),
        sessions_abandoned: count.nullable(),
        stats_reset: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      warnDeadlocksCount: z.number().int().positive(),
      warnRollbackPercent: z.number().nonnegative(),
      critRollbackPercent: z.number().nonnegative(),
      /** Fewer transactions than this make the rollback ratio meaningless. */
      minTransactions: z.number().int().nonnegative(),
      warnConflictsCount: z.number().int().positive(),
      /** Temporary file volume from which an info finding reports the spill. */
      infoTempBytes: z.number().nonnegative(),
      warnAbnormalSessionsPercent: z.number().nonnegative(),
      /** Fewer sessions than this make the share of abnormal ends meaningless. */
      minSessions: z.number().int().nonnegative(),
    }),
    defaults: {
      warnDeadlocksCount: 1,
      warnRollbackPercent: 0.5,
      critRollbackPercent: 1,
      minTransactions: 1000,
      warnConflictsCount: 1,
      infoTempBytes: 10 * GiB,
      warnAbnormalSessionsPercent: 5,
      minSessions: 100,
    },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const row of main) {
      const object = pgIdent(row.datname);
      // Session counters are null before PostgreSQL 14: only the ones the server has are counted.
      const live = Object.fromEntries(COUNTERS.flatMap((c) => (row[c] === null ? [] : [[c, row[c]]])));
      const w = databaseWindow(ctx.counterBaseline, row.datname, live, row.stats_reset, ctx.now);
      const d = { ...row, ...w.values } as Counters;
      const since = w.since;
      const evidence = w.windowed ? w.evidence : [{ ...row, stats_reset: row.stats_reset?.toISOString() ?? null }];
      const inDb = { en: `in database ${object}`, zh: `数据库 ${object}` };
      const deadlocks = grade(d.deadlocks, { warn: t.warnDeadlocksCount });
      if (deadlocks) {
        findings.push({
          severity: deadlocks.severity,
          object,
          message: {
            en: `${d.deadlocks} deadlocks ${inDb.en} ${since.en}`,
            zh: `${inDb.zh} 发生 ${d.deadlocks} 次死锁，${since.zh}`,
          },
          value: d.deadlocks,
          threshold: deadlocks.limit,
          evidence,
        });
      }
      // An annual run grades the rollback ratio (PG-A07) and temporary files (PG-A03) over the same window itself.
      const annual = ctx.runTier === 'annual';
      const xacts = d.xact_commit + d.xact_rollback;
      if (!annual && xacts >= t.minTransactions && xacts > 0) {
        const pct = (100 * d.xact_rollback) / xacts;
        const g = grade(pct, { warn: t.warnRollbackPercent, crit: t.critRollbackPercent }, { inclusive: false });
        if (g) {
          const limit = thresholdText(g.limit, UNITS.percent);
          findings.push({
            severity: g.severity,
            object,
            message: {
              en: `${pct.toFixed(2)} % of ${xacts} transactions rolled back ${inDb.en} (${limit.en}) ${since.en}`,
              zh: `${inDb.zh} 的 ${xacts} 个事务中有 ${pct.toFixed(2)}% 回滚（${limit.zh}），${since.zh}`,
            },
            value: Math.round(pct * 100) / 100,
            threshold: g.limit,
            evidence,
          });
        }
      }
      const conflicts = grade(d.conflicts, { warn: t.warnConflictsCount });
      if (conflicts) {
        findings.push({
          severity: conflicts.severity,
          object,
          message: {
            en: `${d.conflicts} queries cancelled by recovery conflicts ${inDb.en} ${since.en}`,
            zh: `${inDb.zh} 有 ${d.conflicts} 个查询因恢复冲突被取消，${since.zh}`,
          },
          value: d.conflicts,
          threshold: conflicts.limit,
          evidence,
        });
      }
      if (!annual && d.temp_bytes >= t.infoTempBytes && d.temp_files > 0) {
        const gib = (d.temp_bytes / GiB).toFixed(1);
        const limit = thresholdText((t.infoTempBytes / GiB).toFixed(1), ' GiB');
        findings.push({
          severity: 'info',
          object,
          message: {
            en: `${d.temp_files} temporary files, ${gib} GiB spilled to disk ${inDb.en} (${limit.en}) ${since.en}`,
            zh: `${inDb.zh} 有 ${d.temp_files} 个临时文件，共 ${gib} GiB 溢出到磁盘（${limit.zh}），${since.zh}`,
          },
          value: d.temp_bytes,
          threshold: t.infoTempBytes,
          evidence,
        });
      }
      if (d.sessions !== null && d.sessions >= t.minSessions && d.sessions > 0) {
        const fatal = d.sessions_fatal ?? 0;
        const killed = d.sessions_killed ?? 0;
        const abandoned = d.sessions_abandoned ?? 0;
        const abnormal = fatal + killed + abandoned;
        const pct = (100 * abnormal) / d.sessions;
        const g = grade(pct, { warn: t.warnAbnormalSessionsPercent }, { inclusive: false });
        if (g) {
          const limit = thresholdText(g.limit, UNITS.percent);
          findings.push({
            severity: g.severity,
            object,
            message: {
              en: `${abnormal} of ${d.sessions} sessions (${pct.toFixed(1)} %) ${inDb.en} ended abnormally: ${fatal} by fatal errors, ${killed} killed, ${abandoned} abandoned by the client (${limit.en}) ${since.en}`,
              zh: `${inDb.zh} 的 ${d.sessions} 个会话中有 ${abnormal} 个（${pct.toFixed(1)}%）异常结束：${fatal} 个因致命错误，${killed} 个被终止，${abandoned} 个被客户端丢弃（${limit.zh}），${since.zh}`,
            },
            value: Math.round(pct * 10) / 10,
            threshold: g.limit,
            evidence,
          });
        }
      }
    }
    return findings;
  },
});
