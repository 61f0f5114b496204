import { z } from 'zod';
import { evaluateCapacity } from '../../capacity-trend.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';

/** Sizes of the databases this account may measure (CONNECT, or pg_read_all_stats); others show as null. */
const SIZES_SQL = `SELECT d.datname AS name,
  CASE WHEN has_database_privilege(d.oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'MEMBER')
    THEN pg_database_size(d.oid) END AS bytes
FROM pg_database d WHERE NOT d.datistemplate ORDER BY d.datname`;

/** The WAL position in bytes: written on a primary, replayed on a standby; cumulative, so two reports give the volume. */
const WAL_SQL = `SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, '0/0') AS wal_bytes`;

export const postgresCapacityTrend = defineCheck({
  id: 'postgres.capacity-trend',
  catalogRef: 'PG-A08',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'storage',
  tier: 'annual',
  window: 'trend',
  scope: 'instance',
  title: { en: 'Database growth and capacity ETA', zh: '数据库增长与容量写满预估' },
  description: {
    en: 'Reads every database’s size (pg_database_size) and the WAL position, and keeps them with every report of the tier, so each run has the sizes of the earlier reports of the instance (bounded: 100 reports, the 50 largest databases). Each database’s growth over the history used is graded (more than 10 % informational, more than 50 % a warning; databases under 100 MiB are left out), the WAL volume per day is stated, and with a capacity (the maxDataBytes threshold) the least-squares growth per day over the reports inside the window (when it holds fewer than 3, the newest older reports up to 750 days back) gives the days until the databases fill it: fewer than 90 days is a warning, fewer than 30 critical. Without enough history (3 reports over 7 days by default) the check is skipped and only records this run’s sizes.',
    zh: '读取每个数据库的大小（pg_database_size）和 WAL 位置，随该层级每份报告保存，使每次运行都能读到该实例此前报告的容量数据（有上限：100 份报告、最大的 50 个库）。按所用历史评估每个库的增长（超过 10% 为提示，超过 50% 为警告；小于 100 MiB 的库不评估），给出每日 WAL 量；设置容量（maxDataBytes 阈值）后按窗口内各报告（不足 3 份时补入最近 750 天内较早的报告）的最小二乘每日增长估算写满天数：少于 90 天为警告，少于 30 天为严重。历史不足（默认 7 天内 3 份报告）时跳过本检查，只记录本次容量。',
  },
  remediation: {
    en: 'Plan capacity before the ETA: grow the volume, archive or drop old data (partitioning makes it cheap), remove bloat (pg_repack, VACUUM FULL in a window), and look at the fastest-growing databases and their largest relations (pg_total_relation_size); set maxDataBytes to the volume size so the estimate has a limit.',
    zh: '在预计写满之前规划容量：扩容存储卷，归档或删除历史数据（分区可降低代价），清理膨胀（pg_repack，或在维护窗口内 VACUUM FULL），排查增长最快的库及其最大的表（pg_total_relation_size）；将 maxDataBytes 设为卷大小，使估算有上限。',
  },
  queries: {
    sizes: {
      sql: [{ since: 0, sql: SIZES_SQL }],
      row: z.object({ name: z.string(), bytes: z.coerce.number().nullable() }),
    },
    wal: {
      sql: [{ since: 0, sql: WAL_SQL }],
      row: z.object({ wal_bytes: z.coerce.number().nullable() }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({
      warnFullInDays: z.number().positive(),
      critFullInDays: z.number().positive(),
      maxDataBytes: z.number().min(0),
      infoGrowthPercent: z.number().min(0),
      warnGrowthPercent: z.number().min(0),
      minDatabaseBytes: z.number().min(0),
      minReports: z.number().int().min(2),
      minHistoryDays: z.number().min(0),
      maxHistoryDays: z.number().positive(),
      reportTrend: z.boolean(),
    }),
    defaults: {
      warnFullInDays: 90,
      critFullInDays: 30,
      maxDataBytes: 0,
      infoGrowthPercent: 10,
      warnGrowthPercent: 50,
      minDatabaseBytes: 100 * 1024 * 1024,
      minReports: 3,
      minHistoryDays: 7,
      maxHistoryDays: 750,
      reportTrend: true,
    },
  },
  evaluate({ sizes, wal }, ctx) {
    const databases = new Map<string, number>();
    for (const s of sizes) if (s.bytes !== null) databases.set(s.name, s.bytes);
    return evaluateCapacity(
      ctx,
      { databases, log: wal[0]?.wal_bytes ?? null },
      {
        total: { en: 'databases', zh: '数据库合计' },
        logUsesSpace: false,
        log: (earlier, now) => {
          const from = earlier.find((p) => p.log !== null && now.log !== null && p.log <= now.log);
          if (!from || now.log === null || now.t <= from.t) return null;
          const perDay = ((now.log - from.log!) / (now.t - from.t)) * 86_400_000;
          return {
            en: `WAL ${formatBytes(Math.round(perDay))}/day`,
            zh: `WAL 每天 ${formatBytes(Math.round(perDay))}`,
          };
        },
      },
      true,
    );
  },
});
