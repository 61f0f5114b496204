import { z } from 'zod';
import { evaluateCapacity } from '../../capacity-trend.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';

const SIZES_SQL = `SELECT TABLE_SCHEMA AS name, SUM(COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0)) AS bytes
FROM information_schema.TABLES
WHERE TABLE_SCHEMA NOT IN ('information_schema', 'performance_schema', 'sys') AND TABLE_TYPE <> 'VIEW'
GROUP BY TABLE_SCHEMA ORDER BY TABLE_SCHEMA`;

export const mysqlCapacityTrend = defineCheck({
  id: 'mysql.capacity-trend',
  catalogRef: 'MY-A08',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'storage',
  tier: 'annual',
  window: 'trend',
  scope: 'instance',
  title: { en: 'Capacity trend and days to full', zh: '容量趋势与写满天数' },
  description: {
    en: 'Sums data and index size per schema (information_schema.TABLES) and the binary logs on disk (SHOW BINARY LOGS), and keeps them with every report of the tier, so each run has the sizes of the earlier reports of the instance (bounded: 100 reports, the 50 largest schemas). Growth per day is the least-squares slope over the reports inside the window (when it holds fewer than 3, as with a semi-annual or annual schedule, the newest older reports up to 750 days back); with a capacity (the maxDataBytes threshold) it gives the days until data and binary logs fill it: fewer than 90 days is a warning, fewer than 30 critical. Without enough history (3 reports over 7 days by default) the check is skipped and only records this run’s sizes.',
    zh: '按库汇总数据与索引大小（information_schema.TABLES）以及磁盘上的 binlog（SHOW BINARY LOGS），随该层级每份报告保存，使每次运行都能读到该实例此前报告的容量数据（有上限：100 份报告、最大的 50 个库）。每日增长为窗口内各报告的最小二乘斜率（窗口内不足 3 份时，如半年或一年一次的计划，补入最近 750 天内较早的报告）；设置容量（maxDataBytes 阈值）后据此估算数据和 binlog 写满的天数：少于 90 天为警告，少于 30 天为严重。历史不足（默认 7 天内 3 份报告）时跳过本检查，只记录本次容量。',
  },
  remediation: {
    en: 'Plan capacity before the ETA: grow the volume, archive or purge old data (partitions make this cheap), shorten binlog retention (binlog_expire_logs_seconds) if backups allow, and compress large tables; set maxDataBytes to the volume size so the estimate has a limit.',
    zh: '在预计写满之前规划容量：扩容存储卷，归档或清理历史数据（分区可降低代价），在备份允许时缩短 binlog 保留时间（binlog_expire_logs_seconds），压缩大表；将 maxDataBytes 设为卷大小，使估算有上限。',
  },
  queries: {
    sizes: {
      sql: [{ since: 0, sql: SIZES_SQL }],
      row: z.object({ name: z.string(), bytes: z.coerce.number() }),
    },
    binlogs: {
      sql: [{ since: 0, sql: 'SHOW BINARY LOGS' }],
      row: z.object({ Log_name: z.string(), File_size: z.coerce.number() }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({
      warnFullInDays: z.number().positive(),
      critFullInDays: z.number().positive(),
      maxDataBytes: z.number().min(0),
      minReports: z.number().int().min(2),
      minHistoryDays: z.number().min(0),
      maxHistoryDays: z.number().positive(),
      reportTrend: z.boolean(),
    }),
    defaults: {
      warnFullInDays: 90,
      critFullInDays: 30,
      maxDataBytes: 0,
      minReports: 3,
      minHistoryDays: 7,
      maxHistoryDays: 750,
      reportTrend: true,
    },
  },
  evaluate({ sizes, binlogs }, ctx) {
    const log = binlogs.length > 0 ? binlogs.reduce((s, b) => s + b.File_size, 0) : null;
    return evaluateCapacity(
      ctx,
      { databases: new Map(sizes.map((s) => [s.name, s.bytes])), log },
      {
        total: { en: 'data+index', zh: '数据+索引' },
        logUsesSpace: true,
        log: (_, now) =>
          now.log === null
            ? null
            : { en: `binlog ${formatBytes(now.log)} on disk`, zh: `磁盘上 binlog ${formatBytes(now.log)}` },
      },
      false,
    );
  },
});
