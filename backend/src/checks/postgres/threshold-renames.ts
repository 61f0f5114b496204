/**
 * Threshold keys of PostgreSQL checks renamed to the one vocabulary (`warn<Subject?><Unit>`, `crit…`, `min…`/`max…`,
 * `allowed…`/`ignore…`/`exempt…`): check id → old key → new key. The store migration rewrites stored overrides with it.
 */
export const POSTGRES_THRESHOLD_RENAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'postgres.blocked-sessions': { waitWarnSeconds: 'warnSeconds', waitCritSeconds: 'critSeconds' },
  'postgres.connection-saturation': { warnPct: 'warnPercent', critPct: 'critPercent' },
  'postgres.filesystem-free-space': { freeWarnPct: 'warnFreePercent', freeCritPct: 'critFreePercent' },
};
