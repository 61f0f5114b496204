import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { isReadOnlyValue } from '../../../targets/server-facts.js';

export const mysqlBinlogEnabled = defineCheck({
  id: 'mysql.binlog-enabled',
  catalogRef: 'MY-D11',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'backup',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Binary logging is off', zh: '未开启 binlog' },
  description: {
    en: 'Without the binary log (log_bin = OFF) there is no point-in-time recovery after the last full backup, and no replica can be attached. Critical on a primary; on a replica it means the replica cannot take over as a primary with a recovery chain.',
    zh: '未开启 binlog（log_bin = OFF）时，最近一次全量备份之后的数据无法按时间点恢复，也无法挂载从库。主库上为严重；从库上意味着该从库切换为主库后没有可用的恢复链。',
  },
  remediation: {
    en: 'Enable log_bin (with server_id, binlog_format = ROW and a binlog retention) in my.cnf and restart during a maintenance window; then take a new full backup so that the binlog chain starts from it.',
    zh: '在 my.cnf 中开启 log_bin（同时设置 server_id、binlog_format = ROW 和 binlog 保留期），在维护窗口重启实例；随后做一次全量备份，使 binlog 链从该备份开始衔接。',
  },
  queries: {
    settings: {
      sql: [{ since: 0, sql: 'SELECT @@log_bin AS log_bin' }],
      row: z.object({ log_bin: z.union([z.string(), z.number()]).nullable().transform(isReadOnlyValue) }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ settings }, ctx) {
    const s = settings[0];
    if (!s) return { skipped: { en: 'the server did not report @@log_bin', zh: '实例未返回 @@log_bin' } };
    if (s.log_bin) return [];
    const primary = ctx.server.role === 'primary';
    return [
      {
        severity: primary ? 'critical' : 'warning',
        object: 'log_bin',
        message: primary
          ? {
              en: `binary logging is OFF on primary ${ctx.instance.name}: no point-in-time recovery past the last full backup, no replicas`,
              zh: `主库 ${ctx.instance.name} 未开启 binlog：最近一次全量备份之后的数据无法按时间点恢复，也无法挂载从库`,
            }
          : {
              en: `binary logging is OFF on replica ${ctx.instance.name}: it cannot become a primary with a point-in-time recovery chain`,
              zh: `从库 ${ctx.instance.name} 未开启 binlog：切换为主库后没有可用于按时间点恢复的 binlog 链`,
            },
        value: 'OFF',
        threshold: 'ON',
      },
    ];
  },
});
