import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { NO_BACKUP_EVIDENCE } from './backup-evidence.js';

const HOUR = 3_600_000;

/** Takes `last_backup_end`, or the only column when the operator's query names it differently. */
function pickEvidence(row: unknown): unknown {
  if (typeof row !== 'object' || row === null) return row;
  const r = row as Record<string, unknown>;
  if ('last_backup_end' in r) return { last_backup_end: r.last_backup_end };
  const values = Object.values(r);
  return values.length === 1 ? { last_backup_end: values[0] } : r;
}

/** DATETIME arrives as a Date; a number is a Unix time (UNIX_TIMESTAMP(), seconds, which avoids time-zone doubt). */
const backupEnd = z.union([
  z.date(),
  z.number().transform((n) => new Date(n > 1e11 ? n : n * 1000)),
  z
    .string()
    .refine(
      (s) => /^\d+(\.\d+)?$/.test(s.trim()) || !Number.isNaN(Date.parse(s.trim().replace(' ', 'T'))),
      'not a date or Unix time',
    )
    .transform((s) =>
      /^\d+(\.\d+)?$/.test(s.trim()) ? new Date(Number(s) * 1000) : new Date(s.trim().replace(' ', 'T')),
    ),
]);

export const mysqlBackupAge = defineCheck({
  id: 'mysql.backup-age',
  catalogRef: 'MY-D12',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'backup',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Last successful backup too old', zh: '最近一次成功备份过旧' },
  description: {
    en: "Runs the instance's own backup evidence query (backupEvidenceSql, returning last_backup_end: a DATETIME or a Unix time), e.g. SELECT MAX(end_time) AS last_backup_end FROM PERCONA_SCHEMA.xtrabackup_history WHERE partial = 'N', and compares the newest successful backup with now. No backup recorded is critical.",
    zh: "执行该实例配置的备份证据查询（backupEvidenceSql，返回 last_backup_end：DATETIME 或 Unix 时间戳），例如 SELECT MAX(end_time) AS last_backup_end FROM PERCONA_SCHEMA.xtrabackup_history WHERE partial = 'N'，将最近一次成功备份的结束时间与当前时间比较。没有任何备份记录时为严重。",
  },
  remediation: {
    en: 'Check the backup job of this instance (scheduler, logs, disk space at the destination) and run a full backup now; if a weekly-full plus daily-incremental scheme is intended, raise the thresholds for this business or instance instead.',
    zh: '检查该实例的备份任务（调度、日志、备份目标磁盘空间），立即补做一次全量备份；如果采用每周全备加每日增量的策略，请在业务或实例级别调大阈值。',
  },
  queries: {
    evidence: {
      sql: [{ since: 0, sql: '' }],
      dynamicSql: (ctx) => ctx.instance.backupEvidenceSql?.trim() || undefined,
      row: z.preprocess(pickEvidence, z.object({ last_backup_end: backupEnd.nullable() })),
    },
  },
  thresholds: {
    schema: z.object({ warnHours: z.number().min(0), critHours: z.number().min(0) }),
    defaults: { warnHours: 26, critHours: 50 },
  },
  applies: ({ instance }) => (instance.backupEvidenceSql?.trim() ? null : NO_BACKUP_EVIDENCE),
  evaluate({ evidence }, ctx) {
    const ends = evidence.map((r) => r.last_backup_end).filter((d): d is Date => d !== null);
    if (ends.length === 0) {
      return [
        {
          severity: 'critical',
          object: ctx.instance.name,
          message: {
            en: 'the backup evidence query found no successful backup',
            zh: '备份证据查询未找到任何成功的备份',
          },
        },
      ];
    }
    const last = new Date(Math.max(...ends.map((d) => d.getTime())));
    const hours = Math.round(((ctx.now.getTime() - last.getTime()) / HOUR) * 10) / 10;
    const graded = grade(
      hours,
      { warn: ctx.thresholds.warnHours, crit: ctx.thresholds.critHours },
      { inclusive: false },
    );
    if (!graded) return [];
    const limit = thresholdText(graded.limit, UNITS.hours);
    return [
      {
        severity: graded.severity,
        object: ctx.instance.name,
        message: {
          en: `last successful backup ended ${last.toISOString()}, ${hours} h ago (${limit.en})`,
          zh: `最近一次成功备份结束于 ${last.toISOString()}，距今 ${hours} 小时（${limit.zh}）`,
        },
        value: hours,
        threshold: graded.limit,
      },
    ];
  },
});
