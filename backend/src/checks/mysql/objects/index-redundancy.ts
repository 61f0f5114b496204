import { myIdent } from '../../quote.js';

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

/** `col(10) DESC, other` as a DBA reads key parts. */
export const describeParts = (parts: KeyPart[]) =>
  parts
    .map(
      (p) =>
        `${p.name.startsWith('(') ? p.name : myIdent(p.name)}${p.subPart ? `(${p.subPart})` : ''}${p.order === 'D' ? ' DESC' : ''}`,
    )
    .join(', ');
