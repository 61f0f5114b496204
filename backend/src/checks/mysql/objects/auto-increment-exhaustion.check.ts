import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import { myIdent, myQualified } from '../../quote.js';
import { autoIncrementMax } from './auto-increment-limits.js';

const counter = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));

export const mysqlAutoIncrementExhaustion = defineCheck({
  id: 'mysql.auto-increment-exhaustion',
  catalogRef: 'MY-W04',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'AUTO_INCREMENT close to its maximum', zh: '自增列接近上限' },
  description: {
    en: "AUTO_INCREMENT columns whose next value (information_schema.TABLES.AUTO_INCREMENT) has used up a large share of the column type's range (TINYINT to BIGINT, signed or UNSIGNED). Once the maximum is reached every INSERT fails with a duplicate-key error. On MySQL 8 the counter in information_schema is cached for information_schema_stats_expiry (24 h by default).",
    zh: '自增列的下一个值（information_schema.TABLES.AUTO_INCREMENT）已用掉列类型取值范围（TINYINT 至 BIGINT，含有符号与 UNSIGNED）的很大比例。一旦达到上限，所有 INSERT 都会报主键冲突失败。MySQL 8 上 information_schema 中的计数会按 information_schema_stats_expiry（默认 24 小时）缓存。',
  },
  remediation: {
    en: 'Widen the column before it runs out (INT → INT UNSIGNED → BIGINT UNSIGNED, and every foreign key column that references it) with an online schema change tool; check for gaps caused by large auto_increment_increment or failed inserts.',
    zh: '在耗尽之前用在线改表工具扩大列类型（INT → INT UNSIGNED → BIGINT UNSIGNED，引用它的外键列也要一并修改）；并排查是否因 auto_increment_increment 过大或大量插入失败造成跳号。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT c.TABLE_SCHEMA AS table_schema, c.TABLE_NAME AS table_name, c.COLUMN_NAME AS column_name,
  c.DATA_TYPE AS data_type, c.COLUMN_TYPE AS column_type, t.AUTO_INCREMENT AS auto_increment
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t
  ON CAST(t.TABLE_SCHEMA AS BINARY) = CAST(c.TABLE_SCHEMA AS BINARY) AND CAST(t.TABLE_NAME AS BINARY) = CAST(c.TABLE_NAME AS BINARY)
WHERE c.EXTRA LIKE '%auto_increment%' AND t.AUTO_INCREMENT IS NOT NULL
  AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
  AND c.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
ORDER BY t.AUTO_INCREMENT / POW(2, CASE c.DATA_TYPE WHEN 'tinyint' THEN 7 WHEN 'smallint' THEN 15 WHEN 'mediumint' THEN 23
  WHEN 'int' THEN 31 WHEN 'bigint' THEN 63 WHEN 'float' THEN 24 ELSE 53 END + IF(c.COLUMN_TYPE LIKE '%unsigned%', 1, 0)) DESC,
  c.TABLE_SCHEMA, c.TABLE_NAME
LIMIT 500`,
        },
      ],
      row: z.object({
        table_schema: z.string(),
        table_name: z.string(),
        column_name: z.string(),
        data_type: z.string(),
        column_type: z.string(),
        auto_increment: counter,
      }),
    },
  },
  thresholds: {
    schema: z
      .object({ warnPercent: z.number().min(0).max(100), critPercent: z.number().min(0).max(100) })
      .refine((t) => t.warnPercent <= t.critPercent, 'warnPercent must not exceed critPercent'),
    defaults: { warnPercent: 75, critPercent: 90 },
  },
  evaluate({ main }, ctx) {
    const limits = { warn: ctx.thresholds.warnPercent, crit: ctx.thresholds.critPercent };
    const findings: FindingDraft[] = [];
    for (const r of main) {
      const max = autoIncrementMax(r.data_type, r.column_type);
      if (max === undefined || max <= 0n) continue;
      // Basis points in BigInt: BIGINT UNSIGNED counters do not fit a double exactly.
      const percent = Number((r.auto_increment * 10_000n) / max) / 100;
      const graded = grade(percent, limits);
      if (!graded) continue;
      const table = myQualified(r.table_schema, r.table_name);
      const column = myIdent(r.column_name);
      findings.push({
        severity: graded.severity,
        object: table,
        message: {
          en: `AUTO_INCREMENT column ${column} (${r.column_type}) of ${table} is at ${r.auto_increment} of ${max} (${percent.toFixed(2)} %, ≥ ${graded.limit} %)`,
          zh: `${table} 的自增列 ${column}（${r.column_type}）已到 ${r.auto_increment}，上限 ${max}（${percent.toFixed(2)}%，≥ ${graded.limit}%）`,
        },
        value: percent,
        threshold: graded.limit,
        evidence: [
          {
            column: r.column_name,
            columnType: r.column_type,
            autoIncrement: r.auto_increment.toString(),
            max: max.toString(),
          },
        ],
      });
    }
    return findings;
  },
});
