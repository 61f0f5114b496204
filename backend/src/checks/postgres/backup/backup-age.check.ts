import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { NO_BACKUP_EVIDENCE } from './backup-evidence.js';
import { walSegmentNumber } from './wal-segments.js';

export const postgresBackupAge = defineCheck({
  id: 'postgres.backup-age',
  catalogRef: 'PG-D09',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'backup',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Last successful base backup too old', zh: '最近一次成功的基础备份过旧' },
  description: {
    en: "Runs the instance's backup evidence query (a backup catalogue table, or a view over pgBackRest, WAL-G or Barman output) returning last_backup_end, and reports when the newest successful base backup is older than the thresholds. Also checks WAL continuity: completed WAL segments that were never archived mean point-in-time recovery from that backup cannot reach the present.",
    zh: '执行实例配置的备份证据查询（备份登记表，或基于 pgBackRest、WAL-G、Barman 输出的视图），读取 last_backup_end，若最近一次成功的基础备份早于阈值则报告。同时检查 WAL 连续性：已写完却未归档的 WAL 段意味着基于该备份的时间点恢复无法恢复到当前时刻。',
  },
  remediation: {
    en: 'Check the backup job (scheduler, logs of pgBackRest/WAL-G/Barman, repository space and credentials), run a full backup now and verify it restores. If WAL is not being archived, fix archiving first (see postgres.wal-archiving). PostgreSQL 15 removed exclusive backup mode: scripts still calling pg_start_backup() must move to pg_backup_start() or a backup tool.',
    zh: '检查备份任务（调度器、pgBackRest/WAL-G/Barman 日志、备份仓库空间与凭据），立即执行一次全量备份并验证可恢复。若 WAL 未归档，先修复归档（见 postgres.wal-archiving）。PostgreSQL 15 移除了排他备份模式：仍调用 pg_start_backup() 的脚本须改用 pg_backup_start() 或备份工具。',
  },
  queries: {
    evidence: {
      sql: [],
      dynamicSql: (ctx) => ctx.instance.backupEvidenceSql,
      row: z.object({ last_backup_end: z.coerce.date().nullable() }),
    },
    archiver: {
      sql: [
        {
          since: 0,
          sql: `SELECT pg_is_in_recovery() AS in_recovery, current_setting('archive_mode') AS archive_mode,
  a.last_archived_wal, a.last_archived_time,
  CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END AS current_wal,
  pg_size_bytes(current_setting('wal_segment_size')) AS wal_segment_bytes
FROM pg_stat_archiver a`,
        },
      ],
      row: z.object({
        in_recovery: z.boolean(),
        archive_mode: z.string(),
        last_archived_wal: z.string().nullable(),
        last_archived_time: z.coerce.date().nullable(),
        current_wal: z.string().nullable(),
        wal_segment_bytes: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      warnHours: z.number().positive(),
      critHours: z.number().positive(),
      /** Unarchived completed WAL older than this breaks point-in-time recovery to the present. */
      warnArchiveGapMinutes: z.number().nonnegative(),
    }),
    defaults: { warnHours: 26, critHours: 50, warnArchiveGapMinutes: 60 },
  },
  applies: ({ instance }) => (instance.backupEvidenceSql ? null : NO_BACKUP_EVIDENCE),
  evaluate({ evidence, archiver }, ctx) {
    if (!ctx.instance.backupEvidenceSql) return { skipped: NO_BACKUP_EVIDENCE };
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    const ends = evidence
      .map((r) => r.last_backup_end)
      .filter((d): d is Date => d !== null && !Number.isNaN(d.getTime()));
    const latest = ends.length ? new Date(Math.max(...ends.map((d) => d.getTime()))) : null;
    if (!latest) {
      findings.push({
        severity: 'critical',
        object: ctx.instance.name,
        message: {
          en: `the backup evidence query returned no successful backup (${evidence.length} rows, none with last_backup_end)`,
          zh: `备份证据查询未返回任何成功的备份（共 ${evidence.length} 行，均无 last_backup_end）`,
        },
      });
    } else {
      const hours = (ctx.now.getTime() - latest.getTime()) / 3_600_000;
      const g = grade(hours, { warn: t.warnHours, crit: t.critHours }, { inclusive: false });
      if (g) {
        const limit = thresholdText(g.limit, UNITS.hours);
        findings.push({
          severity: g.severity,
          object: ctx.instance.name,
          message: {
            en: `last successful base backup ended ${latest.toISOString()}, ${hours.toFixed(1)} h ago (${limit.en})`,
            zh: `最近一次成功的基础备份结束于 ${latest.toISOString()}，距今 ${hours.toFixed(1)} 小时（${limit.zh}）`,
          },
          value: Math.round(hours * 10) / 10,
          threshold: g.limit,
        });
      }
    }

    const a = archiver[0];
    if (a && !a.in_recovery && a.archive_mode !== 'off' && a.last_archived_wal && a.current_wal) {
      const done = walSegmentNumber(a.last_archived_wal, a.wal_segment_bytes);
      const current = walSegmentNumber(a.current_wal, a.wal_segment_bytes);
      if (done && current && done.timeline === current.timeline) {
        // The current segment is still being written; everything between it and the last archived one is waiting.
        const unarchived = current.segno - done.segno - 1;
        const gapMinutes = a.last_archived_time ? (ctx.now.getTime() - a.last_archived_time.getTime()) / 60_000 : null;
        const g =
          gapMinutes === null ? null : grade(gapMinutes, { warn: t.warnArchiveGapMinutes }, { inclusive: false });
        if (unarchived > 0 && gapMinutes !== null && g) {
          const limit = thresholdText(g.limit, UNITS.minutes);
          const at = a.last_archived_time!.toISOString();
          findings.push({
            severity: g.severity,
            object: ctx.instance.name,
            message: {
              en: `WAL is archived only up to ${a.last_archived_wal} at ${at} (${Math.round(gapMinutes)} min ago, ${limit.en}); ${unarchived} completed segments up to ${a.current_wal} are not archived, so point-in-time recovery cannot reach the present`,
              zh: `WAL 仅归档到 ${a.last_archived_wal}，时间 ${at}（${Math.round(gapMinutes)} 分钟前，${limit.zh}）；直到 ${a.current_wal} 的 ${unarchived} 个已写完的段尚未归档，时间点恢复无法恢复到当前时刻`,
            },
            value: Math.round(gapMinutes),
            threshold: g.limit,
            evidence: [{ ...a, last_archived_time: a.last_archived_time?.toISOString() ?? null }],
          });
        }
      }
    }
    return findings;
  },
});
