import { z } from 'zod';
import type { Flavor, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { atWindowEnd, baselineCoverage, baselineSpanMs, snapshotNotUsed, UNUSABLE_SNAPSHOT } from '../../format.js';
import { grade, type Grade } from '../../grading.js';

const DAY = 86_400;
/** Enable times computed from TIMESTAMPDIFF seconds and two clocks are this rough. */
const CLOCK_SLACK_MS = 5000;

/** The snapshot collector's key and the counter's own name, per flavor. */
const COUNTER = {
  mariadb: { key: 'status.innodb_deadlocks', name: 'Innodb_deadlocks' },
  mysql: { key: 'metric.lock_deadlocks', name: 'lock_deadlocks' },
} as const satisfies Partial<Record<Flavor, { key: string; name: string }>>;

/** More deadlocks than `warnCount` is a warning; more than `critPerDay` on average per day is critical. */
function gradeDeadlocks(count: number, perDay: number, t: { warnCount: number; critPerDay: number }): Grade | null {
  if (!grade(count, { warn: t.warnCount }, { inclusive: false })) return null;
  return grade(perDay, { crit: t.critPerDay }, { inclusive: false }) ?? { severity: 'warning', limit: t.warnCount };
}

export const mysqlDeadlocks = defineCheck({
  id: 'mysql.deadlocks',
  catalogRef: 'MY-D08',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'locks',
  tier: 'daily',
  window: 'delta',
  scope: 'instance',
  title: { en: 'InnoDB deadlocks', zh: 'InnoDB 死锁' },
  description: {
    en: 'Deadlocks counted by InnoDB: the Innodb_deadlocks status on MariaDB, the lock_deadlocks metric of information_schema.INNODB_METRICS on MySQL. The count is the growth since the stored snapshot at the window start (or, failing that, the first one inside the window); without a usable snapshot from the current server lifetime it is the total since the server started (MySQL: since the metric was enabled). The report says which period was counted.',
    zh: '统计 InnoDB 死锁次数：MariaDB 读取状态变量 Innodb_deadlocks，MySQL 读取 information_schema.INNODB_METRICS 中的 lock_deadlocks 指标。计数取自窗口起点处（若没有，则取窗口内第一份）快照以来的增量；若没有本次实例启动后可用的快照，则为实例启动以来（MySQL 为该指标启用以来）的累计值。报告中会注明统计区间。',
  },
  remediation: {
    en: 'Capture the deadlocks (innodb_print_all_deadlocks = ON writes each one to the error log; SHOW ENGINE INNODB STATUS shows the latest), then make the transactions touch rows in the same order, keep them short and make sure their WHERE clauses use an index.',
    zh: '先采集死锁现场（开启 innodb_print_all_deadlocks 会把每次死锁写入错误日志；SHOW ENGINE INNODB STATUS 可查看最近一次），再让事务按相同顺序访问行、缩短事务，并确保 WHERE 条件能走索引。',
  },
  queries: {
    counter: {
      sql: [
        {
          since: 0,
          flavors: ['mariadb'],
          sql: `SELECT d.VARIABLE_VALUE AS deadlocks, 'enabled' AS status, u.VARIABLE_VALUE AS counting_seconds
FROM information_schema.GLOBAL_STATUS d JOIN information_schema.GLOBAL_STATUS u ON u.VARIABLE_NAME = 'UPTIME'
WHERE d.VARIABLE_NAME = 'INNODB_DEADLOCKS'`,
        },
        {
          since: 0,
          flavors: ['mysql'],
          sql: `SELECT COUNT AS deadlocks, STATUS AS status, TIMESTAMPDIFF(SECOND, TIME_ENABLED, NOW()) AS counting_seconds
FROM information_schema.INNODB_METRICS WHERE NAME = 'lock_deadlocks'`,
        },
      ],
      row: z.object({
        deadlocks: z.coerce.number(),
        status: z.string(),
        counting_seconds: z.coerce.number().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ warnCount: z.number().min(0), critPerDay: z.number().min(0) }),
    defaults: { warnCount: 0, critPerDay: 10 },
  },
  evaluate({ counter }, ctx) {
    const c = counter[0];
    if (!c)
      return { skipped: { en: 'the server reports no InnoDB deadlock counter', zh: '实例没有提供 InnoDB 死锁计数器' } };
    if (c.status.toLowerCase() !== 'enabled') {
      return {
        skipped: {
          en: "the InnoDB metric lock_deadlocks is disabled (enable it with innodb_monitor_enable = 'lock_deadlocks')",
          zh: "InnoDB 指标 lock_deadlocks 未启用（可通过 innodb_monitor_enable = 'lock_deadlocks' 启用）",
        },
      };
    }
    const { critPerDay } = ctx.thresholds;
    const rate = (perDay: number): Texts => ({
      en: `${perDay.toFixed(1)} per day (critical above ${critPerDay} per day)`,
      zh: `平均每天 ${perDay.toFixed(1)} 次（每天超过 ${critPerDay} 次为严重）`,
    });
    const source = ctx.server.flavor === 'mysql' ? COUNTER.mysql : COUNTER.mariadb;
    const enabledAt = c.counting_seconds === null ? undefined : ctx.now.getTime() - c.counting_seconds * 1000;
    const base = ctx.counterBaseline;
    let unusable: Texts | undefined;
    if (base) {
      const before = base.counters[source.key];
      const current = atWindowEnd(base, source.key, c.deadlocks);
      const takenAt = Date.parse(base.takenAt);
      if (!Number.isFinite(takenAt)) unusable = UNUSABLE_SNAPSHOT.unreadableTime;
      else if (before === undefined) unusable = UNUSABLE_SNAPSHOT.lacks(source.name);
      else if (current < before)
        unusable = { en: `${source.name} went backwards (reset)`, zh: `${source.name} 比快照时变小了（已被重置）` };
      else if (ctx.server.flavor === 'mysql' && enabledAt !== undefined && enabledAt > takenAt + CLOCK_SLACK_MS)
        unusable = { en: 'the metric was enabled after it', zh: '该指标在快照之后才启用' };
      else {
        const delta = current - before;
        const perDay = delta / Math.max(1, baselineSpanMs(base, ctx.now) / 1000 / DAY);
        const graded = gradeDeadlocks(delta, perDay, ctx.thresholds);
        if (!graded) return [];
        const period = baselineCoverage(base);
        return [
          {
            severity: graded.severity,
            object: ctx.instance.name,
            message: {
              en: `${delta} InnoDB deadlock${delta === 1 ? '' : 's'} ${period.en}, ${rate(perDay).en}`,
              zh: `${period.zh}发生 InnoDB 死锁 ${delta} 次，${rate(perDay).zh}`,
            },
            value: delta,
            threshold: graded.limit,
            evidence: [{ counter: source.name, baseline: before, current, delta }],
          },
        ];
      }
    }
    const seconds = c.counting_seconds ?? ctx.server.uptimeSeconds;
    const perDay = c.deadlocks / Math.max(1, seconds / DAY);
    const graded = gradeDeadlocks(c.deadlocks, perDay, ctx.thresholds);
    if (!graded) return [];
    const started = new Date(ctx.now.getTime() - seconds * 1000);
    const mysql = ctx.server.flavor === 'mysql';
    const within = started >= ctx.window.from;
    const origin = { en: mysql ? 'metric enabled' : 'server start', zh: mysql ? '指标启用时间' : '实例启动时间' };
    const period = within
      ? { en: `${origin.en}, within the window`, zh: `${origin.zh}，在窗口内` }
      : { en: `${origin.en}; window start not covered`, zh: `${origin.zh}；未覆盖窗口起点` };
    const note = base && unusable ? snapshotNotUsed(base, unusable) : { en: '', zh: '' };
    return [
      {
        severity: graded.severity,
        object: ctx.instance.name,
        message: {
          en: `${c.deadlocks} InnoDB deadlock${c.deadlocks === 1 ? '' : 's'} since ${started.toISOString()} (${period.en}), ${rate(perDay).en}${note.en}`,
          zh: `自 ${started.toISOString()} 起（${period.zh}）发生 InnoDB 死锁 ${c.deadlocks} 次，${rate(perDay).zh}${note.zh}`,
        },
        value: c.deadlocks,
        threshold: graded.limit,
      },
    ];
  },
});
