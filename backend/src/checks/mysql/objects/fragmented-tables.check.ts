import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { myQualified } from '../../quote.js';

const GiB = 1024 ** 3;

export const mysqlFragmentedTables = defineCheck({
  id: 'mysql.fragmented-tables',
  catalogRef: 'MY-W06',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Fragmented tables', zh: '碎片率高的表' },
  description: {
    en: 'Tables whose free space (DATA_FREE) is both a large share of their size (DATA_FREE / (DATA_LENGTH + INDEX_LENGTH)) and large in bytes. InnoDB reports DATA_FREE per tablespace: tables that share one (the system tablespace or a general tablespace) all report the same figure, so InnoDB tables with an identical DATA_FREE are not judged per table.',
    zh: '空闲空间（DATA_FREE）既占表大小（DATA_FREE / (DATA_LENGTH + INDEX_LENGTH)）比例高、绝对值又大的表。InnoDB 的 DATA_FREE 按表空间统计：共享同一表空间（系统表空间或通用表空间）的表会报告相同的值，因此 DATA_FREE 完全相同的多张 InnoDB 表不逐表判断。',
  },
  remediation: {
    en: 'Rebuild the table off-peak to return the space (OPTIMIZE TABLE, or ALTER TABLE … ENGINE = InnoDB / an online schema change tool on large tables); make sure the disk has room for a full copy first. Rebuilding does not shrink a shared tablespace.',
    zh: '在业务低峰期重建表以回收空间（OPTIMIZE TABLE，或对大表使用 ALTER TABLE … ENGINE = InnoDB / 在线改表工具）；执行前确认磁盘足以容纳一份完整副本。重建表无法收缩共享表空间。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, ENGINE AS engine,
  DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length, DATA_FREE AS data_free
FROM information_schema.TABLES
WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND DATA_FREE > 0
  AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
ORDER BY DATA_FREE DESC, TABLE_SCHEMA, TABLE_NAME
LIMIT 500`,
        },
      ],
      row: z.object({
        table_schema: z.string(),
        table_name: z.string(),
        engine: z.string().nullable(),
        data_length: z.coerce.number(),
        index_length: z.coerce.number(),
        data_free: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ minFreePercent: z.number().min(0), minFreeBytes: z.number().min(0) }),
    defaults: { minFreePercent: 20, minFreeBytes: GiB },
  },
  evaluate({ main }, ctx) {
    const { minFreePercent, minFreeBytes } = ctx.thresholds;
    const innodbByFree = new Map<number, number>();
    for (const r of main) {
      if (r.engine?.toLowerCase() === 'innodb') innodbByFree.set(r.data_free, (innodbByFree.get(r.data_free) ?? 0) + 1);
    }
    const findings: FindingDraft[] = [];
    for (const r of main) {
      if (r.engine?.toLowerCase() === 'innodb' && (innodbByFree.get(r.data_free) ?? 0) > 1) continue;
      const size = r.data_length + r.index_length;
      const percent = size > 0 ? (r.data_free / size) * 100 : 100;
      if (percent <= minFreePercent || r.data_free <= minFreeBytes) continue;
      const table = myQualified(r.table_schema, r.table_name);
      findings.push({
        severity: 'info',
        object: table,
        message: {
          en: `table ${table} (${r.engine ?? 'unknown engine'}) has ${formatBytes(r.data_free)} free, ${percent.toFixed(1)} % of its ${formatBytes(size)} of data and indexes (> ${minFreePercent} % and > ${formatBytes(minFreeBytes)})`,
          zh: `表 ${table}（${r.engine ?? '未知引擎'}）有 ${formatBytes(r.data_free)} 空闲空间，占其 ${formatBytes(size)} 数据和索引的 ${percent.toFixed(1)}%（> ${minFreePercent}% 且 > ${formatBytes(minFreeBytes)}）`,
        },
        value: Math.round(percent * 10) / 10,
        threshold: minFreePercent,
        evidence: [{ engine: r.engine, dataLength: r.data_length, indexLength: r.index_length, dataFree: r.data_free }],
      });
    }
    return findings;
  },
});
