import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { myQualified } from '../../quote.js';

export const mysqlTablesWithoutPrimaryKey = defineCheck({
  id: 'mysql.tables-without-primary-key',
  catalogRef: 'MY-W01',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Tables without a primary key', zh: '无主键的表' },
  description: {
    en: 'User tables that have neither a primary key nor a unique key on NOT NULL columns. InnoDB then clusters rows on a hidden row id, row-based replicas apply each change with a full scan, and Galera, Group Replication and online schema tools refuse or misbehave.',
    zh: '既没有主键、也没有非空唯一键的用户表。此时 InnoDB 以隐藏的行 ID 组织聚簇索引，基于行格式的复制在从库上每应用一行变更都要全表扫描，Galera、组复制和在线改表工具也会拒绝或出错。',
  },
  remediation: {
    en: 'Add a primary key (ALTER TABLE … ADD PRIMARY KEY (…), or an AUTO_INCREMENT id column when no natural key exists); run it with an online schema change tool on large tables.',
    zh: '为表添加主键（ALTER TABLE … ADD PRIMARY KEY (…)；没有自然键时可增加自增 id 列）；大表请使用在线改表工具执行。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT t.TABLE_SCHEMA AS table_schema, t.TABLE_NAME AS table_name, t.ENGINE AS engine, t.TABLE_ROWS AS table_rows
FROM information_schema.TABLES t
LEFT JOIN (
  SELECT s.TABLE_SCHEMA, s.TABLE_NAME
  FROM information_schema.STATISTICS s
  WHERE s.NON_UNIQUE = 0 AND s.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
  GROUP BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME
  HAVING SUM(s.NULLABLE = 'YES') = 0
) k ON CAST(k.TABLE_SCHEMA AS BINARY) = CAST(t.TABLE_SCHEMA AS BINARY) AND CAST(k.TABLE_NAME AS BINARY) = CAST(t.TABLE_NAME AS BINARY)
WHERE t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
  AND t.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
  AND k.TABLE_NAME IS NULL
ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME
LIMIT 500`,
        },
      ],
      row: z.object({
        table_schema: z.string(),
        table_name: z.string(),
        engine: z.string().nullable(),
        table_rows: z.coerce.number().nullable(),
      }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }) {
    return main.map((r) => {
      const table = myQualified(r.table_schema, r.table_name);
      const rows = r.table_rows === null ? '' : `, ~${r.table_rows} rows`;
      const rowsZh = r.table_rows === null ? '' : `，约 ${r.table_rows} 行`;
      return {
        severity: 'warning' as const,
        object: table,
        message: {
          en: `table ${table} (${r.engine ?? 'unknown engine'}${rows}) has no primary key and no unique key on NOT NULL columns`,
          zh: `表 ${table}（${r.engine ?? '未知引擎'}${rowsZh}）没有主键，也没有建在 NOT NULL 列上的唯一键`,
        },
        ...(r.table_rows !== null ? { value: r.table_rows } : {}),
        evidence: [{ engine: r.engine, estimatedRows: r.table_rows }],
      };
    });
  },
});
