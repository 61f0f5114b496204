import { toTexts } from '../../check.types.js';
import { describe, expect, it } from 'vitest';
import type { CounterBaseline } from '../../check.types.js';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresErrorCounters } from './error-counters.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

describe('postgres.error-counters', () => {
  const db = (over: Record<string, unknown>) => ({
    datname: 'Orders "EU"',
    xact_commit: '100000',
    xact_rollback: '10',
    deadlocks: '0',
    conflicts: '0',
    temp_files: '0',
    temp_bytes: '0',
    sessions: '1000',
    sessions_fatal: '0',
    sessions_killed: '0',
    sessions_abandoned: '0',
    stats_reset: new Date('2026-11-01T00:00:00Z'),
    ...over,
  });
  const GiB = 1024 ** 3;

  it.each([
    ['quiet', {}, {}, []],
    ['one deadlock', { deadlocks: '1' }, {}, ['warning']],
    ['rollback ratio 0.5 % is not over', { xact_commit: '995', xact_rollback: '5' }, {}, []],
    ['rollback ratio 0.6 %', { xact_commit: '994', xact_rollback: '6' }, {}, ['warning']],
    ['rollback ratio 1.1 %', { xact_commit: '989', xact_rollback: '11' }, {}, ['critical']],
    ['rollback ratio on too few transactions', { xact_commit: '10', xact_rollback: '5' }, {}, []],
    ['recovery conflicts', { conflicts: '4' }, {}, ['warning']],
    ['10 GiB of temp files', { temp_files: '12', temp_bytes: String(10 * GiB) }, {}, ['info']],
    [
      'abnormal session ends 6 %',
      { sessions_fatal: '20', sessions_killed: '10', sessions_abandoned: '30' },
      {},
      ['warning'],
    ],
    ['abnormal session ends 5 % is not over', { sessions_abandoned: '50' }, {}, []],
    [
      'PG12/13: no session counters',
      { sessions: null, sessions_fatal: null, sessions_killed: null, sessions_abandoned: null },
      {},
      [],
    ],
    ['deadlock threshold raised', { deadlocks: '2' }, { warnDeadlocksCount: 3 }, []],
  ] as const)('%s', (_name, over, thresholds, severities) => {
    const out = findings(evaluate(postgresErrorCounters, { main: [db(over)] }, { thresholds }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('"Orders ""EU"""');
  });

  it.each([
    ['daily', ['warning', 'critical', 'info']],
    ['weekly', ['warning', 'critical', 'info']],
    ['monthly', ['warning', 'critical', 'info']],
    // PG-A07 and PG-A03 grade the rollback ratio and temporary files of an annual run: one condition, one finding.
    ['annual', ['warning']],
  ] as const)('in a %s inspection grades %j', (runTier, severities) => {
    const busy = db({ xact_rollback: '5000', deadlocks: '2', temp_files: '12', temp_bytes: String(10 * GiB) });
    const out = findings(evaluate(postgresErrorCounters, { main: [busy] }, { runTier }));
    expect(out.map((f) => f.severity)).toEqual(severities);
  });

  it('labels cumulative counters with the statistics reset', () => {
    const [f] = findings(evaluate(postgresErrorCounters, { main: [db({ deadlocks: '3' })] }));
    expect(f).toMatchObject({ value: 3, threshold: 1 });
    expect(f!.message).toEqual({
      en: '3 deadlocks in database "Orders ""EU""" since 2026-11-01T00:00:00.000Z; window start not covered',
      zh: '数据库 "Orders ""EU""" 发生 3 次死锁，自 2026-11-01T00:00:00.000Z 起；未覆盖窗口起点',
    });
  });

  it.each([
    ['warnDeadlocksCount 5 clears 3 deadlocks', { deadlocks: '3' }, { warnDeadlocksCount: 5 }, []],
    [
      'warnRollbackPercent 2 clears 1.6 % rolled back',
      { xact_rollback: '1600' },
      { warnRollbackPercent: 2, critRollbackPercent: 3 },
      [],
    ],
    [
      'critRollbackPercent 5 keeps 1.6 % rolled back a warning',
      { xact_rollback: '1600' },
      { critRollbackPercent: 5 },
      ['warning'],
    ],
    [
      'minTransactions above the count silences the rollback ratio',
      { xact_rollback: '1600' },
      { minTransactions: 1_000_000 },
      [],
    ],
    ['warnConflictsCount 10 clears 4 conflicts', { conflicts: '4' }, { warnConflictsCount: 10 }, []],
    [
      'infoTempBytes 1 KiB reports a small spill',
      { temp_files: '2', temp_bytes: '4096' },
      { infoTempBytes: 1024 },
      ['info'],
    ],
    [
      'warnAbnormalSessionsPercent 1 flags 2 % abnormal ends',
      { sessions_fatal: '20' },
      { warnAbnormalSessionsPercent: 1 },
      ['warning'],
    ],
    ['minSessions above the count silences abnormal ends', { sessions_fatal: '600' }, { minSessions: 100_000 }, []],
  ] as const)('renamed thresholds: %s', (_name, over, thresholds, severities) => {
    const out = findings(evaluate(postgresErrorCounters, { main: [db(over)] }, { thresholds }));
    expect(out.map((f) => f.severity)).toEqual(severities);
  });

  it('says so when the statistics were never reset', () => {
    const [f] = findings(evaluate(postgresErrorCounters, { main: [db({ deadlocks: '1', stats_reset: null })] }));
    expect(toTexts(f!.message).en).toContain('since the statistics were initialised (stats_reset is null)');
  });

  it('reports each database on its own', () => {
    const out = findings(
      evaluate(postgresErrorCounters, {
        main: [db({ deadlocks: '1' }), db({ datname: 'clean' }), db({ datname: 'b', deadlocks: '2' })],
      }),
    );
    expect(out.map((f) => f.object)).toEqual(['"Orders ""EU"""', '"b"']);
  });
});

describe('postgres.error-counters over a counter baseline', () => {
  const GiB = 1024 ** 3;
  const RESET = '2026-11-01T00:00:00Z';
  /** pg_stat_database as node-postgres returns it: bigint as strings, timestamptz as Date. */
  const db = (over: Record<string, unknown> = {}) => ({
    datname: 'Orders "EU"',
    xact_commit: '100000',
    xact_rollback: '10',
    deadlocks: '5',
    conflicts: '0',
    temp_files: '40',
    temp_bytes: String(5 * GiB),
    sessions: '1000',
    sessions_fatal: '60',
    sessions_killed: '0',
    sessions_abandoned: '0',
    stats_reset: new Date(RESET),
    ...over,
  });
  /** The same database in the snapshot collector's keys (`db.<datname>.<column>`); stats_reset_ms keeps µs. */
  const dbCounters = (datname: string, over: Record<string, number> = {}): Record<string, number> => {
    const values: Record<string, number> = {
      xact_commit: 99_000,
      xact_rollback: 10,
      deadlocks: 5,
      conflicts: 0,
      temp_files: 30,
      temp_bytes: 4 * GiB,
      sessions: 900,
      sessions_fatal: 0,
      sessions_killed: 0,
      sessions_abandoned: 0,
      checksum_failures: 0,
      blks_read: 1,
      blks_hit: 2,
      stats_reset_ms: Date.parse(RESET) + 0.999,
      ...over,
    };
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [`db.${datname}.${k}`, v]));
  };
  const baseline = (counters: Record<string, number>, over: Partial<CounterBaseline> = {}): CounterBaseline => ({
    takenAt: '2026-11-18T11:55:00.000Z',
    coversWindowStart: true,
    counters,
    ...over,
  });
  const ORDERS = 'Orders "EU"';

  // The totals alone would give 5 deadlocks (warning) and 6 % abnormal session ends (warning).
  it.each([
    ['nothing new in the window', {}, {}, {}, []],
    ['Δ 1 deadlock', { deadlocks: '6' }, {}, {}, [['warning', 1]]],
    ['Δ 2 deadlocks under a raised threshold', { deadlocks: '7' }, {}, { warnDeadlocksCount: 3 }, []],
    ['Δ rollbacks 6 of 1006 = 0.6 %', { xact_rollback: '16' }, {}, {}, [['warning', 0.6]]],
    ['Δ rollbacks 11 of 1011 = 1.09 %', { xact_rollback: '21' }, {}, {}, [['critical', 1.09]]],
    ['Δ rollbacks 6 of only 506 transactions', { xact_rollback: '16' }, { xact_commit: 99_500 }, {}, []],
    // 0.01 % since the reset, but the window's transactions are all rollbacks
    ['Δ 1000 rollbacks, 0 commits', { xact_rollback: '1010' }, { xact_commit: 100_000 }, {}, [['critical', 100]]],
    ['Δ 1 recovery conflict', { conflicts: '3' }, { conflicts: 2 }, {}, [['warning', 1]]],
    ['Δ 1 GiB of temp files', {}, {}, {}, []],
    ['Δ 10 GiB of temp files', { temp_bytes: String(14 * GiB) }, {}, {}, [['info', 10 * GiB]]],
    ['Δ 60 of 100 sessions ended abnormally', {}, { sessions_fatal: 0 }, {}, [['warning', 60]]],
    ['Δ 6 of 100 sessions fatal', {}, { sessions_fatal: 54 }, {}, [['warning', 6]]],
    ['Δ 5 of 100 sessions fatal is not over', {}, { sessions_fatal: 55 }, {}, []],
    ['Δ 6 of only 50 sessions', {}, { sessions: 950, sessions_fatal: 54 }, {}, []],
  ] as const)('%s', (_name, row, base, thresholds, expected) => {
    const out = findings(
      evaluate(
        postgresErrorCounters,
        { main: [db(row)] },
        { thresholds, counterBaseline: baseline(dbCounters(ORDERS, { sessions_fatal: 60, ...base })) },
      ),
    );
    expect(out.map((f) => [f.severity, f.value])).toEqual(expected);
    for (const f of out) {
      expect(f.object).toBe('"Orders ""EU"""');
      expect(toTexts(f!.message).en).toMatch(/ in the window since 2026-11-18T11:55:00\.000Z$/);
    }
  });

  it('counts a late run up to the snapshot at the window end, not the live counters', () => {
    const counters = dbCounters(ORDERS, { sessions_fatal: 60 });
    const end = {
      takenAt: '2026-11-19T11:55:00.000Z',
      counters: dbCounters(ORDERS, { sessions_fatal: 60, deadlocks: 6, xact_commit: 99_500 }),
    };
    // Live: 20 deadlocks since the baseline, all after the window end; 1 within it.
    const [f, ...rest] = findings(
      evaluate(
        postgresErrorCounters,
        { main: [db({ deadlocks: '25' })] },
        { counterBaseline: { ...baseline(counters), end } },
      ),
    );
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ value: 1 });
    expect(toTexts(f!.message).en).toBe(
      '1 deadlocks in database "Orders ""EU""" in the window since 2026-11-18T11:55:00.000Z until 2026-11-19T11:55:00.000Z (the snapshot at the window end; this run started later)',
    );
    expect(f!.evidence).toContainEqual({ counter: 'deadlocks', baseline: 5, current: 6, delta: 1 });
    expect(f!.evidence).toContainEqual({ counter: 'xact_commit', baseline: 99_000, current: 99_500, delta: 500 });
    // Statistics reset between the window end and now do not spoil a late run: both edges are snapshots.
    const [g] = findings(
      evaluate(
        postgresErrorCounters,
        { main: [db({ deadlocks: '0', stats_reset: '2026-11-23T00:00:00Z' })] },
        { counterBaseline: { ...baseline(counters), end } },
      ),
    );
    expect(g).toMatchObject({ value: 1 });
  });

  it('says what the delta covers, with baseline and current counters as evidence', () => {
    const counters = dbCounters(ORDERS, { sessions_fatal: 60 });
    const [f] = findings(
      evaluate(postgresErrorCounters, { main: [db({ deadlocks: '8' })] }, { counterBaseline: baseline(counters) }),
    );
    expect(f).toMatchObject({ value: 3, threshold: 1 });
    expect(toTexts(f!.message).en).toBe(
      '3 deadlocks in database "Orders ""EU""" in the window since 2026-11-18T11:55:00.000Z',
    );
    expect(f!.evidence).toContainEqual({ counter: 'deadlocks', baseline: 5, current: 8, delta: 3 });
    expect(f!.evidence).toContainEqual({ counter: 'xact_commit', baseline: 99_000, current: 100_000, delta: 1000 });
    expect(f!.evidence).toHaveLength(10);

    const [g] = findings(
      evaluate(
        postgresErrorCounters,
        { main: [db({ deadlocks: '8' })] },
        {
          counterBaseline: baseline(counters, { takenAt: '2026-11-21T03:15:00.000Z', coversWindowStart: false }),
        },
      ),
    );
    expect(toTexts(g!.message).en).toBe(
      '3 deadlocks in database "Orders ""EU""" since 2026-11-21T03:15:00.000Z (first snapshot in the window; window start not covered)',
    );
  });

  it.each([
    [
      'statistics reset after the snapshot',
      { stats_reset: new Date('2026-11-20T00:00:00Z') },
      dbCounters(ORDERS),
      'since 2026-11-20T00:00:00.000Z; window start not covered (snapshot of 2026-11-18T11:55:00.000Z not used: statistics reset since)',
    ],
    [
      'statistics first reset after the snapshot (stats_reset was null)',
      { stats_reset: new Date('2026-11-20T00:00:00Z') },
      dbCounters(ORDERS, { stats_reset_ms: 0 }),
      'since 2026-11-20T00:00:00.000Z; window start not covered (snapshot of 2026-11-18T11:55:00.000Z not used: statistics reset since)',
    ],
    [
      'statistics reset again within milliseconds',
      {},
      dbCounters(ORDERS, { stats_reset_ms: Date.parse(RESET) - 5 }),
      'since 2026-11-01T00:00:00.000Z; window start not covered (snapshot of 2026-11-18T11:55:00.000Z not used: statistics reset since)',
    ],
    [
      'a counter went backwards',
      {},
      dbCounters(ORDERS, { deadlocks: 9 }),
      'since 2026-11-01T00:00:00.000Z; window start not covered (snapshot of 2026-11-18T11:55:00.000Z not used: deadlocks went backwards (statistics reset since))',
    ],
    [
      'a database created after the snapshot',
      {},
      dbCounters('other'),
      'since 2026-11-01T00:00:00.000Z; window start not covered (snapshot of 2026-11-18T11:55:00.000Z not used: the database is not in it)',
    ],
  ])('falls back to the totals since the statistics reset: %s', (_name, row, counters, since) => {
    const out = findings(
      evaluate(
        postgresErrorCounters,
        { main: [db({ deadlocks: '2', sessions_fatal: '0', ...row })] },
        { counterBaseline: baseline(counters) },
      ),
    );
    expect(out.map((f) => [f.severity, f.value, toTexts(f.message).en])).toEqual([
      ['warning', 2, `2 deadlocks in database "Orders ""EU""" ${since}`],
    ]);
  });

  it('subtracts when stats_reset was null then and now', () => {
    const out = findings(
      evaluate(
        postgresErrorCounters,
        { main: [db({ deadlocks: '6', sessions_fatal: '0', stats_reset: null })] },
        { counterBaseline: baseline(dbCounters(ORDERS, { stats_reset_ms: 0 })) },
      ),
    );
    expect(out.map((f) => [f.value, toTexts(f.message).en])).toEqual([
      [1, '1 deadlocks in database "Orders ""EU""" in the window since 2026-11-18T11:55:00.000Z'],
    ]);
  });

  it('works without session counters (PostgreSQL 12/13)', () => {
    const row = db({
      deadlocks: '6',
      sessions: null,
      sessions_fatal: null,
      sessions_killed: null,
      sessions_abandoned: null,
    });
    const counters = Object.fromEntries(Object.entries(dbCounters(ORDERS)).filter(([k]) => !k.includes('.sessions')));
    const [f] = findings(evaluate(postgresErrorCounters, { main: [row] }, { counterBaseline: baseline(counters) }));
    expect(f).toMatchObject({ severity: 'warning', value: 1 });
    expect(toTexts(f!.message).en).toContain('in the window since');
    expect(f!.evidence).toHaveLength(6);
  });

  it('decides per database: one from the snapshot, a new one since its statistics reset', () => {
    const out = findings(
      evaluate(
        postgresErrorCounters,
        {
          main: [
            db({ deadlocks: '6', sessions_fatal: '0' }),
            db({ datname: 'new db', deadlocks: '1', sessions_fatal: '0' }),
            db({ datname: 'quiet', sessions_fatal: '0' }),
          ],
        },
        { counterBaseline: baseline({ ...dbCounters(ORDERS), ...dbCounters('quiet') }) },
      ),
    );
    expect(out.map((f) => [f.object, f.value, toTexts(f.message).en.includes('in the window since')])).toEqual([
      ['"Orders ""EU"""', 1, true],
      ['"new db"', 1, false],
    ]);
  });
});
