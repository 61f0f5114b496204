/**
 * Threshold keys of PostgreSQL checks renamed to the one vocabulary (`warn<Subject?><Unit>`, `crit…`, `min…`/`max…`,
 * `allowed…`/`ignore…`/`exempt…`): check id → old key → new key. The store migration rewrites stored overrides with it.
 */
export const POSTGRES_THRESHOLD_RENAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'postgres.backup-age': {
    backupAgeWarnHours: 'warnHours',
    backupAgeCritHours: 'critHours',
    walArchiveGapWarnMinutes: 'warnArchiveGapMinutes',
  },
  'postgres.wal-archiving': { readyFilesWarn: 'warnReadyFilesCount', readyFilesCrit: 'critReadyFilesCount' },
  'postgres.error-counters': {
    deadlocksWarn: 'warnDeadlocksCount',
    rollbackRatioWarnPct: 'warnRollbackPercent',
    rollbackRatioCritPct: 'critRollbackPercent',
    rollbackMinTransactions: 'minTransactions',
    conflictsWarn: 'warnConflictsCount',
    tempBytesInfo: 'infoTempBytes',
    abnormalSessionsWarnPct: 'warnAbnormalSessionsPercent',
    abnormalSessionsMinSessions: 'minSessions',
  },
  'postgres.long-transactions': {
    idleInTransactionWarnSeconds: 'warnIdleSeconds',
    transactionCritSeconds: 'critTransactionSeconds',
    snapshotAgeWarn: 'warnSnapshotAgeCount',
    snapshotAgeCrit: 'critSnapshotAgeCount',
  },
  'postgres.xid-wraparound': {
    xidAgeWarn: 'warnXidAgeCount',
    xidAgeCrit: 'critXidAgeCount',
    mxidAgeWarn: 'warnMultixactAgeCount',
    mxidAgeCrit: 'critMultixactAgeCount',
  },
  'postgres.replication-lag': {
    lagBytesWarn: 'warnBytes',
    lagBytesCrit: 'critBytes',
    lagSecondsWarn: 'warnSeconds',
    lagSecondsCrit: 'critSeconds',
  },
  'postgres.replication-slots': { inactiveRetainedRatio: 'warnRatio' },
  'postgres.autovacuum-lag': { deadPct: 'warnDeadPercent' },
  'postgres.large-tables': {
    largeBytes: 'minLargeBytes',
    veryLargeBytes: 'minVeryLargeBytes',
    wideColumns: 'minWideColumns',
    veryWideColumns: 'minVeryWideColumns',
  },
  'postgres.missing-statistics': { staleModifiedPct: 'staleModifiedPercent', staleMinModified: 'staleModifiedCount' },
  'postgres.sequence-exhaustion': { warnPct: 'warnPercent', critPct: 'critPercent' },
  'postgres.table-bloat': { minPct: 'minBloatPercent' },
  'postgres.unused-indexes': { warnDatabasePct: 'warnDatabasePercent', warnMinBytes: 'warnBytes' },
  'postgres.blocked-sessions': { waitWarnSeconds: 'warnSeconds', waitCritSeconds: 'critSeconds' },
  'postgres.connection-saturation': { warnPct: 'warnPercent', critPct: 'critPercent' },
  'postgres.filesystem-free-space': { freeWarnPct: 'warnFreePercent', freeCritPct: 'critFreePercent' },
};
