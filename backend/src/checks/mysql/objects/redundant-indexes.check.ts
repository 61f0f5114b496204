import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myIdent, myQualified } from '../../quote.js';
import {
  describeParts,
  findRedundantIndexes,
  parseKeyParts,
  type ForeignKeyUse,
  type IndexDef,
} from './index-redundancy.js';

const SYSTEM = `('mysql', 'information_schema', 'performance_schema', 'sys')`;
const MAX_INDEX_ROWS = 5000;

const indexesSql = (
  hint: string,
  columnExpr: string,
) => `SELECT ${hint}TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, INDEX_NAME AS index_name,
  MIN(NON_UNIQUE) AS non_unique, MAX(INDEX_TYPE) AS index_type, COUNT(*) AS column_count,
  GROUP_CONCAT(CONCAT(CHAR_LENGTH(${columnExpr}), ':', ${columnExpr}, ':', IFNULL(SUB_PART, ''), ':', IFNULL(COLLATION, '')) ORDER BY SEQ_IN_INDEX SEPARATOR ',') AS key_parts
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA NOT IN ${SYSTEM}
GROUP BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME
ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME
LIMIT ${MAX_INDEX_ROWS}`;

const foreignKeysSql = (
  hint: string,
) => `SELECT ${hint}TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name,
  REFERENCED_TABLE_SCHEMA AS referenced_schema, REFERENCED_TABLE_NAME AS referenced_table, COUNT(*) AS column_count,
  GROUP_CONCAT(CONCAT(CHAR_LENGTH(COLUMN_NAME), ':', COLUMN_NAME, '::') ORDER BY ORDINAL_POSITION SEPARATOR ',') AS fk_columns,
  GROUP_CONCAT(CONCAT(CHAR_LENGTH(REFERENCED_COLUMN_NAME), ':', REFERENCED_COLUMN_NAME, '::') ORDER BY ORDINAL_POSITION SEPARATOR ',') AS referenced_columns
FROM information_schema.KEY_COLUMN_USAGE
WHERE REFERENCED_TABLE_NAME IS NOT NULL
  AND (TABLE_SCHEMA NOT IN ${SYSTEM} OR REFERENCED_TABLE_SCHEMA NOT IN ${SYSTEM})
GROUP BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME
ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME
LIMIT ${MAX_INDEX_ROWS}`;

// MySQL's group_concat_max_len defaults to 1024 bytes; the hint lifts it for this statement only (8.0.3+).
const MYSQL_HINT = '/*+ SET_VAR(group_concat_max_len = 1048576) */ ';

