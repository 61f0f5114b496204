import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myQualified } from '../../quote.js';

const SYSTEM = `('mysql', 'information_schema', 'performance_schema', 'sys')`;

export const mysqlOverIndexedTables = defineCheck({
  id: 'mysql.over-indexed-tables',
  catalogRef: 'MY-W10',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Over-indexed or over-wide tables', zh: '索引过多或列过多的表' },
  description: {
    en: 'Tables with more indexes (PRIMARY included) or more columns than the thresholds. Every index is written on each INSERT and on UPDATEs of its columns and competes for the buffer pool; very wide tables usually mean a denormalised design, large rows and wasted I/O.',
    zh: '索引数（含主键）或列数超过阈值的表。每个索引在每次 INSERT 以及更新其列时都要写入，并争用缓冲池；列过多通常意味着反范式设计、行过大和 I/O 浪费。',
  },
  remediation: {
    en: 'Review the indexes against the workload: drop redundant and unused ones (MY-W02/MY-W03) and merge single-column indexes into composite ones. Split very wide tables vertically (rarely used or large columns into a 1:1 side table).',
    zh: '结合业务 SQL 审视索引：删除冗余与未使用的索引（MY-W02/MY-W03），将多个单列索引合并为联合索引。对列过多的表做垂直拆分（把很少使用或较大的列移到一对一的附表）。',
  },
  queries: {
    indexCounts: {
      sql: [
        {
          since: 0,
          sql: `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COUNT(DISTINCT INDEX_NAME) AS index_count
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA NOT IN ${SYSTEM}
GROUP BY TABLE_SCHEMA, TABLE_NAME
ORDER BY index_count DESC, TABLE_SCHEMA, TABLE_NAME
LIMIT 500`,
        },
      ],
      row: z.object({ table_schema: z.string(), table_name: z.string(), index_count: z.coerce.number() }),
    },
    columnCounts: {
      sql: [
        {
          since: 0,
          sql: `SELECT c.TABLE_SCHEMA AS table_schema, c.TABLE_NAME AS table_name, COUNT(*) AS column_count
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t
  ON CAST(t.TABLE_SCHEMA AS BINARY) = CAST(c.TABLE_SCHEMA AS BINARY) AND CAST(t.TABLE_NAME AS BINARY) = CAST(c.TABLE_NAME AS BINARY)
WHERE t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND c.TABLE_SCHEMA NOT IN ${SYSTEM}
GROUP BY c.TABLE_SCHEMA, c.TABLE_NAME
ORDER BY column_count DESC, c.TABLE_SCHEMA, c.TABLE_NAME
LIMIT 500`,
        },
      ],
      row: z.object({ table_schema: z.string(), table_name: z.string(), column_count: z.coerce.number() }),
    },
  },
  thresholds: {
    schema: z.object({ maxIndexes: z.number().int().min(0), maxColumns: z.number().int().min(0) }),
    defaults: { maxIndexes: 6, maxColumns: 50 },
  },
  evaluate({ indexCounts, columnCounts }, ctx) {
    const { maxIndexes, maxColumns } = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const r of indexCounts) {
      if (r.index_count <= maxIndexes) continue;
      const table = myQualified(r.table_schema, r.table_name);
      findings.push({
        severity: 'info',
        object: table,
        message: {
          en: `table ${table} has ${r.index_count} indexes (> ${maxIndexes})`,
          zh: `表 ${table} 有 ${r.index_count} 个索引（> ${maxIndexes}）`,
        },
        value: r.index_count,
        threshold: maxIndexes,
      });
    }
    for (const r of columnCounts) {
      if (r.column_count <= maxColumns) continue;
      const table = myQualified(r.table_schema, r.table_name);
      findings.push({
        severity: 'info',
        object: table,
        message: {
          en: `table ${table} has ${r.column_count} columns (> ${maxColumns})`,
          zh: `表 ${table} 有 ${r.column_count} 列（> ${maxColumns}）`,
        },
        value: r.column_count,
        threshold: maxColumns,
      });
    }
    return findings;
  },
});
