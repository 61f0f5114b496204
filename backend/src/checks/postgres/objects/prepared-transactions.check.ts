import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

export const postgresPreparedTransactions = defineCheck({
  id: 'postgres.prepared-transactions',
  catalogRef: 'PG-W11',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Orphaned prepared transactions', zh: '遗留的预备事务' },
  description: {
    en: 'Two-phase-commit transactions left in the prepared state (pg_prepared_xacts) longer than the thresholds. They hold their locks and their xmin across restarts, blocking vacuum and, in the end, forcing wraparound protection; no session owns them, so nothing times them out.',
    zh: '处于预备（prepared）状态超过阈值时间的两阶段提交事务（pg_prepared_xacts）。它们在重启后依然持有锁和 xmin，阻碍 VACUUM，最终可能触发事务回卷保护；这类事务不属于任何会话，不会因超时而结束。',
  },
  remediation: {
    en: 'Ask the transaction manager (XA coordinator, application server) to resolve it; if it is truly orphaned, connect to its database as its owner or a superuser and run COMMIT PREPARED or ROLLBACK PREPARED with its gid. Set max_prepared_transactions = 0 where two-phase commit is not used.',
    zh: '先让事务协调器（XA 协调者、应用服务器）完成处理；确属遗留时，以其属主或超级用户连接到对应数据库，按 gid 执行 COMMIT PREPARED 或 ROLLBACK PREPARED。不使用两阶段提交的实例应将 max_prepared_transactions 设为 0。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT gid, database, owner::text AS owner, transaction::text AS xid, prepared,
  extract(epoch FROM now() - prepared)::float8 AS age_seconds
FROM pg_prepared_xacts
ORDER BY prepared
LIMIT 500`,
        },
      ],
      row: z.object({
        gid: z.string(),
        database: z.string(),
        owner: z.string(),
        xid: z.string(),
        prepared: z.coerce.date(),
        age_seconds: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ warnSeconds: z.number().nonnegative(), critSeconds: z.number().nonnegative() }),
    defaults: { warnSeconds: 1, critSeconds: 30 },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    return main.flatMap((r) => {
      const g = grade(r.age_seconds, { warn: t.warnSeconds, crit: t.critSeconds });
      if (!g) return [];
      const age = Math.round(r.age_seconds);
      const since = r.prepared.toISOString();
      return [
        {
          severity: g.severity,
          object: literal(r.gid),
          message: {
            en: `transaction ${literal(r.gid)} (xid ${r.xid}, owner ${r.owner}, database ${r.database}) has been prepared since ${since}, ${age} s (≥ ${g.limit} s)`,
            zh: `预备事务 ${literal(r.gid)}（xid ${r.xid}，属主 ${r.owner}，数据库 ${r.database}）自 ${since} 起处于预备状态，已 ${age} 秒（≥ ${g.limit} 秒）`,
          },
          value: age,
          threshold: g.limit,
          evidence: [{ ...r, prepared: r.prepared.toISOString() }],
        },
      ];
    });
  },
});
