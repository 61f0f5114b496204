import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import { pgIdent, pgQualified } from '../../quote.js';

const thresholdsSchema = z.object({
  /** Disabled triggers in one database from which each is a warning… */
  warnCount: z.number().int().min(1),
  /** …and from which each is critical. */
  critCount: z.number().int().min(1),
});

export const postgresDisabledTriggers = defineCheck({
  id: 'postgres.disabled-triggers',
  catalogRef: 'PG-W10',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Disabled triggers', zh: '被禁用的触发器' },
  description: {
    en: 'User triggers switched off with ALTER TABLE … DISABLE TRIGGER (pg_trigger.tgenabled = D), often left so after a bulk load or a migration; the auditing, denormalisation or integrity logic they implement no longer runs. Internal triggers of constraints are not listed.',
    zh: '通过 ALTER TABLE … DISABLE TRIGGER 关闭的用户触发器（pg_trigger.tgenabled = D），常见于批量导入或迁移后忘记恢复；其实现的审计、冗余同步或完整性逻辑不再执行。约束的内部触发器不在此列。',
  },
  remediation: {
    en: 'Confirm with the table owner whether the trigger should run; re-enable it with ALTER TABLE … ENABLE TRIGGER … and repair rows changed while it was off, or drop it if it is obsolete.',
    zh: '与表的负责人确认该触发器是否应当生效；需要时用 ALTER TABLE … ENABLE TRIGGER … 重新启用，并修补禁用期间变更的数据；若已废弃则直接删除。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT n.nspname AS schema_name, c.relname AS table_name, t.tgname AS trigger_name,
  pn.nspname AS function_schema, p.proname AS function_name
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE t.tgenabled = 'D' AND NOT t.tgisinternal
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
ORDER BY 1, 2, 3
LIMIT 500`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        table_name: z.string(),
        trigger_name: z.string(),
        function_schema: z.string(),
        function_name: z.string(),
      }),
    },
  },
  thresholds: { schema: thresholdsSchema, defaults: { warnCount: 1, critCount: 1 } },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const count = main.length;
    const g = grade(count, { warn: t.warnCount, crit: t.critCount });
    if (!g) return [];
    return main.map((r) => {
      const table = pgQualified(r.schema_name, r.table_name);
      const object = `${pgIdent(r.trigger_name)} ON ${table}`;
      const fn = pgQualified(r.function_schema, r.function_name);
      return {
        severity: g.severity,
        object,
        message: {
          en: `trigger ${pgIdent(r.trigger_name)} on ${table} (function ${fn}) is disabled; ${count} disabled in this database (≥ ${g.limit})`,
          zh: `表 ${table} 上的触发器 ${pgIdent(r.trigger_name)}（函数 ${fn}）已被禁用；本库共有 ${count} 个被禁用的触发器（≥ ${g.limit}）`,
        },
        value: count,
        threshold: g.limit,
        evidence: [{ ...r }],
      };
    });
  },
});
