import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { pgIdent } from '../../quote.js';

export const postgresChecksumFailures = defineCheck({
  id: 'postgres.checksum-failures',
  catalogRef: 'PG-D13',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'storage',
  tier: 'daily',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Data page checksum failures', zh: '数据页校验和失败' },
  description: {
    en: 'Data page checksum failures counted in pg_stat_database (PostgreSQL 12+), per database and for shared catalogs: each one is a page that was corrupted on disk or in the I/O path. Counters are cumulative since the statistics were last reset. Without data checksums nothing can be detected (the monthly parameter checks report that).',
    zh: '读取 pg_stat_database 中按数据库（以及共享系统表）统计的数据页校验和失败次数（PostgreSQL 12 及以上）：每一次都意味着有数据页在磁盘或 I/O 路径上损坏。计数为自统计信息上次重置以来的累计值。未启用数据校验和时无法检测（由月度参数检查报告）。',
  },
  remediation: {
    en: 'Treat it as corruption: find the damaged relations from the log (invalid page / checksum mismatch messages), check the storage (SMART, controller, RAID, filesystem errors), take a fresh backup of intact data, and restore the damaged relations from a backup or re-clone from a healthy standby. Reset the counter with pg_stat_reset() once repaired.',
    zh: '按数据损坏处理：根据日志中的 invalid page / checksum mismatch 信息定位受损对象，检查存储（SMART、阵列卡、RAID、文件系统错误），对完好的数据立即做一次备份，再从备份恢复受损对象或从健康备库重新搭建。修复后用 pg_stat_reset() 重置计数。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT current_setting('data_checksums') AS data_checksums, d.datname, d.checksum_failures, d.checksum_last_failure, d.stats_reset
FROM (SELECT 1) AS one LEFT JOIN pg_stat_database d ON d.checksum_failures > 0
ORDER BY d.checksum_failures DESC NULLS LAST, d.datname LIMIT 500`,
        },
      ],
      row: z.object({
        data_checksums: z.string(),
        datname: z.string().nullable(),
        checksum_failures: z.coerce.number().nullable(),
        checksum_last_failure: z.coerce.date().nullable(),
        stats_reset: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  applies: ({ server }) =>
    server.versionNum < 120000 ? 'needs PostgreSQL ≥ 12 (pg_stat_database.checksum_failures)' : null,
  evaluate({ main }, ctx) {
    if (main[0]?.data_checksums !== 'on')
      return { skipped: 'data checksums are disabled (data_checksums = off): failures cannot be detected' };
    return main
      .filter((r) => (r.checksum_failures ?? 0) > 0)
      .map((r) => {
        const where = r.datname === null ? 'shared system catalogs' : `database ${pgIdent(r.datname)}`;
        const last = r.checksum_last_failure
          ? `, last at ${r.checksum_last_failure.toISOString()}${r.checksum_last_failure.getTime() >= ctx.window.from.getTime() ? ' (within the window)' : ' (before the window)'}`
          : '';
        const since = r.stats_reset
          ? r.stats_reset.toISOString()
          : 'the statistics were initialised (stats_reset is null)';
        return {
          severity: 'critical' as const,
          object: r.datname === null ? ctx.instance.name : pgIdent(r.datname),
          message: `${r.checksum_failures} data page checksum failure${r.checksum_failures === 1 ? '' : 's'} in ${where}${last}; counted since ${since}`,
          value: r.checksum_failures ?? 0,
          threshold: 0,
          evidence: [
            {
              datname: r.datname,
              checksum_failures: r.checksum_failures,
              checksum_last_failure: r.checksum_last_failure?.toISOString() ?? null,
              stats_reset: r.stats_reset?.toISOString() ?? null,
            },
          ],
        };
      });
  },
});