export const mysqlRedundantIndexes = defineCheck({
  id: 'mysql.redundant-indexes',
  catalogRef: 'MY-W02',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Duplicate and redundant indexes', zh: '重复索引与冗余索引' },
  description: {
    en: 'Indexes that duplicate another index of the same table, or non-unique B-tree indexes that are a left prefix of a longer one (idx(a) next to idx(a, b)). They slow every write and take buffer pool space without serving a query the other index cannot. Computed from information_schema.STATISTICS on every version (sys.schema_redundant_indexes exists only on MySQL and MariaDB ≥ 10.6).',
    zh: '与同表另一索引完全重复的索引，或是另一个更长 B-tree 索引最左前缀的非唯一索引（如 idx(a) 与 idx(a, b) 并存）。它们拖慢每一次写入、占用缓冲池，却不能服务另一个索引服务不了的查询。基于 information_schema.STATISTICS 计算，适用于所有版本（sys.schema_redundant_indexes 仅 MySQL 与 MariaDB 10.6 及以上才有）。',
  },
  remediation: {
    en: 'Check that no query names the index in an index hint, then drop it (ALTER TABLE … DROP INDEX …; online on large tables). Where the index supports a foreign key, the covering index must keep the foreign key columns as its leading columns.',
    zh: '确认没有 SQL 在索引提示中引用该索引后再删除（ALTER TABLE … DROP INDEX …；大表在线执行）。若该索引支撑外键，保留的覆盖索引必须以外键列作为最左列。',
  },
  queries: {
    indexes: {
      sql: [
        { since: 0, sql: indexesSql('', 'COLUMN_NAME') },
        { since: 80003, flavors: ['mysql'], sql: indexesSql(MYSQL_HINT, 'COLUMN_NAME') },
        {
          since: 80013,
          flavors: ['mysql'],
          sql: indexesSql(MYSQL_HINT, `COALESCE(COLUMN_NAME, CONCAT('(', EXPRESSION, ')'))`),
        },
      ],
      row: z.object({
        table_schema: z.string(),
        table_name: z.string(),
        index_name: z.string(),
        non_unique: z.coerce.number(),
        index_type: z.string(),
        column_count: z.coerce.number(),
        key_parts: z.string().nullable(),
      }),
    },
    foreignKeys: {
      sql: [
        { since: 0, sql: foreignKeysSql('') },
        { since: 80003, flavors: ['mysql'], sql: foreignKeysSql(MYSQL_HINT) },
      ],
      row: z.object({
        table_schema: z.string(),
        table_name: z.string(),
        constraint_name: z.string(),
        referenced_schema: z.string(),
        referenced_table: z.string(),
        column_count: z.coerce.number(),
        fk_columns: z.string().nullable(),
        referenced_columns: z.string().nullable(),
      }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ indexes, foreignKeys }, ctx) {
    const tables = new Map<string, { schema: string; table: string; indexes: IndexDef[]; unreadable: string[] }>();
    const keyOf = (schema: string, table: string) => myQualified(schema, table);
    const truncated = indexes.length >= MAX_INDEX_ROWS;
    const lastTable = truncated ? keyOf(indexes.at(-1)!.table_schema, indexes.at(-1)!.table_name) : undefined;
    for (const r of indexes) {
      const key = keyOf(r.table_schema, r.table_name);
      if (key === lastTable) continue;
      let t = tables.get(key);
      if (!t) tables.set(key, (t = { schema: r.table_schema, table: r.table_name, indexes: [], unreadable: [] }));
      const parts = r.key_parts === null ? undefined : parseKeyParts(r.key_parts, r.column_count);
      if (!parts) t.unreadable.push(r.index_name);
      else t.indexes.push({ name: r.index_name, unique: r.non_unique === 0, type: r.index_type, parts });
    }
    const fkUses = new Map<string, ForeignKeyUse[]>();
    const addUse = (key: string, use: ForeignKeyUse) => fkUses.set(key, [...(fkUses.get(key) ?? []), use]);
    for (const fk of foreignKeys) {
      const child = keyOf(fk.table_schema, fk.table_name);
      const own = fk.fk_columns === null ? undefined : parseKeyParts(fk.fk_columns, fk.column_count);
      const referenced =
        fk.referenced_columns === null ? undefined : parseKeyParts(fk.referenced_columns, fk.column_count);
      if (own) addUse(child, { constraint: fk.constraint_name, columns: own.map((p) => p.name) });
      if (referenced) {
        addUse(keyOf(fk.referenced_schema, fk.referenced_table), {
          constraint: fk.constraint_name,
          columns: referenced.map((p) => p.name),
          referencedBy: child,
        });
      }
    }

    const findings: FindingDraft[] = [];
    for (const [key, t] of tables) {
      // An index whose key parts could not be read might be the one that covers another, so such tables are not judged.
      if (t.unreadable.length > 0 || t.indexes.length < 2) continue;
      for (const r of findRedundantIndexes(t.indexes, fkUses.get(key))) {
        const cover = `${myIdent(r.coveredBy.name)}`;
        const coverParts = describeParts(r.coveredBy.parts);
        const what: Texts =
          r.kind === 'duplicate'
            ? { en: `duplicates ${cover} (${coverParts})`, zh: `与 ${cover}（${coverParts}）重复` }
            : { en: `is a left prefix of ${cover} (${coverParts})`, zh: `是 ${cover}（${coverParts}）的最左前缀` };
        const fks = r.foreignKeys.map((f) => ({
          name: myIdent(f.constraint),
          columns: f.columns.map(myIdent).join(', '),
          from: f.referencedBy,
        }));
        const fkNote: Texts = fks.length
          ? {
              en: `; it supports foreign key ${fks.map((f) => `${f.name} (${f.columns})${f.from ? ` from ${f.from}` : ''}`).join(', ')}: ${cover} can serve it too, but check before dropping (InnoDB refuses with ERROR 1553 when no other index can)`,
              zh: `；它支撑外键 ${fks.map((f) => `${f.name}（${f.columns}）${f.from ? `，来自 ${f.from}` : ''}`).join('、')}：${cover} 也能支撑，但删除前请确认（没有其他索引可用时 InnoDB 会以 ERROR 1553 拒绝）`,
            }
          : { en: '', zh: '' };
        const index = `${myIdent(r.index.name)} (${describeParts(r.index.parts)})`;
        const indexZh = `${myIdent(r.index.name)}（${describeParts(r.index.parts)}）`;
        findings.push({
          severity: 'warning',
          object: key,
          message: {
            en: `index ${index} on ${key} ${what.en}${fkNote.en}`,
            zh: `${key} 上的索引 ${indexZh}${what.zh}${fkNote.zh}`,
          },
          evidence: [
            {
              index: r.index.name,
              columns: describeParts(r.index.parts),
              unique: r.index.unique,
              coveredBy: r.coveredBy.name,
              coveredByColumns: describeParts(r.coveredBy.parts),
              kind: r.kind,
              foreignKeys: r.foreignKeys.map((f) => f.constraint),
              sqlDropIndex: `ALTER TABLE ${key} DROP INDEX ${myIdent(r.index.name)}`,
            },
          ],
        });
      }
    }
    if (truncated) {
      findings.push({
        severity: 'info',
        object: ctx.instance.name,
        message: {
          en: `only the first ${MAX_INDEX_ROWS} indexes (up to ${lastTable ?? 'the last table'}, in schema and table order) were compared; tables after it were not checked`,
          zh: `只比较了前 ${MAX_INDEX_ROWS} 个索引（按库名、表名排序，截至 ${lastTable ?? '最后一张表'}）；其后的表未检查`,
        },
        value: MAX_INDEX_ROWS,
      });
    }
    return findings;
  },
});
