import { z } from 'zod';
import type { ServerFacts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { variablesByName } from '../security/server-variables.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countStatusWindow, round } from '../performance/counter-window.js';
import { bytesOf } from './variable-bytes.js';
import { globalVariablesQuery } from './settings.js';

/**
 * The redo log's capacity and how it was derived: innodb_redo_log_capacity on MySQL ≥ 8.0.30, one file of
 * innodb_log_file_size on MariaDB ≥ 10.5, else innodb_log_file_size × innodb_log_files_in_group.
 */
function redoCapacity(
  vars: Map<string, string | null>,
  server: Pick<ServerFacts, 'flavor' | 'versionNum'>,
): { bytes: number; source: string } | null {
  const capacity = bytesOf(vars, 'innodb_redo_log_capacity');
  if (server.flavor === 'mysql' && server.versionNum >= 80030 && capacity !== undefined)
    return { bytes: capacity, source: `innodb_redo_log_capacity=${capacity}` };
  const file = bytesOf(vars, 'innodb_log_file_size');
  if (file === undefined) return null;
  if (server.flavor === 'mariadb' && server.versionNum >= 100500)
    return { bytes: file, source: `innodb_log_file_size=${file}` };
  const files = bytesOf(vars, 'innodb_log_files_in_group') ?? 1;
  return {
    bytes: file * files,
    source: `innodb_log_file_size=${file} × innodb_log_files_in_group=${vars.get('innodb_log_files_in_group') ?? '1'}`,
  };
}

export const mysqlRedoLogSizing = defineCheck({
  id: 'mysql.redo-log-sizing',
  catalogRef: 'MY-M04',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Redo log under-sized', zh: 'redo 日志容量不足' },
  description: {
    en: 'The redo log capacity (innodb_redo_log_capacity on MySQL 8.0.30 and later; one innodb_log_file_size file on MariaDB 10.5 and later; else innodb_log_file_size × innodb_log_files_in_group) compared with the redo written per hour (Innodb_os_log_written). Less than warnHours (1 h) of writes forces frequent aggressive checkpoints and flushing stalls. The bytes written are the growth since the stored snapshot at the window start; without one, the total since the server started, which the report says.',
    zh: '将 redo 日志容量（MySQL 8.0.30 及以上为 innodb_redo_log_capacity；MariaDB 10.5 及以上为单个 innodb_log_file_size 文件；其他为 innodb_log_file_size × innodb_log_files_in_group）与每小时写入的 redo 量（Innodb_os_log_written）比较。容量少于 warnHours（1 小时）的写入量时，会频繁触发激进检查点并造成刷盘停顿。写入量取自窗口起点处快照以来的增量；没有快照时为实例启动以来的累计值，报告中会注明。',
  },
  remediation: {
    en: 'Size the redo log to hold at least an hour of writes at peak: SET PERSIST innodb_redo_log_capacity (MySQL ≥ 8.0.30, online), or innodb_log_file_size in my.cnf (MariaDB ≥ 10.5: SET GLOBAL innodb_log_file_size is online from 10.9; older versions and MySQL < 8.0.30 need a restart).',
    zh: '让 redo 日志至少容纳高峰期一小时的写入量：执行 SET PERSIST innodb_redo_log_capacity（MySQL ≥ 8.0.30，可在线修改），或在 my.cnf 中调整 innodb_log_file_size（MariaDB 10.9 起可在线执行 SET GLOBAL innodb_log_file_size；更早版本及 MySQL < 8.0.30 需重启）。',
  },
  queries: {
    variables: globalVariablesQuery(['innodb_redo_log_capacity', 'innodb_log_file_size', 'innodb_log_files_in_group']),
    status: { sql: globalStatusSql(['Innodb_os_log_written', 'Uptime']), row: statusRow },
  },
  thresholds: {
    schema: z.object({ warnHours: z.number().positive(), minPeriodMinutes: z.number().min(0) }),
    defaults: { warnHours: 1, minPeriodMinutes: 10 },
  },
  evaluate({ variables, status }, ctx) {
    const cap = redoCapacity(variablesByName(variables), ctx.server);
    if (!cap)
      return {
        skipped: {
          en: 'the server reported neither innodb_redo_log_capacity nor innodb_log_file_size',
          zh: '实例未返回 innodb_redo_log_capacity 或 innodb_log_file_size',
        },
      };
    const s = new StatusValues(status);
    if (s.number('Innodb_os_log_written') === undefined)
      return {
        skipped: { en: 'the server did not report Innodb_os_log_written', zh: '实例未返回 Innodb_os_log_written' },
      };
    const p = countStatusWindow(['Innodb_os_log_written'] as const, s, ctx);
    const seconds = Math.max(0, p.spanMs / 1000);
    const minutes = seconds / 60;
    if (minutes < ctx.thresholds.minPeriodMinutes)
      return {
        skipped: {
          en: `the counted period (${p.period.en}) lasts ${minutes.toFixed(1)} min, less than minPeriodMinutes = ${ctx.thresholds.minPeriodMinutes}`,
          zh: `统计区间（${p.period.zh}）只有 ${minutes.toFixed(1)} 分钟，少于 minPeriodMinutes = ${ctx.thresholds.minPeriodMinutes}`,
        },
      };
    const written = p.counted.Innodb_os_log_written ?? 0;
    if (written <= 0 || seconds <= 0) return [];
    const perHour = (written / seconds) * 3600;
    const hours = cap.bytes / perHour;
    const graded = grade(hours, { warn: ctx.thresholds.warnHours }, { direction: 'below', inclusive: false });
    if (!graded) return [];
    const limit = thresholdText(graded.limit, UNITS.hours);
    const h = hours < 0.1 ? hours.toFixed(3) : hours.toFixed(2);
    return [
      {
        severity: graded.severity,
        object: 'redo log',
        message: {
          en: `the redo log holds ${h} h of writes: capacity ${formatBytes(cap.bytes)} (${cap.source}), ${formatBytes(perHour)} written per hour (${formatBytes(written)} ${p.period.en}); ${limit.en}`,
          zh: `redo 日志只能容纳 ${h} 小时的写入量：容量 ${formatBytes(cap.bytes)}（${cap.source}），每小时写入 ${formatBytes(perHour)}（统计区间：${p.period.zh}，共 ${formatBytes(written)}）；${limit.zh}`,
        },
        value: hours < 0.1 ? round(hours, 3) : round(hours),
        threshold: graded.limit,
        evidence: [
          {
            capacity_bytes: cap.bytes,
            capacity_source: cap.source,
            written_bytes: written,
            period_seconds: Math.round(seconds),
            bytes_per_hour: Math.round(perHour),
          },
          ...p.evidence,
        ],
      },
    ];
  },
});
