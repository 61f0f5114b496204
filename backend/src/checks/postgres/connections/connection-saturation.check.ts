import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';

const totalsSql = (
  reserved: string,
) => `SELECT count(*) FILTER (WHERE backend_type = 'client backend') AS client_backends,
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS superuser_reserved_connections,
  ${reserved} AS reserved_connections
FROM pg_stat_activity`;

export const postgresConnectionSaturation = defineCheck({
  id: 'postgres.connection-saturation',
  catalogRef: 'PG-D05',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'connections',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Connection saturation', zh: '连接数饱和' },
  description: {
    en: 'Client backends compared with the connections ordinary users may open: max_connections minus superuser_reserved_connections (and reserved_connections on PostgreSQL 16+). Near the limit, new application connections fail with "too many clients".',
    zh: '将客户端后端进程数与普通用户可用的连接数比较：max_connections 减去 superuser_reserved_connections（PostgreSQL 16 及以上再减去 reserved_connections）。接近上限时，应用新建连接会报 "too many clients" 而失败。',
  },
  remediation: {
    en: 'See which databases and users hold the connections (evidence), look for connection leaks and sessions idle for a long time, and put a pooler (PgBouncer, pgcat) in front of the applications; raise max_connections only with memory headroom (it needs a restart).',
    zh: '查看占用连接的数据库和用户（见证据），排查连接泄漏和长时间空闲的会话，在应用前部署连接池（PgBouncer、pgcat）；仅在内存充足时调大 max_connections（需要重启）。',
  },
  queries: {
    totals: {
      sql: [
        { since: 0, sql: totalsSql('0') },
        { since: 160000, sql: totalsSql(`current_setting('reserved_connections')::int`) },
      ],
      row: z.object({
        client_backends: z.coerce.number(),
        max_connections: z.coerce.number(),
        superuser_reserved_connections: z.coerce.number(),
        reserved_connections: z.coerce.number(),
      }),
    },
    holders: {
      sql: [
        {
          since: 0,
          sql: `SELECT datname, usename, count(*) AS sessions,
  count(*) FILTER (WHERE state = 'idle') AS idle,
  count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_in_transaction
FROM pg_stat_activity WHERE backend_type = 'client backend'
GROUP BY datname, usename ORDER BY sessions DESC, datname, usename LIMIT 20`,
        },
      ],
      row: z.object({
        datname: z.string().nullable(),
        usename: z.string().nullable(),
        sessions: z.coerce.number(),
        idle: z.coerce.number(),
        idle_in_transaction: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ warnPercent: z.number().positive(), critPercent: z.number().positive() }),
    defaults: { warnPercent: 90, critPercent: 95 },
  },
  evaluate({ totals, holders }, ctx) {
    const row = totals[0];
    if (!row) return { skipped: { en: 'pg_stat_activity returned no totals', zh: 'pg_stat_activity 未返回连接总数' } };
    const usable = row.max_connections - row.superuser_reserved_connections - row.reserved_connections;
    if (usable <= 0)
      return {
        skipped: {
          en: `no connections left for ordinary users (max_connections ${row.max_connections})`,
          zh: `普通用户已无可用连接（max_connections ${row.max_connections}）`,
        },
      };
    const pct = (100 * row.client_backends) / usable;
    const g = grade(pct, { warn: ctx.thresholds.warnPercent, crit: ctx.thresholds.critPercent });
    if (!g) return [];
    const reserved = row.reserved_connections ? ` − reserved_connections ${row.reserved_connections}` : '';
    const arithmetic = `max_connections ${row.max_connections} − superuser_reserved_connections ${row.superuser_reserved_connections}${reserved}`;
    const limit = thresholdText(g.limit, UNITS.percent);
    return [
      {
        severity: g.severity,
        object: ctx.instance.name,
        message: {
          en: `${row.client_backends} client connections use ${pct.toFixed(1)} % of the ${usable} available to ordinary users (${arithmetic}; ${limit.en})`,
          zh: `${row.client_backends} 个客户端连接已占普通用户可用的 ${usable} 个连接的 ${pct.toFixed(1)}%（${arithmetic}；${limit.zh}）`,
        },
        value: Math.round(pct * 10) / 10,
        threshold: g.limit,
        evidence: holders.map((h) => ({ ...h })),
      },
    ];
  },
});
