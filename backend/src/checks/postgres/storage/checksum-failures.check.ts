import { z } from 'zod';
import type { CounterBaseline, FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgIdent } from '../../quote.js';
import { atWindowEnd, baselineCoverage, snapshotNotUsed } from '../../format.js';
import { sinceStatsReset, UNUSABLE_SNAPSHOT } from '../counter-coverage.js';

/** The snapshot collector's name for the cluster-wide row (datname NULL: shared catalogs). */
const SHARED = '<shared>';

/** Failures before the window, or why the snapshot cannot be used for this database (created or reset since). */
function failuresBefore(
  datname: string | null,
  failures: number,
  statsReset: Date | null,
  base: CounterBaseline,
): { before: number } | { unusable: Texts } {
  if (!Number.isFinite(Date.parse(base.takenAt))) return { unusable: UNUSABLE_SNAPSHOT.unreadableTime };
  const key = (column: string) => `db.${datname ?? SHARED}.${column}`;
  const resetMs = base.counters[key('stats_reset_ms')];
  if (resetMs === undefined) return { unusable: UNUSABLE_SNAPSHOT.databaseMissing };
  // stats_reset_ms keeps microseconds (through float8); the driver's Date truncates to milliseconds.
  const resetAtEnd = atWindowEnd(base, key('stats_reset_ms'), statsReset?.getTime() ?? 0);
  if (Math.abs(resetMs - resetAtEnd) >= 2) return { unusable: UNUSABLE_SNAPSHOT.statsReset };
  const before = base.counters[key('checksum_failures')];
  if (before === undefined) return { unusable: UNUSABLE_SNAPSHOT.lacks('checksum_failures') };
  if (failures < before) return { unusable: UNUSABLE_SNAPSHOT.backwards('checksum_failures') };
  return { before };
}

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
    en: 'Data page checksum failures counted in pg_stat_database (PostgreSQL 12+), per database and for shared catalogs: each one is a page that was corrupted on disk or in the I/O path. Failures are counted since the stored snapshot at the window start (or, failing that, the first one inside the window), or since the statistics were last reset when there is no usable snapshot (none from the current server lifetime, database created or statistics reset since); the report says which. Without data checksums nothing can be detected (the monthly parameter checks report that).',
    zh: '读取 pg_stat_database 中按数据库（以及共享系统表）统计的数据页校验和失败次数（PostgreSQL 12 及以上）：每一次都意味着有数据页在磁盘或 I/O 路径上损坏。计数取自窗口起点处（若没有，则取窗口内第一份）快照以来的增量；没有可用快照时（无本次实例启动后的快照，或快照之后新建数据库、统计信息被重置）为自统计信息上次重置以来的累计值，报告中会注明统计区间。未启用数据校验和时无法检测（由月度参数检查报告）。',
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
    server.versionNum < 120000
      ? {
          en: 'needs PostgreSQL ≥ 12 (pg_stat_database.checksum_failures)',
          zh: '需要 PostgreSQL 12 及以上版本（pg_stat_database.checksum_failures）',
        }
      : null,
  evaluate({ main }, ctx) {
    if (main[0]?.data_checksums !== 'on')
      return {
        skipped: {
          en: 'data checksums are disabled (data_checksums = off): failures cannot be detected',
          zh: '未启用数据校验和（data_checksums = off），无法检测校验失败',
        },
      };
    const base = ctx.counterBaseline;
    const findings: FindingDraft[] = [];
    for (const r of main) {
      const total = atWindowEnd(base, `db.${r.datname ?? SHARED}.checksum_failures`, r.checksum_failures ?? 0);
      if (total <= 0) continue;
      const fromBase = base ? failuresBefore(r.datname, total, r.stats_reset, base) : undefined;
      const failures = fromBase && 'before' in fromBase ? total - fromBase.before : total;
      if (failures <= 0) continue;
      const where: Texts =
        r.datname === null
          ? { en: 'shared system catalogs', zh: '共享系统目录中' }
          : { en: `database ${pgIdent(r.datname)}`, zh: `数据库 ${pgIdent(r.datname)} 中` };
      const lastAt = r.checksum_last_failure;
      const inWindow = lastAt !== null && lastAt.getTime() >= ctx.window.from.getTime();
      const last: Texts = lastAt
        ? {
            en: `, last at ${lastAt.toISOString()}${inWindow ? ' (within the window)' : ' (before the window)'}`,
            zh: `，最近一次在 ${lastAt.toISOString()}${inWindow ? '（窗口内）' : '（窗口之前）'}`,
          }
        : { en: '', zh: '' };
      let counted: Texts;
      if (base && fromBase && 'before' in fromBase) {
        const c = baselineCoverage(base);
        counted = { en: `counted ${c.en}`, zh: `统计区间：${c.zh}` };
      } else {
        const s = sinceStatsReset(r.stats_reset);
        const skip = base && fromBase && 'unusable' in fromBase ? snapshotNotUsed(base, fromBase.unusable) : null;
        counted = { en: `counted ${s.en}${skip?.en ?? ''}`, zh: `统计区间：${s.zh}${skip?.zh ?? ''}` };
      }
      findings.push({
        severity: 'critical',
        object: r.datname === null ? ctx.instance.name : pgIdent(r.datname),
        message: {
          en: `${failures} data page checksum failure${failures === 1 ? '' : 's'} in ${where.en}${last.en}; ${counted.en}`,
          zh: `${where.zh}有 ${failures} 次数据页校验和失败${last.zh}；${counted.zh}`,
        },
        value: failures,
        threshold: 0,
        evidence: [
          {
            datname: r.datname,
            ...(base && fromBase && 'before' in fromBase
              ? { baseline: fromBase.before, current: total, delta: failures }
              : { checksum_failures: r.checksum_failures }),
            checksum_last_failure: r.checksum_last_failure?.toISOString() ?? null,
            stats_reset: r.stats_reset?.toISOString() ?? null,
          },
        ],
      });
    }
    return findings;
  },
});
