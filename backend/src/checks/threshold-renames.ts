import { MYSQL_THRESHOLD_RENAMES } from './mysql/threshold-renames.js';
import { POSTGRES_THRESHOLD_RENAMES } from './postgres/threshold-renames.js';

/** Every threshold key renamed to the one vocabulary: check id → old key → new key. */
export const THRESHOLD_RENAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ...MYSQL_THRESHOLD_RENAMES,
  ...POSTGRES_THRESHOLD_RENAMES,
};

/**
 * Stored override values with old keys renamed. A value already stored under the new key wins over the old one
 * (it was written later, through the new vocabulary). Unknown checks and keys pass unchanged.
 */
export function renameThresholdKeys(
  checkId: string,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const renames = THRESHOLD_RENAMES[checkId];
  if (!renames) return { ...values };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const renamed = renames[key];
    if (renamed === undefined) out[key] = value;
    else if (!(renamed in values)) out[renamed] = value;
  }
  return out;
}

const sqlText = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** The same rewrite as one SQL statement per renamed key, for the PostgreSQL store's migration. */
export function renameThresholdKeysSql(table: string): string {
  const statements: string[] = [];
  for (const [checkId, renames] of Object.entries(THRESHOLD_RENAMES)) {
    for (const [from, to] of Object.entries(renames)) {
      statements.push(
        `UPDATE ${table} SET "values" = jsonb_build_object(${sqlText(to)}, "values"->${sqlText(from)}) || ("values" - ${sqlText(from)})` +
          ` WHERE check_id = ${sqlText(checkId)} AND "values" ? ${sqlText(from)};`,
      );
    }
  }
  return statements.join('\n');
}
