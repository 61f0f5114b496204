import { z } from 'zod';
import type { FindingDraft, Severity, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';

const thresholdsSchema = z.object({
  warnIdleSeconds: z.number().nonnegative(),
  critTransactionSeconds: z.number().nonnegative(),
  /** age(backend_xmin): how many transactions the session's snapshot keeps VACUUM from cleaning up after. */
  warnSnapshotAgeCount: z.number().nonnegative(),
  critSnapshotAgeCount: z.number().nonnegative(),
});

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const EXCLUSIVE = { inclusive: false } as const;

export const postgresLongTransactions = defineCheck({
  id: 'postgres.long-transactions',
  catalogRef: 'PG-D06',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'transactions',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: {
    en: 'Long transactions, idle-in-transaction sessions, old snapshots',
    zh: '长事务、事务中空闲的会话与过旧快照',
  },
  description: {
    en: 'Client sessions whose transaction has been open too long, that sit idle inside an open transaction, or whose snapshot (backend_xmin) is many transactions old. They hold locks, keep VACUUM from removing dead rows across the whole cluster and let tables and indexes bloat.',
    zh: '事务持续时间过长、在未结束的事务中空闲、或快照（backend_xmin）落后很多事务的客户端会话。这类会话持有锁，使整个集群的 VACUUM 无法清理死元组，导致表和索引膨胀。',
  },
  remediation: {
    en: 'Ask the owner of the session (application_name, client address in the evidence) to commit or roll back; fix the code path that leaves transactions open (missing commit, user think-time inside a transaction). If it must go: SELECT pg_terminate_backend(<pid>). Set idle_in_transaction_session_timeout for application roles.',
    zh: '联系会话所属的应用（见证据中的 application_name 和客户端地址）提交或回滚；修复让事务长时间不结束的代码路径（遗漏提交、在事务中等待用户操作）。必须中断时执行 SELECT pg_terminate_backend(<pid>)。为应用角色设置 idle_in_transaction_session_timeout。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT pid, usename, datname, application_name, host(client_addr) AS client_addr, state,
  extract(epoch FROM now() - xact_start)::float8 AS xact_seconds,
  extract(epoch FROM now() - state_change)::float8 AS state_seconds,
  age(backend_xmin) AS snapshot_age,
  left(query, 200) AS query
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
  AND (xact_start IS NOT NULL OR backend_xmin IS NOT NULL)
ORDER BY xact_start NULLS LAST, pid
LIMIT 500`,
        },
      ],
      row: z.object({
        pid: z.coerce.number(),
        usename: z.string().nullable(),
        datname: z.string().nullable(),
        application_name: z.string().nullable(),
        client_addr: z.string().nullable(),
        state: z.string().nullable(),
        xact_seconds: z.coerce.number().nullable(),
        state_seconds: z.coerce.number().nullable(),
        snapshot_age: z.coerce.number().nullable(),
        query: z.string().nullable(),
      }),
    },
  },
  thresholds: {
    schema: thresholdsSchema,
    defaults: {
      warnIdleSeconds: 300,
      critTransactionSeconds: 3600,
      warnSnapshotAgeCount: 10_000,
      critSnapshotAgeCount: 100_000,
    },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const s of main) {
      const reasons: { severity: Severity; text: Texts; value: number; threshold: number }[] = [];
      const idleInTx = s.state?.startsWith('idle in transaction') ?? false;
      const open =
        s.xact_seconds === null ? null : grade(s.xact_seconds, { crit: t.critTransactionSeconds }, EXCLUSIVE);
      if (s.xact_seconds !== null && open) {
        const limit = thresholdText(open.limit, UNITS.seconds);
        reasons.push({
          severity: open.severity,
          text: {
            en: `transaction open for ${Math.round(s.xact_seconds)} s (${limit.en})`,
            zh: `事务已持续 ${Math.round(s.xact_seconds)} 秒（${limit.zh}）`,
          },
          value: Math.round(s.xact_seconds),
          threshold: open.limit,
        });
      }
      const idle =
        idleInTx && s.state_seconds !== null ? grade(s.state_seconds, { warn: t.warnIdleSeconds }, EXCLUSIVE) : null;
      if (s.state_seconds !== null && idle) {
        const limit = thresholdText(idle.limit, UNITS.seconds);
        reasons.push({
          severity: idle.severity,
          text: {
            en: `${s.state} for ${Math.round(s.state_seconds)} s (${limit.en})`,
            zh: `处于 ${s.state} 状态已 ${Math.round(s.state_seconds)} 秒（${limit.zh}）`,
          },
          value: Math.round(s.state_seconds),
          threshold: idle.limit,
        });
      }
      const snapshot =
        s.snapshot_age === null
          ? null
          : grade(s.snapshot_age, { warn: t.warnSnapshotAgeCount, crit: t.critSnapshotAgeCount }, EXCLUSIVE);
      if (s.snapshot_age !== null && snapshot) {
        const limit = thresholdText(snapshot.limit);
        reasons.push({
          severity: snapshot.severity,
          text: {
            en: `snapshot is ${s.snapshot_age} transactions old (${limit.en})`,
            zh: `快照已落后 ${s.snapshot_age} 个事务（${limit.zh}）`,
          },
          value: s.snapshot_age,
          threshold: snapshot.limit,
        });
      }
      if (reasons.length === 0) continue;
      const worst = reasons.reduce((w, r) => (rank[r.severity] > rank[w.severity] ? r : w));
      const context = [
        s.state ? { en: `state ${s.state}`, zh: `状态 ${s.state}` } : null,
        s.xact_seconds !== null
          ? { en: `transaction ${Math.round(s.xact_seconds)} s`, zh: `事务 ${Math.round(s.xact_seconds)} 秒` }
          : null,
        s.application_name ? { en: `application ${s.application_name}`, zh: `应用 ${s.application_name}` } : null,
        s.client_addr ? { en: `from ${s.client_addr}`, zh: `来自 ${s.client_addr}` } : null,
      ].filter((x): x is Texts => x !== null);
      findings.push({
        severity: worst.severity,
        object: `pid ${s.pid} (${s.usename ?? '?'}@${s.datname ?? '?'})`,
        message: {
          en: `${reasons.map((r) => r.text.en).join('; ')} — ${context.map((c) => c.en).join(', ')}`,
          zh: `${reasons.map((r) => r.text.zh).join('；')}——${context.map((c) => c.zh).join('，')}`,
        },
        value: worst.value,
        threshold: worst.threshold,
        evidence: [{ ...s }],
      });
    }
    return findings;
  },
});
