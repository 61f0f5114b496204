import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import { pgQualified } from '../../quote.js';

/** PostgreSQL's parse_bool: any unambiguous prefix of true/false/yes/no, on/off, 1/0, case-insensitive. */
function isFalse(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === '0') return true;
  if (v.length === 0) return false;
  if ('false'.startsWith(v) || 'no'.startsWith(v)) return true;
  return v.length >= 2 && 'off'.startsWith(v);
}

/** The value of `autovacuum_enabled` in a reloptions array when it switches autovacuum off. */
function disabledBy(options: readonly string[] | null): string | undefined {
  for (const o of options ?? []) {
    const eq = o.indexOf('=');
    if (eq > 0 && o.slice(0, eq).trim().toLowerCase() === 'autovacuum_enabled' && isFalse(o.slice(eq + 1))) return o;
  }
  return undefined;
}

const thresholdsSchema = z.object({
  /** Dead tuples must exceed this share of live + dead… */
  warnDeadPercent: z.number().nonnegative(),
  /** …and this count. */
  minDeadTuples: z.number().nonnegative(),
});

export const postgresAutovacuumLag = defineCheck({
  id: 'postgres.autovacuum-lag',
  catalogRef: 'PG-W07',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Autovacuum lagging or disabled', zh: '自动清理滞后或被关闭' },
  description: {
    en: 'Tables whose dead tuples (pg_stat_user_tables.n_dead_tup) exceed both a share of all tuples and a count, meaning vacuum is not keeping up, and tables or their TOAST tables with autovacuum_enabled switched off in their storage parameters (reloptions).',
    zh: '死元组（pg_stat_user_tables.n_dead_tup）占比和数量同时超过阈值的表，说明 VACUUM 跟不上；以及在存储参数（reloptions）中关闭了 autovacuum_enabled 的表或其 TOAST 表。',
  },
  remediation: {
    en: 'Run VACUUM (VERBOSE) on the table and read why dead tuples could not be removed (long transactions, prepared transactions, replication slots, hot_standby_feedback). Re-enable autovacuum with ALTER TABLE … RESET (autovacuum_enabled) unless a documented job vacuums the table, and tune the per-table autovacuum_vacuum_scale_factor for large tables.',
    zh: '对该表执行 VACUUM (VERBOSE)，从输出中确认死元组无法清理的原因（长事务、预备事务、复制槽、hot_standby_feedback 等）。除非有明确的作业负责清理该表，否则用 ALTER TABLE … RESET (autovacuum_enabled) 恢复自动清理；大表可单独调低 autovacuum_vacuum_scale_factor。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT n.nspname AS schema_name, c.relname AS table_name,
  COALESCE(s.n_live_tup, 0) AS live_tuples, COALESCE(s.n_dead_tup, 0) AS dead_tuples,
  c.reloptions AS options, t.reloptions AS toast_options,
  s.last_autovacuum, s.last_vacuum, s.autovacuum_count
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  AND (s.n_dead_tup > 0
    OR array_to_string(c.reloptions, ',') LIKE '%autovacuum_enabled=%'
    OR array_to_string(t.reloptions, ',') LIKE '%autovacuum_enabled=%')
ORDER BY dead_tuples DESC, 1, 2
LIMIT 500`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        table_name: z.string(),
        live_tuples: z.coerce.number(),
        dead_tuples: z.coerce.number(),
        options: z.array(z.string()).nullable(),
        toast_options: z.array(z.string()).nullable(),
        last_autovacuum: z.coerce.date().nullable(),
        last_vacuum: z.coerce.date().nullable(),
        autovacuum_count: z.coerce.number().nullable(),
      }),
    },
  },
  thresholds: { schema: thresholdsSchema, defaults: { warnDeadPercent: 20, minDeadTuples: 10_000 } },
  evaluate({ main }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const r of main) {
      const table = pgQualified(r.schema_name, r.table_name);
      const evidence = [
        {
          live_tuples: r.live_tuples,
          dead_tuples: r.dead_tuples,
          options: r.options,
          toast_options: r.toast_options,
          last_autovacuum: r.last_autovacuum?.toISOString() ?? null,
          last_vacuum: r.last_vacuum?.toISOString() ?? null,
        },
      ];
      const total = r.live_tuples + r.dead_tuples;
      const pct = total > 0 ? (100 * r.dead_tuples) / total : 0;
      const g = r.dead_tuples > t.minDeadTuples ? grade(pct, { warn: t.warnDeadPercent }, { inclusive: false }) : null;
      if (g) {
        const last = (r.last_autovacuum ?? r.last_vacuum)?.toISOString();
        findings.push({
          severity: g.severity,
          object: table,
          message: {
            en: `table ${table} has ${r.dead_tuples} dead tuples, ${pct.toFixed(1)} % of all (> ${t.minDeadTuples} and > ${t.warnDeadPercent} %); last vacuumed ${last ?? 'never'}`,
            zh: `表 ${table} 有 ${r.dead_tuples} 个死元组，占全部元组的 ${pct.toFixed(1)}%（> ${t.minDeadTuples} 且 > ${t.warnDeadPercent}%）；最近一次清理：${last ?? '从未'}`,
          },
          value: r.dead_tuples,
          threshold: t.minDeadTuples,
          evidence,
        });
      }
      const heapOff = disabledBy(r.options);
      const toastOff = disabledBy(r.toast_options);
      if (heapOff || toastOff) {
        const where: Texts =
          heapOff && toastOff
            ? { en: `table ${table} and its TOAST table`, zh: `表 ${table} 及其 TOAST 表` }
            : heapOff
              ? { en: `table ${table}`, zh: `表 ${table}` }
              : { en: `the TOAST table of ${table}`, zh: `表 ${table} 的 TOAST 表` };
        const settings = [heapOff, toastOff && `toast.${toastOff}`].filter(Boolean).join(', ');
        findings.push({
          severity: 'warning',
          object: table,
          message: {
            en: `autovacuum is disabled for ${where.en} (${settings})`,
            zh: `${where.zh}禁用了 autovacuum（${settings}）`,
          },
          value: 'autovacuum_enabled=false',
          evidence,
        });
      }
    }
    return findings;
  },
});
