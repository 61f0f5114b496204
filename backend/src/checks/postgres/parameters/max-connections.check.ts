import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText } from '../../grading.js';
import { byName, NO_SETTINGS, settingsEvidence, settingsQuery } from './pg-settings.js';

const NAMES = ['max_connections', 'superuser_reserved_connections'] as const;

export const postgresMaxConnections = defineCheck({
  id: 'postgres.max-connections',
  catalogRef: 'PG-M04',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'max_connections too high', zh: 'max_connections 过高' },
  description: {
    en: 'Every allowed connection is a process with its own memory (work_mem per sort or hash, catalog caches), and shared structures such as the lock table and snapshots grow with max_connections. Above 300 (PMM rule), a burst of connections can exhaust memory and CPU before the limit stops it; a connection pooler serves the same clients with far fewer backends.',
    zh: '每个允许的连接都是一个拥有独立内存（每次排序或哈希的 work_mem、系统表缓存）的进程，锁表和快照等共享结构也随 max_connections 增长。超过 300（PMM 规则）时，连接突增可能在达到上限之前就耗尽内存和 CPU；连接池可以用少得多的后端进程服务同样的客户端。',
  },
  remediation: {
    en: 'Put a connection pooler (PgBouncer in transaction mode, or the application pool) in front of the server and lower max_connections to what the host can run at once (often a few times the CPU cores); the change needs a restart. Compare with the peak in use (postgres.connection-saturation) first.',
    zh: '在实例前部署连接池（事务模式的 PgBouncer，或应用侧连接池），并将 max_connections 调低到主机能够同时运行的数量（通常为 CPU 核数的数倍）；修改需要重启。调整前先参考实际连接峰值（postgres.connection-saturation）。',
  },
  queries: { settings: settingsQuery(NAMES) },
  thresholds: {
    schema: z.object({ warnCount: z.number().int().positive() }),
    defaults: { warnCount: 300 },
  },
  evaluate({ settings }, ctx) {
    const s = byName(settings);
    const row = s.get('max_connections');
    if (!row || row.setting === null) return { skipped: NO_SETTINGS };
    const value = Number(row.setting);
    const g = grade(value, { warn: ctx.thresholds.warnCount }, { inclusive: false });
    if (!g) return [];
    const limit = thresholdText(g.limit);
    return [
      {
        severity: g.severity,
        object: 'max_connections',
        message: {
          en: `max_connections = ${value} (${limit.en}): every connection is a backend process with its own memory; use a connection pooler and lower it`,
          zh: `max_connections = ${value}（${limit.zh}）：每个连接都是拥有独立内存的后端进程；请使用连接池并调低该值`,
        },
        value,
        threshold: g.limit,
        evidence: settingsEvidence(NAMES.map((n) => s.get(n))),
      },
    ];
  },
});
