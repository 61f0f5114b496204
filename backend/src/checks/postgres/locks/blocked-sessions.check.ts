import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';

/** `waitStart` is when the session started waiting (PostgreSQL 14+ pg_locks.waitstart, else its statement's start). */
const blockedSql = (
  waitStart: string,
  join: string,
) => `SELECT a.pid, a.usename, a.datname, a.application_name, host(a.client_addr) AS client_addr,
  a.state, a.wait_event_type, a.wait_event,
  extract(epoch FROM now() - ${waitStart})::float8 AS wait_seconds,
  b.blocking_pids, left(a.query, 200) AS query,
  (SELECT json_agg(json_build_object('pid', x.pid, 'usename', x.usename, 'datname', x.datname, 'state', x.state,
      'xact_seconds', round(extract(epoch FROM now() - x.xact_start)::numeric, 1), 'query', left(x.query, 200)) ORDER BY x.pid)
   FROM pg_stat_activity x WHERE x.pid = ANY (b.blocking_pids)) AS blockers
FROM pg_stat_activity a
CROSS JOIN LATERAL (SELECT pg_blocking_pids(a.pid) AS blocking_pids) b${join}
WHERE a.wait_event_type = 'Lock' AND cardinality(b.blocking_pids) > 0
ORDER BY wait_seconds DESC NULLS LAST, a.pid
LIMIT 500`;

const blocker = z.object({
  pid: z.coerce.number(),
  usename: z.string().nullable(),
  datname: z.string().nullable(),
  state: z.string().nullable(),
  xact_seconds: z.coerce.number().nullable(),
  query: z.string().nullable(),
});
type Blocker = z.infer<typeof blocker>;

const describeBlocker = (pid: number, known: readonly Blocker[]): Texts => {
  if (pid === 0) return { en: 'a prepared transaction', zh: '一个预备事务' };
  const b = known.find((k) => k.pid === pid);
  if (!b) return { en: `pid ${pid}`, zh: `pid ${pid}` };
  const who = `${b.usename ?? '?'}@${b.datname ?? '?'}`;
  const seconds = b.xact_seconds !== null ? Math.round(b.xact_seconds) : null;
  return {
    en: `pid ${pid} (${who}, ${b.state ?? 'unknown state'}${seconds !== null ? `, transaction ${seconds} s` : ''})`,
    zh: `pid ${pid}（${who}，${b.state ?? '状态未知'}${seconds !== null ? `，事务已持续 ${seconds} 秒` : ''}）`,
  };
};

export const postgresBlockedSessions = defineCheck({
  id: 'postgres.blocked-sessions',
  catalogRef: 'PG-D07',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'locks',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Blocked sessions', zh: '被阻塞的会话' },
  description: {
    en: 'Sessions waiting for a heavyweight lock held or requested first by other sessions (pg_blocking_pids), with how long they have waited and who blocks them. A waiting ALTER TABLE also blocks every later query on that table.',
    zh: '正在等待重量级锁、且该锁被其他会话持有或先行请求的会话（pg_blocking_pids），列出已等待时长和阻塞者。排队等待的 ALTER TABLE 还会阻塞之后对该表的所有查询。',
  },
  remediation: {
    en: 'Look at the blocking sessions in the evidence: usually a transaction left open (idle in transaction) or a long statement. Have it commit or roll back, or end it with SELECT pg_terminate_backend(<pid>). Run DDL with a short lock_timeout and retry, so a waiting ALTER cannot stall the application.',
    zh: '查看证据中的阻塞会话：通常是未结束的事务（idle in transaction）或长时间运行的语句。让其提交或回滚，或用 SELECT pg_terminate_backend(<pid>) 结束。执行 DDL 时设置较短的 lock_timeout 并重试，避免排队的 ALTER 拖住应用。',
  },
  queries: {
    main: {
      sql: [
        { since: 0, sql: blockedSql('a.query_start', '') },
        {
          since: 140000,
          sql: blockedSql(
            'COALESCE(w.wait_start, a.query_start)',
            `
LEFT JOIN LATERAL (SELECT min(l.waitstart) AS wait_start FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted) w ON true`,
          ),
        },
      ],
      row: z.object({
        pid: z.coerce.number(),
        usename: z.string().nullable(),
        datname: z.string().nullable(),
        application_name: z.string().nullable(),
        client_addr: z.string().nullable(),
        state: z.string().nullable(),
        wait_event_type: z.string().nullable(),
        wait_event: z.string().nullable(),
        wait_seconds: z.coerce.number().nullable(),
        blocking_pids: z.array(z.coerce.number()),
        query: z.string().nullable(),
        blockers: z.array(blocker).nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ warnSeconds: z.number().nonnegative(), critSeconds: z.number().nonnegative() }),
    defaults: { warnSeconds: 60, critSeconds: 120 },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const s of main) {
      const waited = s.wait_seconds ?? 0;
      const g = grade(waited, { warn: t.warnSeconds, crit: t.critSeconds });
      if (!g) continue;
      const blockers = s.blockers ?? [];
      const by = s.blocking_pids.map((p) => describeBlocker(p, blockers));
      const limit = thresholdText(g.limit, UNITS.seconds);
      findings.push({
        severity: g.severity,
        object: `pid ${s.pid} (${s.usename ?? '?'}@${s.datname ?? '?'})`,
        message: {
          en: `waiting ${Math.round(waited)} s for a ${s.wait_event ?? 'heavyweight'} lock (${limit.en}), blocked by ${by.map((b) => b.en).join(', ')}${s.query ? `: ${s.query}` : ''}`,
          zh: `已等待 ${Math.round(waited)} 秒获取 ${s.wait_event ?? '重量级'} 锁（${limit.zh}），阻塞者：${by.map((b) => b.zh).join('，')}${s.query ? `；语句：${s.query}` : ''}`,
        },
        value: Math.round(waited),
        threshold: g.limit,
        evidence: [
          {
            pid: s.pid,
            usename: s.usename,
            datname: s.datname,
            application_name: s.application_name,
            client_addr: s.client_addr,
            state: s.state,
            wait_event: `${s.wait_event_type ?? ''}/${s.wait_event ?? ''}`,
            blocking_pids: s.blocking_pids,
            query: s.query,
          },
          ...blockers.map((b) => ({ blocker: true, ...b })),
        ],
      });
    }
    return findings;
  },
});
