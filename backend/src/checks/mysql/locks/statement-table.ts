import { myQualified } from '../../quote.js';

const IDENT = '(?:`(?:[^`]|``)+`|[\\p{L}\\p{N}_$]+)';
const NAME = `(${IDENT})(?:\\s*\\.\\s*(${IDENT}))?`;

/** Statement shapes whose first table is the one a metadata-lock wait is about. */
const SHAPES = [
  'ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?',
  'TRUNCATE\\s+(?:TABLE\\s+)?',
  'DROP\\s+(?:TEMPORARY\\s+)?TABLES?\\s+(?:IF\\s+EXISTS\\s+)?',
  'RENAME\\s+TABLES?\\s+',
  '(?:CREATE|DROP)\\s+(?:OR\\s+REPLACE\\s+)?(?:ONLINE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?' +
    IDENT +
    '\\s+ON\\s+',
  '(?:OPTIMIZE|ANALYZE|REPAIR|CHECK)\\s+(?:NO_WRITE_TO_BINLOG\\s+|LOCAL\\s+)?TABLES?\\s+',
  'LOCK\\s+TABLES?\\s+',
  '(?:INSERT|REPLACE)\\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE)\\s+)*(?:INTO\\s+)?',
  'UPDATE\\s+(?:(?:LOW_PRIORITY|IGNORE)\\s+)*',
  'DELETE\\s+(?:(?:LOW_PRIORITY|QUICK|IGNORE)\\s+)*FROM\\s+',
  '(?:SELECT|WITH)\\b[\\s\\S]*?\\bFROM\\s+',
].map((shape) => new RegExp(`^${shape}${NAME}`, 'iu'));

const LEADING_COMMENTS = /^(?:\s+|\/\*[\s\S]*?\*\/|--[^\n]*\n?|#[^\n]*\n?)*/;

const unquote = (ident: string) => (ident.startsWith('`') ? ident.slice(1, -1).replace(/``/g, '`') : ident);

/**
 * The table a statement (as shown in the process list) works on, quoted as `` `db`.`tbl` ``; an unqualified name is
 * placed in the session's default database when known. Undefined when the statement is not of a recognised shape.
 */
export function statementTable(statement: string | null, defaultDatabase: string | null): string | undefined {
  if (!statement) return undefined;
  const text = statement.replace(LEADING_COMMENTS, '');
  for (const shape of SHAPES) {
    const m = shape.exec(text);
    if (!m?.[1]) continue;
    if (m[2]) return myQualified(unquote(m[1]), unquote(m[2]));
    return defaultDatabase ? myQualified(defaultDatabase, unquote(m[1])) : myQualified(unquote(m[1]));
  }
  return undefined;
}
