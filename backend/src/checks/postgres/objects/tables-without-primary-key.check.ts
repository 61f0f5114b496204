import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { pgQualified } from '../../quote.js';

export const postgresTablesWithoutPrimaryKey = defineCheck({
  id: 'postgres.tables-without-primary-key',
  catalogRef: 'PG-W01',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Tables without a primary key', zh: '无主键的表' },
  description: {
    en: 'Ordinary and partitioned tables outside the system schemas that have no primary key; logical replication and many tools need one.',
    zh: '系统模式之外没有主键的普通表和分区表；逻辑复制和许多工具都需要主键。',
  },
  remediation: {
    en: 'Add a primary key (ALTER TABLE … ADD PRIMARY KEY …), or at least a unique NOT NULL key used as REPLICA IDENTITY.',
    zh: '添加主键（ALTER TABLE … ADD PRIMARY KEY …），至少应有唯一且非空的键并设为 REPLICA IDENTITY。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT n.nspname AS schema_name, c.relname AS table_name, c.reltuples::bigint AS estimated_rows
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2 LIMIT 500`,
        },
      ],
      row: z.object({ schema_name: z.string(), table_name: z.string(), estimated_rows: z.coerce.number() }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }) {
    return main.map((r) => ({
      severity: 'warning' as const,
      object: pgQualified(r.schema_name, r.table_name),
      message: {
        en: `table ${pgQualified(r.schema_name, r.table_name)} has no primary key`,
        zh: `表 ${pgQualified(r.schema_name, r.table_name)} 没有主键`,
      },
      ...(r.estimated_rows >= 0 ? { value: r.estimated_rows } : {}),
    }));
  },
});
