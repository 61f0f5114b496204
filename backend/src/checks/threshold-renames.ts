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

/**
 * Stored values a check no longer accepts, check id → key → old value → new value. PG-D08's `archiveModeOff: 'skip'`
 * went when archive_mode = off became a finding on every primary: the nearest outcome is the lowest severity.
 */
export const THRESHOLD_VALUE_CHANGES: Readonly<
  Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>
> = {
  'postgres.wal-archiving': { archiveModeOff: { skip: 'info' } },
};

/**
 * A stored override as the current checks read it: old keys renamed and retired values replaced. Stores migrate
 * overrides once (migration 8); renames and value changes made since reach older rows through this, at read time.
 */
export function upgradeStoredThresholds(
  checkId: string,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out = renameThresholdKeys(checkId, values);
  for (const [key, changes] of Object.entries(THRESHOLD_VALUE_CHANGES[checkId] ?? {})) {
    const v = out[key];
    if (typeof v === 'string' && Object.hasOwn(changes, v)) out[key] = changes[v];
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
