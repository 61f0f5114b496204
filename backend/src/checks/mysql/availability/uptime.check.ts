import { z } from 'zod';
import { defineCheck } from '../../define-check.js';

export const mysqlUptime = defineCheck({
  id: 'mysql.availability',
  catalogRef: 'MY-D01',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'availability',
  tier: 'daily',
  window: 'events',
  scope: 'instance',
  availability: true,
  title: { en: 'Instance reachable, not restarted', zh: '实例可连接且未重启' },
  description: {
    en: 'Connects to the server and reports a restart within the sampling window (uptime shorter than the window).',
    zh: '连接实例，并检查采样窗口内是否发生过重启（运行时长短于窗口）。',
  },
  remediation: {
    en: 'Find why the server restarted in the error log (crash, OOM killer, maintenance) and make sure replicas and applications recovered.',
    zh: '在错误日志中查明重启原因（崩溃、OOM、维护），并确认复制与应用已恢复。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT VARIABLE_VALUE AS uptime FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'`,
        },
        {
          since: 50700,
          flavors: ['mysql'],
          sql: `SELECT VARIABLE_VALUE AS uptime FROM performance_schema.global_status WHERE VARIABLE_NAME = 'Uptime'`,
        },
      ],
      row: z.object({ uptime: z.coerce.number() }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }, ctx) {
    const uptime = main[0]?.uptime;
    if (uptime === undefined) return { skipped: { en: 'the server did not report Uptime', zh: '实例未返回 Uptime' } };
    const windowSeconds = (ctx.window.to.getTime() - ctx.window.from.getTime()) / 1000;
    if (uptime >= windowSeconds) return [];
    const since = new Date(ctx.now.getTime() - uptime * 1000).toISOString();
    return [
      {
        severity: 'warning',
        object: ctx.instance.name,
        message: {
          en: `restarted within the window: up ${Math.round(uptime)} s, since ${since}`,
          zh: `窗口内发生过重启：已运行 ${Math.round(uptime)} 秒，启动于 ${since}`,
        },
        value: Math.round(uptime),
        threshold: Math.round(windowSeconds),
      },
    ];
  },
});
