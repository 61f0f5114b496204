import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { isOn, variablesByName } from '../security/server-variables.js';
import { globalVariablesQuery, noVariables } from './settings.js';

export const mysqlLoggingSettings = defineCheck({
  id: 'mysql.logging-settings',
  catalogRef: 'MY-M09',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Logging configuration', zh: '日志配置' },
  description: {
    en: 'Warnings when the slow query log is off or long_query_time exceeds warnLongQueryTimeSeconds (10, MySQLTuner), so slow statements go unrecorded, and when the general query log is on (every statement written to disk: I/O, space and exposure of data, PMM). An error log verbosity below warnings (MySQL log_error_verbosity < 2, MariaDB log_warnings = 0) is informational.',
    zh: '以下情况报告警告：慢查询日志关闭，或 long_query_time 超过 warnLongQueryTimeSeconds（10 秒，MySQLTuner），导致慢语句无记录；通用查询日志开启（每条语句都写入磁盘：I/O、空间占用和数据暴露，PMM）。错误日志级别低于警告（MySQL log_error_verbosity < 2，MariaDB log_warnings = 0）为提示。',
  },
  remediation: {
    en: "SET GLOBAL slow_query_log=ON, long_query_time=1 (or the service's own latency goal) and general_log=OFF, and the same in my.cnf; on MySQL log_error_verbosity=2 (or 3), on MariaDB log_warnings=2. Rotate the slow log with logrotate.",
    zh: '执行 SET GLOBAL slow_query_log=ON、long_query_time=1（或按业务的时延目标）、general_log=OFF，并写入 my.cnf；MySQL 设置 log_error_verbosity=2（或 3），MariaDB 设置 log_warnings=2。用 logrotate 轮转慢日志。',
  },
  queries: {
    variables: globalVariablesQuery([
      'slow_query_log',
      'long_query_time',
      'general_log',
      'log_error_verbosity',
      'log_warnings',
    ]),
  },
  thresholds: {
    schema: z.object({ warnLongQueryTimeSeconds: z.number().positive() }),
    defaults: { warnLongQueryTimeSeconds: 10 },
  },
  evaluate({ variables }, ctx) {
    if (variables.length === 0) return { skipped: noVariables };
    const vars = variablesByName(variables);
    const findings: FindingDraft[] = [];
    if (vars.has('slow_query_log') && !isOn(vars.get('slow_query_log')))
      findings.push({
        severity: 'warning',
        object: 'slow_query_log',
        message: {
          en: 'slow_query_log=OFF: slow statements are not recorded',
          zh: 'slow_query_log=OFF：慢语句没有记录',
        },
      });
    const lqt = Number(vars.get('long_query_time'));
    const limit = ctx.thresholds.warnLongQueryTimeSeconds;
    if (vars.has('long_query_time') && Number.isFinite(lqt) && lqt > limit)
      findings.push({
        severity: 'warning',
        object: 'long_query_time',
        message: {
          en: `long_query_time=${lqt} s, more than ${limit} s: only very slow statements reach the slow log`,
          zh: `long_query_time=${lqt} 秒，超过 ${limit} 秒：只有极慢的语句才会写入慢日志`,
        },
      });
    if (isOn(vars.get('general_log')))
      findings.push({
        severity: 'warning',
        object: 'general_log',
        message: {
          en: 'general_log=ON: every statement is written to the general log (I/O, disk space, data in clear text)',
          zh: 'general_log=ON：每条语句都写入通用日志（I/O 开销、磁盘占用、数据以明文保存）',
        },
      });
    const verbosity = vars.get('log_error_verbosity');
    const warnings = vars.get('log_warnings');
    if (verbosity !== undefined && verbosity !== null && Number(verbosity) < 2)
      findings.push({
        severity: 'info',
        object: 'log_error_verbosity',
        message: {
          en: `log_error_verbosity=${verbosity}: warnings are not written to the error log`,
          zh: `log_error_verbosity=${verbosity}：警告不会写入错误日志`,
        },
      });
    else if (verbosity === undefined && warnings !== undefined && warnings !== null && Number(warnings) === 0)
      findings.push({
        severity: 'info',
        object: 'log_warnings',
        message: {
          en: 'log_warnings=0: warnings (aborted connections, replication problems) are not written to the error log',
          zh: 'log_warnings=0：警告（中断的连接、复制问题）不会写入错误日志',
        },
      });
    return findings;
  },
});
