import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText } from '../../grading.js';
import { pgIdent } from '../../quote.js';

/** 2^31: XID and MultiXact ages cannot pass it; the server refuses new transactions a few million before. */
const WRAP_LIMIT = 2 ** 31;

export const postgresXidWraparound = defineCheck({
  id: 'postgres.xid-wraparound',
  catalogRef: 'PG-D11',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'transactions',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Transaction ID and MultiXact wraparound', zh: '事务 ID 与 MultiXact 回卷风险' },
  description: {
    en: 'Age of the oldest unfrozen transaction ID (age(datfrozenxid)) and MultiXact ID (mxid_age(datminmxid)) of every database. Near 2^31 the server stops assigning new IDs and the database goes read-only until a VACUUM freezes it; well before that, an age far above autovacuum_freeze_max_age means anti-wraparound vacuums are not keeping up.',
    zh: '每个数据库最旧未冻结事务 ID 的年龄（age(datfrozenxid)）和 MultiXact ID 的年龄（mxid_age(datminmxid)）。接近 2^31 时服务器将停止分配新的 ID，数据库变为只读，直到 VACUUM 完成冻结；远在此之前，年龄大幅超过 autovacuum_freeze_max_age 就说明防回卷的 autovacuum 跟不上。',
  },
  remediation: {
    en: 'Find the oldest tables (age(relfrozenxid) in pg_class) and what holds the horizon back: long transactions, idle-in-transaction sessions, prepared transactions, stale replication slots, hot_standby_feedback. Remove the blocker, then run VACUUM (FREEZE, VERBOSE) on those tables; give autovacuum more workers and cost budget so it keeps up.',
    zh: '找出年龄最大的表（pg_class 中的 age(relfrozenxid)）以及阻碍清理的原因：长事务、事务中空闲的会话、预备事务、陈旧的复制槽、hot_standby_feedback。消除阻碍后对这些表执行 VACUUM (FREEZE, VERBOSE)；增加 autovacuum 工作进程数和代价限额，使其跟得上。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT datname, age(datfrozenxid) AS xid_age, mxid_age(datminmxid) AS mxid_age,
  current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age,
  current_setting('autovacuum_multixact_freeze_max_age')::bigint AS multixact_freeze_max_age
FROM pg_database ORDER BY greatest(age(datfrozenxid), mxid_age(datminmxid)) DESC, datname LIMIT 500`,
        },
      ],
      row: z.object({
        datname: z.string(),
        xid_age: z.coerce.number(),
        mxid_age: z.coerce.number(),
        freeze_max_age: z.coerce.number(),
        multixact_freeze_max_age: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      warnXidAgeCount: z.number().int().nonnegative(),
      critXidAgeCount: z.number().int().nonnegative(),
      warnMultixactAgeCount: z.number().int().nonnegative(),
      critMultixactAgeCount: z.number().int().nonnegative(),
    }),
    defaults: {
      warnXidAgeCount: 500_000_000,
      critXidAgeCount: 1_400_000_000,
      warnMultixactAgeCount: 500_000_000,
      critMultixactAgeCount: 1_400_000_000,
    },
  },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const d of main) {
      const kinds = [
        {
          label: { en: 'transaction ID', zh: '事务 ID' },
          age: d.xid_age,
          warn: t.warnXidAgeCount,
          crit: t.critXidAgeCount,
          setting: 'autovacuum_freeze_max_age',
          max: d.freeze_max_age,
        },
        {
          label: { en: 'MultiXact ID', zh: 'MultiXact ID' },
          age: d.mxid_age,
          warn: t.warnMultixactAgeCount,
          crit: t.critMultixactAgeCount,
          setting: 'autovacuum_multixact_freeze_max_age',
          max: d.multixact_freeze_max_age,
        },
      ];
      for (const k of kinds) {
        const g = grade(k.age, { warn: k.warn, crit: k.crit });
        if (!g) continue;
        const toWrap = ((100 * k.age) / WRAP_LIMIT).toFixed(1);
        const ofMax = k.max > 0 ? Math.round((100 * k.age) / k.max) : null;
        const en = [`${toWrap} % of the way to wraparound at 2^31`];
        const zh = [`已达回卷上限 2^31 的 ${toWrap}%`];
        if (ofMax !== null) {
          en.unshift(`${ofMax} % of ${k.setting} ${k.max}`);
          zh.unshift(`为 ${k.setting} ${k.max} 的 ${ofMax}%`);
        }
        const limit = thresholdText(g.limit);
        const db = pgIdent(d.datname);
        findings.push({
          severity: g.severity,
          object: db,
          message: {
            en: `age of the oldest unfrozen ${k.label.en} in database ${db} is ${k.age} (${en.join('; ')}), ${limit.en}`,
            zh: `数据库 ${db} 中最老的未冻结 ${k.label.zh} 年龄为 ${k.age}（${zh.join('；')}），${limit.zh}`,
          },
          value: k.age,
          threshold: g.limit,
          evidence: [{ ...d }],
        });
      }
    }
    return findings;
  },
});
