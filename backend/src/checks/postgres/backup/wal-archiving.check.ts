import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText } from '../../grading.js';

const archiverSql = (
  library: string,
) => `SELECT pg_is_in_recovery() AS in_recovery, current_setting('archive_mode') AS archive_mode,
  (SELECT setting FROM pg_settings WHERE name = 'archive_command') AS archive_command,
  ${library} AS archive_library,
  archived_count, last_archived_wal, last_archived_time, failed_count, last_failed_wal, last_failed_time, stats_reset
FROM pg_stat_archiver`;

const iso = (d: Date | null): Texts => (d ? { en: d.toISOString(), zh: d.toISOString() } : { en: 'never', zh: '从未' });

export const postgresWalArchiving = defineCheck({
  id: 'postgres.wal-archiving',
  catalogRef: 'PG-D08',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'backup',
  tier: 'daily',
  window: 'events',
  scope: 'instance',
  title: { en: 'WAL archiving failing', zh: 'WAL 归档失败' },
  description: {
    en: 'Reads pg_stat_archiver: archiving is failing when the last failure is newer than the last success, and failures within the sampling window are reported even if archiving recovered. Also flags archive_mode on without an archive command or library, and a backlog of .ready files in pg_wal/archive_status. Without WAL archiving there is no point-in-time recovery, and pg_wal keeps growing.',
    zh: '读取 pg_stat_archiver：最近一次失败晚于最近一次成功即视为归档正在失败；采样窗口内发生过的失败即使已恢复也会报告。同时检查 archive_mode 开启却未配置 archive_command 或 archive_library 的情况，以及 pg_wal/archive_status 中积压的 .ready 文件。WAL 归档失败意味着无法做时间点恢复，且 pg_wal 会持续增长。',
  },
  remediation: {
    en: "Read the server log for the archive command's error (target full or unreachable, permissions, credentials of the backup tool), fix it and watch failed_count stop growing and the .ready backlog drain. Do not delete files from pg_wal by hand.",
    zh: '在服务器日志中查看归档命令的报错（归档目标已满或不可达、权限、备份工具的凭据），修复后确认 failed_count 不再增长、.ready 积压逐步清空。切勿手工删除 pg_wal 中的文件。',
  },
  queries: {
    archiver: {
      sql: [
        { since: 0, sql: archiverSql(`''::text`) },
        { since: 150000, sql: archiverSql(`(SELECT setting FROM pg_settings WHERE name = 'archive_library')`) },
      ],
      row: z.object({
        in_recovery: z.boolean(),
        archive_mode: z.string(),
        archive_command: z.string().nullable(),
        archive_library: z.string().nullable(),
        archived_count: z.coerce.number(),
        last_archived_wal: z.string().nullable(),
        last_archived_time: z.coerce.date().nullable(),
        failed_count: z.coerce.number(),
        last_failed_wal: z.string().nullable(),
        last_failed_time: z.coerce.date().nullable(),
        stats_reset: z.coerce.date().nullable(),
      }),
    },
    ready: {
      sql: [
        {
          since: 0,
          sql: `SELECT count(*) AS ready_files, min(modification) AS oldest_ready
FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'`,
        },
      ],
      row: z.object({ ready_files: z.coerce.number(), oldest_ready: z.coerce.date().nullable() }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({
      /**
       * Severity of archive_mode = off on a primary: always a finding (no point-in-time recovery); an operator who
       * relies on another recovery path may lower it to info.
       */
      archiveModeOff: z.enum(['info', 'warning']),
      warnReadyFilesCount: z.number().int().positive(),
      critReadyFilesCount: z.number().int().positive(),
    }),
    defaults: { archiveModeOff: 'warning' as const, warnReadyFilesCount: 50, critReadyFilesCount: 500 },
  },
  evaluate({ archiver, ready }, ctx) {
    const a = archiver[0];
    if (!a) return { skipped: { en: 'pg_stat_archiver returned no row', zh: 'pg_stat_archiver 未返回数据' } };
    const t = ctx.thresholds;
    if (a.archive_mode === 'off' && !a.in_recovery) {
      return [
        {
          severity: t.archiveModeOff,
          object: 'archive_mode',
          message: {
            en: 'archive_mode = off on a primary: WAL is not archived, so point-in-time recovery is impossible (restores can only go back to the last base backup)',
            zh: '主库 archive_mode = off：WAL 未归档，无法进行时间点恢复（只能恢复到最近一次基础备份）',
          },
          value: 'off',
          threshold: t.archiveModeOff,
        },
      ];
    }
    if (a.in_recovery && a.archive_mode !== 'always') {
      return {
        skipped: {
          en: `standby with archive_mode = ${a.archive_mode} does not archive (only always does)`,
          zh: `archive_mode = ${a.archive_mode} 的备库不归档（只有 always 才会归档）`,
        },
      };
    }
    const findings: FindingDraft[] = [];
    const evidence = [
      {
        archive_mode: a.archive_mode,
        archived_count: a.archived_count,
        last_archived_wal: a.last_archived_wal,
        last_archived_time: a.last_archived_time?.toISOString() ?? null,
        failed_count: a.failed_count,
        last_failed_wal: a.last_failed_wal,
        last_failed_time: a.last_failed_time?.toISOString() ?? null,
        stats_reset: a.stats_reset?.toISOString() ?? null,
      },
    ];
    if (a.archive_command === '' && (a.archive_library ?? '') === '') {
      findings.push({
        severity: 'warning',
        object: 'archive_command',
        message: {
          en: `archive_mode = ${a.archive_mode} but neither archive_command nor archive_library is set: nothing is archived and WAL segments accumulate in pg_wal`,
          zh: `archive_mode = ${a.archive_mode}，但 archive_command 和 archive_library 均未设置：没有任何 WAL 被归档，WAL 段会在 pg_wal 中不断堆积`,
        },
        evidence,
      });
    }
    const since: Texts = a.stats_reset
      ? {
          en: `failed_count ${a.failed_count} since ${a.stats_reset.toISOString()}`,
          zh: `自 ${a.stats_reset.toISOString()} 起 failed_count 为 ${a.failed_count}`,
        }
      : {
          en: `failed_count ${a.failed_count} since the statistics were initialised`,
          zh: `自统计信息初始化起 failed_count 为 ${a.failed_count}`,
        };
    const segment: Texts = a.last_failed_wal
      ? { en: a.last_failed_wal, zh: a.last_failed_wal }
      : { en: 'unknown segment', zh: '未知段' };
    const failedAt = a.last_failed_time;
    if (failedAt && (!a.last_archived_time || failedAt.getTime() > a.last_archived_time.getTime())) {
      findings.push({
        severity: 'critical',
        object: ctx.instance.name,
        message: {
          en: `WAL archiving is failing: last failure at ${failedAt.toISOString()} (${segment.en}) is newer than the last success (${iso(a.last_archived_time).en}); ${since.en}`,
          zh: `WAL 归档正在失败：最近一次失败在 ${failedAt.toISOString()}（${segment.zh}），晚于最近一次成功（${iso(a.last_archived_time).zh}）；${since.zh}`,
        },
        value: a.failed_count,
        evidence,
      });
    } else if (failedAt && failedAt.getTime() >= ctx.window.from.getTime()) {
      findings.push({
        severity: 'warning',
        object: ctx.instance.name,
        message: {
          en: `WAL archiving failed within the window, last at ${failedAt.toISOString()} (${segment.en}); it has succeeded since, last at ${iso(a.last_archived_time).en}; ${since.en}`,
          zh: `窗口内 WAL 归档失败过，最近一次在 ${failedAt.toISOString()}（${segment.zh}）；此后已恢复成功，最近一次成功在 ${iso(a.last_archived_time).zh}；${since.zh}`,
        },
        value: a.failed_count,
        threshold: ctx.window.from.toISOString(),
        evidence,
      });
    }
    const r = ready[0];
    const g = r ? grade(r.ready_files, { warn: t.warnReadyFilesCount, crit: t.critReadyFilesCount }) : null;
    if (r && g) {
      const limit = thresholdText(g.limit);
      findings.push({
        severity: g.severity,
        object: 'pg_wal/archive_status',
        message: {
          en: `${r.ready_files} WAL segments wait to be archived (.ready files), the oldest since ${iso(r.oldest_ready).en} (${limit.en})`,
          zh: `${r.ready_files} 个 WAL 段等待归档（.ready 文件），最早的始于 ${iso(r.oldest_ready).zh}（${limit.zh}）`,
        },
        value: r.ready_files,
        threshold: g.limit,
        evidence,
      });
    }
    return findings;
  },
});
