import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { globalStatusSql, sinceServerStart, StatusValues, statusRow } from './global-status.js';

const CONNECTION_ERRORS = ['accept', 'internal', 'max_connections', 'peer_address', 'select', 'tcpwrap'].map(
  (e) => `Connection_errors_${e}`,
);

export const mysqlAbortedConnections = defineCheck({
  id: 'mysql.aborted-connections',
  catalogRef: 'MY-D06',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'connections',
  tier: 'daily',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Failed connection attempts', zh: '连接失败比例' },
  description: {
    en: 'Share of connection attempts that failed (Aborted_connects / Connections: wrong passwords, missing privileges, handshake timeouts), with the Connection_errors_* breakdown. Until snapshots exist the counters are those since the server started, and the report says so.',
    zh: '连接尝试中失败的比例（Aborted_connects / Connections：密码错误、权限不足、握手超时等），并列出 Connection_errors_* 明细。在有快照数据之前，计数为实例启动以来的累计值，报告中会注明。',
  },
  remediation: {
    en: 'Look for the failing clients in the error log (log_warnings ≥ 2 on MariaDB, log_error_verbosity = 3 on MySQL): wrong credentials after a password change, scanners, connect_timeout too short for slow networks. Block unknown sources and fix application credentials.',
    zh: '在错误日志中查找失败的客户端（MariaDB 设置 log_warnings ≥ 2，MySQL 设置 log_error_verbosity = 3）：改密后仍用旧密码的应用、扫描器、网络较慢而 connect_timeout 过短等。封禁未知来源，修正应用账号配置。',
  },
  queries: {
    status: {
      sql: globalStatusSql(['Aborted_connects', 'Aborted_clients', 'Connections', 'Uptime', ...CONNECTION_ERRORS]),
      row: statusRow,
    },
  },
  thresholds: { schema: z.object({ warnPercent: z.number().min(0) }), defaults: { warnPercent: 3 } },
  evaluate({ status }, ctx) {
    const s = new StatusValues(status);
    const aborted = s.number('Aborted_connects');
    const connections = s.number('Connections');
    if (aborted === undefined || connections === undefined)
      return { skipped: 'the server did not report Aborted_connects and Connections' };
    if (connections === 0) return [];
    const pct = (aborted / connections) * 100;
    if (pct <= ctx.thresholds.warnPercent) return [];
    const errors = Object.fromEntries(CONNECTION_ERRORS.map((n) => [n, s.number(n) ?? 0]));
    const notable = Object.entries(errors).filter(([, v]) => v > 0);
    const since = sinceServerStart(ctx.now, ctx.window, s.number('Uptime') ?? ctx.server.uptimeSeconds);
    return [
      {
        severity: 'warning',
        object: ctx.instance.name,
        message:
          `${aborted} of ${connections} connection attempts failed (${pct.toFixed(2)} %) ${since}; threshold ${ctx.thresholds.warnPercent} %` +
          (notable.length ? `; ${notable.map(([n, v]) => `${n} = ${v}`).join(', ')}` : ''),
        value: Math.round(pct * 100) / 100,
        threshold: ctx.thresholds.warnPercent,
        evidence: [
          {
            Aborted_connects: aborted,
            Connections: connections,
            Aborted_clients: s.number('Aborted_clients') ?? 0,
            ...errors,
          },
        ],
      },
    ];
  },
});
