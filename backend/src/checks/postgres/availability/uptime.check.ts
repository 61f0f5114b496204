import { z } from 'zod';
import { defineCheck } from '../../define-check.js';

export const postgresUptime = defineCheck({
  id: 'postgres.availability',
  catalogRef: 'PG-D01',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'availability',
  tier: 'daily',
  window: 'events',
  scope: 'instance',
  availability: true,
  title: { en: 'Instance reachable, not restarted', zh: '实例可连接且未重启' },
  description: {
    en: 'Connects to the cluster and reports a postmaster start within the sampling window.',
    zh: '连接集群，并检查采样窗口内 postmaster 是否重新启动过。',
  },
  remediation: {
    en: 'Read the server log around the start time (crash, OOM killer, failover, maintenance) and confirm standbys and applications reconnected.',
    zh: '查看启动时间前后的服务器日志（崩溃、OOM、切换、维护），确认备库与应用已重新连接。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT pg_postmaster_start_time() AS started_at, extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS uptime`,
        },
      ],
      row: z.object({ started_at: z.coerce.date(), uptime: z.coerce.number() }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }, ctx) {
    const row = main[0];
    if (!row) return { skipped: { en: 'the server did not report its start time', zh: '服务器未返回其启动时间' } };
    if (row.started_at.getTime() < ctx.window.from.getTime()) return [];
    return [
      {
        severity: 'warning',
        object: ctx.instance.name,
        message: {
          en: `restarted within the window, at ${row.started_at.toISOString()} (up ${Math.round(row.uptime)} s)`,
          zh: `采样窗口内发生过重启，启动于 ${row.started_at.toISOString()}（已运行 ${Math.round(row.uptime)} 秒）`,
        },
        value: Math.round(row.uptime),
        threshold: ctx.window.from.toISOString(),
      },
    ];
  },
});
