/**
 * Threshold keys renamed to the one vocabulary (`warn<Subject?><Unit>` / `crit…`, `min…` / `max…`, full-word units):
 * check id → old key → new key. The store migration rewrites stored overrides with it; defaults and comparisons did
 * not change.
 */
export const MYSQL_THRESHOLD_RENAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'mysql.deadlocks': { warnAbove: 'warnCount' },
  'mysql.auto-increment-exhaustion': { warningPercent: 'warnPercent', criticalPercent: 'critPercent' },
  'mysql.large-tables': {
    largeTableBytes: 'maxTableBytes',
    largeTableRows: 'maxTableRows',
    indexLargerMinBytes: 'minIndexBytes',
  },
  'mysql.version-eol': { eolNoticeDays: 'minEolNoticeDays', patchesBehindWarn: 'warnPatchesBehindCount' },
  // The old switch skipped remote accounts on a loopback-only server; the new one lowers them one step instead.
  'mysql.over-open-hosts': { ignoreRemoteWhenLoopbackOnly: 'lowerWhenLoopbackOnly' },
};
