import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myIdent, myQualified } from '../../quote.js';

/** One part of an index key: a column (or, on MySQL ≥ 8.0.13, a parenthesised expression), its prefix length and order. */
export interface KeyPart {
  name: string;
  subPart: string;
  order: string;
}

/** An index as the check compares it. */
export interface IndexDef {
  name: string;
  unique: boolean;
  type: string;
  parts: KeyPart[];
}

/** A foreign key as seen from one table (the child's columns, or the parent's referenced columns). */
export interface ForeignKeyUse {
  constraint: string;
  columns: string[];
  /** The child table, qualified, when this table is the referenced (parent) side. */
  referencedBy?: string;
}

export interface RedundantIndex {
  index: IndexDef;
  coveredBy: IndexDef;
  kind: 'duplicate' | 'left-prefix';
  foreignKeys: ForeignKeyUse[];
}

/**
 * Decodes the `<length>:<name>:<sub_part>:<order>` tokens the query builds with GROUP_CONCAT; names are
 * length-prefixed because a column name may contain any separator. Returns undefined for a truncated or malformed
 * list (GROUP_CONCAT stops at group_concat_max_len, 1024 bytes by default on MySQL).
 */
export function parseKeyParts(encoded: string, expectedCount: number): KeyPart[] | undefined {
  // Code points, not UTF-16 units, to count the way CHAR_LENGTH does.
  const chars = Array.from(encoded);
  const parts: KeyPart[] = [];
  let i = 0;
  const readUntil = (stop: string): string | undefined => {
    let out = '';
    while (i < chars.length && chars[i] !== stop) out += chars[i++];
    return i < chars.length || stop === ',' ? out : undefined;
  };
  while (i < chars.length) {
    const length = readUntil(':');
    if (length === undefined || !/^\d+$/.test(length)) return undefined;
    i++;
    const n = Number(length);
    if (i + n > chars.length) return undefined;
    const name = chars.slice(i, i + n).join('');
    i += n;
    if (chars[i] !== ':') return undefined;
    i++;
    const subPart = readUntil(':');
    if (subPart === undefined || !/^\d*$/.test(subPart)) return undefined;
    i++;
    const order = readUntil(',') ?? '';
    parts.push({ name, subPart, order });
    if (i < chars.length) {
      i++;
      if (i === chars.length) return undefined;
    }
  }
  return parts.length === expectedCount ? parts : undefined;
}

const isPrimary = (ix: IndexDef) => ix.name.toUpperCase() === 'PRIMARY';
const partKey = (p: KeyPart) => `${p.name.toLowerCase()}\u0000${p.subPart}\u0000${p.order}`;
const sameParts = (a: KeyPart[], b: KeyPart[]) =>
  a.length === b.length && a.every((p, i) => partKey(p) === partKey(b[i]!));
const isLeftPrefix = (a: KeyPart[], b: KeyPart[]) =>
  a.length < b.length && a.every((p, i) => partKey(p) === partKey(b[i]!));
/** FULLTEXT keys match whatever the column order. */
const sortedKey = (ix: IndexDef) => ix.parts.map(partKey).sort().join('\u0001');
/** Keep PRIMARY first, then unique indexes, then the first by name. */
const keepRank = (ix: IndexDef) => (isPrimary(ix) ? 0 : ix.unique ? 1 : 2);
const preferKeep = (a: IndexDef, b: IndexDef) =>
  keepRank(a) - keepRank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Redundant indexes of one table, by pt-duplicate-key-checker's rules: an exact duplicate (same type, same key parts)
 * goes and the PRIMARY, unique or first-named one stays; a non-unique B-tree index whose key parts are a left prefix
 * of another B-tree index is redundant; a unique index is never redundant to a longer one (its constraint would be
 * lost), and PRIMARY is never dropped.
 */
export function findRedundantIndexes(
  indexes: readonly IndexDef[],
  foreignKeys: readonly ForeignKeyUse[] = [],
): RedundantIndex[] {
  const out: RedundantIndex[] = [];
  const dropped = new Set<string>();
  const sorted = [...indexes].sort(preferKeep);
  for (const ix of sorted) {
    if (isPrimary(ix) || dropped.has(ix.name)) continue;
    const fulltext = ix.type.toUpperCase() === 'FULLTEXT';
    const twin = sorted.find(
      (other) =>
        other !== ix &&
        !dropped.has(other.name) &&
        other.type === ix.type &&
        preferKeep(other, ix) < 0 &&
        (fulltext ? sortedKey(other) === sortedKey(ix) : sameParts(other.parts, ix.parts)),
    );
    let coveredBy: IndexDef | undefined = twin;
    let kind: RedundantIndex['kind'] = 'duplicate';
    if (!coveredBy && !ix.unique && ix.type.toUpperCase() === 'BTREE') {
      const longer = sorted
        .filter((other) => other !== ix && other.type.toUpperCase() === 'BTREE' && isLeftPrefix(ix.parts, other.parts))
        .sort((a, b) => b.parts.length - a.parts.length || preferKeep(a, b));
      coveredBy = longer[0];
      kind = 'left-prefix';
    }
    if (!coveredBy) continue;
    dropped.add(ix.name);
    const names = ix.parts.map((p) => p.name.toLowerCase());
    const supported = foreignKeys.filter(
      (fk) => fk.columns.length <= names.length && fk.columns.every((c, i) => c.toLowerCase() === names[i]),
    );
    out.push({ index: ix, coveredBy, kind, foreignKeys: supported });
  }
  return out;
}

const describeParts = (parts: KeyPart[]) =>
  parts
    .map(
      (p) =>
        `${p.name.startsWith('(') ? p.name : myIdent(p.name)}${p.subPart ? `(${p.subPart})` : ''}${p.order === 'D' ? ' DESC' : ''}`,
    )
    .join(', ');

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
        const what =
          r.kind === 'duplicate'
            ? `duplicates ${myIdent(r.coveredBy.name)} (${describeParts(r.coveredBy.parts)})`
            : `is a left prefix of ${myIdent(r.coveredBy.name)} (${describeParts(r.coveredBy.parts)})`;
        const fkNote = r.foreignKeys.length
          ? `; it supports foreign key ${r.foreignKeys
              .map(
                (f) =>
                  `${myIdent(f.constraint)} (${f.columns.map(myIdent).join(', ')})${f.referencedBy ? ` from ${f.referencedBy}` : ''}`,
              )
              .join(
                ', ',
              )}: ${myIdent(r.coveredBy.name)} can serve it too, but check before dropping (InnoDB refuses with ERROR 1553 when no other index can)`
          : '';
        findings.push({
          severity: 'warning',
          object: key,
          message: `index ${myIdent(r.index.name)} (${describeParts(r.index.parts)}) on ${key} ${what}${fkNote}`,
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
        message: `only the first ${MAX_INDEX_ROWS} indexes (up to ${lastTable ?? 'the last table'}, in schema and table order) were compared; tables after it were not checked`,
        value: MAX_INDEX_ROWS,
      });
    }
    return findings;
  },
});
