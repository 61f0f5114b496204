import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countStatusWindow } from './counter-window.js';

const COUNTERS = ['Innodb_log_waits', 'Innodb_os_log_written'] as const;

export const mysqlLogWaits = defineCheck({
  id: 'mysql.log-waits',
  catalogRef: 'MY-A05',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Redo log buffer waits', zh: '重做日志缓冲等待' },
  description: {
    en: 'Counts the times InnoDB had to wait because the log buffer was too small and had to be flushed first (Δ Innodb_log_waits) over the window, as growth since the stored snapshot at the window start (without one, since the server started; the report says which period). Any wait is a warning naming innodb_log_buffer_size, with the redo written in the period (Δ Innodb_os_log_written).',
    zh: '统计窗口内 InnoDB 因日志缓冲过小、必须先刷盘而等待的次数（Δ Innodb_log_waits），为窗口起点处快照以来的增量（没有快照时为实例启动以来，报告会注明统计区间）。出现任何等待即为警告，并给出 innodb_log_buffer_size 和区间内写入的重做日志量（Δ Innodb_os_log_written）。',
  },
  remediation: {
    en: 'Raise innodb_log_buffer_size (dynamic on MySQL 8.0 and MariaDB 10.11; 64–256 MiB suits large transactions and BLOB writes) and split very large transactions.',
    zh: '调大 innodb_log_buffer_size（MySQL 8.0 与 MariaDB 10.11 可动态修改；大事务和 BLOB 写入较多时 64–256 MiB 较合适），并拆分超大事务。',
  },
  queries: {
    status: { sql: globalStatusSql([...COUNTERS, 'Uptime']), row: statusRow },
    settings: {
      sql: [{ since: 0, sql: 'SELECT @@innodb_log_buffer_size AS innodb_log_buffer_size' }],
      row: z.object({ innodb_log_buffer_size: z.coerce.number() }),
    },
  },
  thresholds: { schema: z.object({ warnCount: z.number().min(0) }), defaults: { warnCount: 0 } },
  evaluate({ status, settings }, ctx) {
    const s = new StatusValues(status);
    if (s.number('Innodb_log_waits') === undefined)
      return {
        skipped: {
          en: 'the server did not report Innodb_log_waits (InnoDB disabled?)',
          zh: '实例未返回 Innodb_log_waits（InnoDB 未启用？）',
        },
      };
    const names = s.number('Innodb_os_log_written') === undefined ? (['Innodb_log_waits'] as const) : COUNTERS;
    const w = countStatusWindow<(typeof COUNTERS)[number]>(names, s, ctx);
    const waits = w.counted.Innodb_log_waits ?? 0;
    const graded = grade(waits, { warn: ctx.thresholds.warnCount }, { inclusive: false });
    if (!graded) return [];
    const size = settings[0]?.innodb_log_buffer_size;
    const written = w.counted.Innodb_os_log_written;
    const sizeText =
      size !== undefined ? `innodb_log_buffer_size = ${size} (${formatBytes(size)})` : 'innodb_log_buffer_size';
    const limit = thresholdText(graded.limit, UNITS.count);
    return [
      {
        severity: graded.severity,
        object: 'innodb_log_buffer_size',
        message: {
          en:
            `${waits} waits for the redo log buffer (Innodb_log_waits) ${w.period.en}; ${limit.en}; ${sizeText}` +
            (written !== undefined ? `; ${formatBytes(written)} of redo written` : ''),
          zh:
            `重做日志缓冲等待 ${waits} 次（Innodb_log_waits），统计区间：${w.period.zh}；${limit.zh}；${sizeText}` +
            (written !== undefined ? `；写入重做日志 ${formatBytes(written)}` : ''),
        },
        value: waits,
        threshold: graded.limit,
        evidence: [...w.evidence, { setting: 'innodb_log_buffer_size', value: size ?? null }],
      },
    ];
  },
});
