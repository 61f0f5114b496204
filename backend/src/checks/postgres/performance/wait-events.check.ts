import { z } from 'zod';
import { defineCheck } from '../../define-check.js';

/** One burst: samples taken, milliseconds apart (pg_gather takes 1000 × 10 ms; an inspection keeps it short). */
const WAIT_SAMPLES = 100;
const WAIT_INTERVAL_MS = 10;

/**
 * Samples the sessions’ wait events WAIT_SAMPLES times in one statement. pg_stat_get_activity is called with an
 * argument that changes per sample, so it is read again each time, and pg_stat_clear_snapshot() drops the backend
 * status the transaction would otherwise keep. Idle sessions, this session and the background processes’ idle loops
 * (wait_event_type Activity) are left out; a session working without a wait event counts as CPU.
 */
const waitSql = (description: string, join: string) => `WITH burst AS (
  SELECT a.pid, a.backend_type, COALESCE(a.wait_event_type, 'CPU') AS wait_event_type,
    COALESCE(a.wait_event, 'running') AS wait_event
  FROM generate_series(1, ${WAIT_SAMPLES}) AS g(i)
  CROSS JOIN LATERAL (SELECT pg_stat_clear_snapshot(), pg_sleep(${WAIT_INTERVAL_MS / 1000}) WHERE g.i > 0) AS pause
  CROSS JOIN LATERAL pg_stat_get_activity(CASE WHEN g.i > 0 THEN NULL::int END) AS a
  WHERE a.pid <> pg_backend_pid() AND a.state IS DISTINCT FROM 'idle'
    AND a.wait_event_type IS DISTINCT FROM 'Activity'
)
SELECT b.wait_event_type, b.wait_event, count(*)::int AS samples, count(DISTINCT b.pid)::int AS sessions,
  string_agg(DISTINCT b.backend_type, ', ') AS backend_types, ${description} AS description
FROM burst b${join}
GROUP BY b.wait_event_type, b.wait_event
ORDER BY samples DESC, b.wait_event_type, b.wait_event
LIMIT 50`;

export const postgresWaitEvents = defineCheck({
  id: 'postgres.wait-events',
  catalogRef: 'PG-A06',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'performance',
  tier: 'annual',
  window: 'state',
  scope: 'instance',
  title: { en: 'Wait-event profile', zh: '等待事件分布' },
  description: {
    en: `What the sessions were waiting on during a short burst at inspection time: pg_stat_activity’s wait_event_type and wait_event sampled ${WAIT_SAMPLES} times ${WAIT_INTERVAL_MS} ms apart in one statement (about one second), idle sessions and background processes’ idle loops left out, a session working without a wait event counted as CPU. The top waits (at most maxEvents) are reported for information with the average number of sessions in each, and on PostgreSQL 17+ the server’s description (pg_wait_events). A one-second burst shows the load of that second, not of the window.`,
    zh: `在巡检时的一个短时间窗内采样会话的等待：在一条语句中每隔 ${WAIT_INTERVAL_MS} 毫秒读取一次 pg_stat_activity 的 wait_event_type 与 wait_event，共 ${WAIT_SAMPLES} 次（约 1 秒），不计空闲会话和后台进程的空闲循环，无等待事件的工作会话计为 CPU。以提示形式报告最多 maxEvents 个主要等待及其平均会话数，PostgreSQL 17 及以上附带服务器给出的说明（pg_wait_events）。1 秒的采样只反映该时刻的负载，不代表整个窗口。`,
  },
  remediation: {
    en: 'Read the top waits: Lock (blocking transactions: find the blockers, shorten transactions), LWLock (contention inside the server: buffer mapping, WAL insert, lock manager), IO (DataFileRead: working set larger than shared_buffers and the page cache; WALSync: slow storage), Client (the application is slow to read or send), CPU (queries doing work: see PG-A01). For a representative picture, sample repeatedly under load (pg_gather, pg_wait_sampling).',
    zh: '按主要等待分析：Lock（事务阻塞：找出阻塞者、缩短事务）、LWLock（服务器内部争用：缓冲区映射、WAL 插入、锁管理器）、IO（DataFileRead：工作集大于 shared_buffers 与页缓存；WALSync：存储慢）、Client（应用读取或发送慢）、CPU（查询在执行计算：参见 PG-A01）。如需有代表性的结论，请在负载下多次采样（pg_gather、pg_wait_sampling）。',
  },
  queries: {
    main: {
      sql: [
        { since: 0, sql: waitSql('NULL::text', '') },
        {
          since: 170000,
          sql: waitSql(
            'max(e.description)',
            '\nLEFT JOIN pg_wait_events e ON e.type = b.wait_event_type AND e.name = b.wait_event',
          ),
        },
      ],
      row: z.object({
        wait_event_type: z.string(),
        wait_event: z.string(),
        samples: z.coerce.number(),
        sessions: z.coerce.number(),
        backend_types: z.string().nullable(),
        description: z.string().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      /** Waits reported. */
      maxEvents: z.number().int().positive().max(20),
    }),
    defaults: { maxEvents: 10 },
  },
  evaluate({ main }, ctx) {
    if (!main.length) return [];
    const top = main.slice(0, ctx.thresholds.maxEvents);
    const total = main.reduce((sum, r) => sum + r.samples, 0);
    const avg = (samples: number) => (samples / WAIT_SAMPLES).toFixed(2);
    const list = top.map((r) => `${r.wait_event_type}:${r.wait_event} ${avg(r.samples)}`).join(', ');
    const seconds = (WAIT_SAMPLES * WAIT_INTERVAL_MS) / 1000;
    return [
      {
        severity: 'info',
        object: 'pg_stat_activity',
        message: {
          en: `Average sessions per wait over a ${seconds} s burst at ${ctx.now.toISOString()} (${WAIT_SAMPLES} samples × ${WAIT_INTERVAL_MS} ms; ${avg(total)} non-idle sessions on average): ${list}. A short burst, not the window's load`,
          zh: `${ctx.now.toISOString()} 起 ${seconds} 秒短时采样（${WAIT_SAMPLES} 次 × ${WAIT_INTERVAL_MS} 毫秒；平均 ${avg(total)} 个非空闲会话）中各等待的平均会话数：${list}。仅为短时采样，不代表窗口内的负载`,
        },
        value: Number(avg(total)),
        evidence: top.map((r) => ({
          wait_event_type: r.wait_event_type,
          wait_event: r.wait_event,
          samples: r.samples,
          avg_sessions: Number(avg(r.samples)),
          sessions: r.sessions,
          backend_types: r.backend_types,
          ...(r.description ? { description: r.description } : {}),
        })),
      },
    ];
  },
});
