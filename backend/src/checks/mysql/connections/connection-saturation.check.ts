import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { globalStatusSql, sinceServerStart, StatusValues, statusRow } from './global-status.js';

const round1 = (n: number) => Math.round(n * 10) / 10;

export const mysqlConnectionSaturation = defineCheck({
  id: 'mysql.connection-saturation',
  catalogRef: 'MY-D05',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'connections',
  tier: 'daily',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Connection saturation', zh: '连接数饱和' },
  description: {
    en: 'Peak (Max_used_connections) and current (Threads_connected) connections against max_connections. Until snapshots exist the peak is the one since the server started, and the report says so.',
    zh: '将峰值连接数（Max_used_connections）和当前连接数（Threads_connected）与 max_connections 比较。在有快照数据之前，峰值为实例启动以来的峰值，报告中会注明。',
  },
  remediation: {
    en: 'Find who holds the connections (SHOW PROCESSLIST grouped by user and host, idle Sleep sessions), fix connection leaks and pool sizes in the applications, then raise max_connections only if memory allows (per-thread buffers × connections).',
    zh: '查明连接来源（按用户、主机汇总 SHOW PROCESSLIST，关注空闲 Sleep 会话），修复应用的连接泄漏、调整连接池大小；内存允许时（每线程缓冲 × 连接数）再适当调大 max_connections。',
  },
  queries: {
    status: {
      sql: globalStatusSql([
        'Max_used_connections',
        'Max_used_connections_time',
        'Threads_connected',
        'Connection_errors_max_connections',
        'Uptime',
      ]),
      row: statusRow,
    },
    settings: {
      sql: [{ since: 0, sql: 'SELECT @@max_connections AS max_connections' }],
      row: z.object({ max_connections: z.coerce.number() }),
    },
  },
  thresholds: {
    schema: z.object({ warnPercent: z.number().min(0), critPercent: z.number().min(0) }),
    defaults: { warnPercent: 80, critPercent: 90 },
  },
  evaluate({ status, settings }, ctx) {
    const max = settings[0]?.max_connections;
    const s = new StatusValues(status);
    const peak = s.number('Max_used_connections');
    const connected = s.number('Threads_connected');
    if (!max || peak === undefined || connected === undefined) {
      return {
        skipped: {
          en: 'the server did not report max_connections, Max_used_connections and Threads_connected',
          zh: '实例未返回 max_connections、Max_used_connections 和 Threads_connected',
        },
      };
    }
    const peakPct = (peak / max) * 100;
    const nowPct = (connected / max) * 100;
    const worst = Math.max(peakPct, nowPct);
    const graded = grade(
      worst,
      { warn: ctx.thresholds.warnPercent, crit: ctx.thresholds.critPercent },
      { inclusive: false },
    );
    if (!graded) return [];
    const limit = thresholdText(graded.limit, UNITS.percent);
    const since = sinceServerStart(ctx.now, ctx.window, s.number('Uptime') ?? ctx.server.uptimeSeconds);
    const peakAt = s.text('Max_used_connections_time');
    const refused = s.number('Connection_errors_max_connections') ?? 0;
    return [
      {
        severity: graded.severity,
        object: 'max_connections',
        message: {
          en:
            `connections peaked at ${peak} of max_connections ${max} (${round1(peakPct)} %)${peakAt ? ` at ${peakAt} server time` : ''} ${since.en}; ` +
            `${connected} connected now (${round1(nowPct)} %); ${limit.en}` +
            (refused > 0 ? `; ${refused} connection attempts were refused because max_connections was reached` : ''),
          zh:
            `连接数峰值 ${peak}，max_connections 为 ${max}（${round1(peakPct)}%）${peakAt ? `，出现于服务器时间 ${peakAt}` : ''}，统计区间：${since.zh}；` +
            `当前连接 ${connected}（${round1(nowPct)}%）；${limit.zh}` +
            (refused > 0 ? `；已有 ${refused} 次连接因达到 max_connections 被拒绝` : ''),
        },
        value: round1(worst),
        threshold: graded.limit,
        evidence: [
          {
            max_connections: max,
            max_used_connections: peak,
            threads_connected: connected,
            connection_errors_max_connections: refused,
          },
        ],
      },
    ];
  },
});
