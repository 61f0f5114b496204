import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { isOn, variablesByName } from '../security/server-variables.js';
import { binlogRetentionSeconds, globalVariablesQuery, noVariables } from './settings.js';

export const mysqlBinlogRetention = defineCheck({
  id: 'mysql.binlog-retention',
  catalogRef: 'MY-M02',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Binary log retention', zh: 'binlog 保留期' },
  description: {
    en: 'Binary logs older than the retention are purged automatically: binlog_expire_logs_seconds (MySQL 8, MariaDB 10.6.1 and later) or expire_logs_days. Less than warnRetentionDays (7, the PMM minimum) leaves too little for point-in-time recovery and lagging replicas; 0 (never purged) lets the logs fill the disk. Both are warnings; without a binary log the check does not apply.',
    zh: '超过保留期的 binlog 会被自动清理：binlog_expire_logs_seconds（MySQL 8、MariaDB 10.6.1 及以上）或 expire_logs_days。保留期少于 warnRetentionDays（7 天，PMM 最低要求）会使按时间点恢复和延迟的从库缺少所需日志；为 0（从不清理）则日志可能占满磁盘。两者均为警告；未开启 binlog 时本检查不适用。',
  },
  remediation: {
    en: 'SET PERSIST binlog_expire_logs_seconds=604800 (MySQL 8) or SET GLOBAL expire_logs_days=7 / binlog_expire_logs_seconds=604800 (MariaDB) and the same in my.cnf; keep at least the span between full backups plus the longest expected replica outage.',
    zh: '执行 SET PERSIST binlog_expire_logs_seconds=604800（MySQL 8）或 SET GLOBAL expire_logs_days=7 / binlog_expire_logs_seconds=604800（MariaDB），并写入 my.cnf；保留期至少覆盖两次全量备份的间隔加上从库可能的最长中断时间。',
  },
  queries: { variables: globalVariablesQuery(['log_bin', 'binlog_expire_logs_seconds', 'expire_logs_days']) },
  thresholds: {
    schema: z.object({ warnRetentionDays: z.number().positive() }),
    defaults: { warnRetentionDays: 7 },
  },
  evaluate({ variables }, ctx) {
    if (variables.length === 0) return { skipped: noVariables };
    const vars = variablesByName(variables);
    if (!isOn(vars.get('log_bin')))
      return { skipped: { en: 'the binary log is off (log_bin=OFF)', zh: '未开启 binlog（log_bin=OFF）' } };
    const r = binlogRetentionSeconds(vars);
    if (r === null)
      return {
        skipped: {
          en: 'neither binlog_expire_logs_seconds nor expire_logs_days is reported',
          zh: '实例未返回 binlog_expire_logs_seconds 或 expire_logs_days',
        },
      };
    const limit = ctx.thresholds.warnRetentionDays;
    if (r.seconds === 0)
      return [
        {
          severity: 'warning',
          object: 'binlog retention',
          message: {
            en: `${r.source}: binary logs are never purged automatically and can fill the disk`,
            zh: `${r.source}：binlog 从不自动清理，可能占满磁盘`,
          },
        },
      ];
    const days = r.seconds / 86_400;
    if (days < limit)
      return [
        {
          severity: 'warning',
          object: 'binlog retention',
          message: {
            en: `${r.source}: binary logs are kept ${+days.toFixed(2)} days, less than ${limit} days`,
            zh: `${r.source}：binlog 只保留 ${+days.toFixed(2)} 天，少于 ${limit} 天`,
          },
        },
      ];
    return [];
  },
});
