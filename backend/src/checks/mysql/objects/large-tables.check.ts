import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { myQualified } from '../../quote.js';

const GiB = 1024 ** 3;

export const mysqlLargeTables = defineCheck({
  id: 'mysql.large-tables',
  catalogRef: 'MY-W07',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Very large tables; indexes larger than data', zh: '超大表；索引大于数据' },
  description: {
    en: 'The 500 largest user tables (DATA_LENGTH + INDEX_LENGTH): those above the size or row-count threshold (informational: they need partitioning, archiving and a plan for schema changes), and those whose indexes take more space than their data (poor indexing, redundant indexes or a wide primary key copied into every secondary index). TABLE_ROWS is an estimate for InnoDB.',
    zh: '最大的 500 张用户表（DATA_LENGTH + INDEX_LENGTH）：超过大小或行数阈值的表（提示：需要考虑分区、归档以及改表方案），以及索引占用空间大于数据的表（索引设计不佳、冗余索引，或过宽的主键被复制到每个二级索引中）。InnoDB 的 TABLE_ROWS 为估算值。',
  },
  remediation: {
    en: 'For very large tables, plan archiving or partitioning and make sure backups and schema changes can handle them. Where indexes outweigh data, drop redundant and unused indexes (see MY-W02/MY-W03) and consider a narrower primary key.',
    zh: '对于超大表，规划归档或分区，并确认备份与改表流程能够承受；索引大于数据时，删除冗余与未使用的索引（见 MY-W02/MY-W03），并考虑使用更窄的主键。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, ENGINE AS engine, TABLE_ROWS AS table_rows,
  DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length
FROM information_schema.TABLES
WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND DATA_LENGTH IS NOT NULL
  AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
ORDER BY DATA_LENGTH + INDEX_LENGTH DESC, TABLE_SCHEMA, TABLE_NAME
LIMIT 500`,
        },
      ],
      row: z.object({
        table_schema: z.string(),
        table_name: z.string(),
        engine: z.string().nullable(),
        table_rows: z.coerce.number().nullable(),
        data_length: z.coerce.number(),
        index_length: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      maxTableBytes: z.number().min(0),
      maxTableRows: z.number().min(0),
      minIndexBytes: z.number().min(0),
    }),
    defaults: { maxTableBytes: 10 * GiB, maxTableRows: 10_000_000, minIndexBytes: GiB },
  },
  evaluate({ main }, ctx) {
    const { maxTableBytes, maxTableRows, minIndexBytes } = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const r of main) {
      const table = myQualified(r.table_schema, r.table_name);
      const size = r.data_length + r.index_length;
      const rows = r.table_rows ?? 0;
      const evidence = [
        { engine: r.engine, estimatedRows: r.table_rows, dataLength: r.data_length, indexLength: r.index_length },
      ];
      if (size > maxTableBytes || rows > maxTableRows) {
        const bySize = size > maxTableBytes;
        const sizes = `${formatBytes(size)} (data ${formatBytes(r.data_length)}, indexes ${formatBytes(r.index_length)})`;
        const sizesZh = `${formatBytes(size)}（数据 ${formatBytes(r.data_length)}，索引 ${formatBytes(r.index_length)}）`;
        findings.push({
          severity: 'info',
          object: table,
          message: {
            en: `table ${table} is very large: ${sizes}, ~${rows} rows (> ${bySize ? formatBytes(maxTableBytes) : `${maxTableRows} rows`})`,
            zh: `表 ${table} 非常大：${sizesZh}，约 ${rows} 行（> ${bySize ? formatBytes(maxTableBytes) : `${maxTableRows} 行`}）`,
          },
          value: bySize ? size : rows,
          threshold: bySize ? maxTableBytes : maxTableRows,
          evidence,
        });
      }
      if (r.index_length > r.data_length && r.index_length >= minIndexBytes) {
        const ratio = (r.index_length / Math.max(r.data_length, 1)).toFixed(1);
        findings.push({
          severity: 'warning',
          object: table,
          message: {
            en: `indexes of ${table} take ${formatBytes(r.index_length)}, more than its ${formatBytes(r.data_length)} of data (${ratio}×)`,
            zh: `表 ${table} 的索引占用 ${formatBytes(r.index_length)}，超过其数据量 ${formatBytes(r.data_length)}（${ratio}×）`,
          },
          value: r.index_length,
          threshold: r.data_length,
          evidence,
        });
      }
    }
    return findings;
  },
});
