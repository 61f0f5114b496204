import { describe, expect, it } from 'vitest';
import type { CounterBaseline } from '../../check.types.js';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import type { StatementSample } from '../../../snapshots/snapshot.model.js';
import { postgresBufferWrites } from './buffer-writes.check.js';
import { postgresCacheHitRatio } from './cache-hit-ratio.check.js';
import { postgresIndexCandidates } from './index-candidates.check.js';
import { postgresLargeTableSeqScans } from './large-table-seq-scans.check.js';
import { postgresRollbackRatio } from './rollback-ratio.check.js';
import { postgresTempSpills } from './temp-spills.check.js';
import { postgresTopSql } from './top-sql.check.js';
import { postgresWaitEvents } from './wait-events.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings, skipped } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

const RESET = new Date('2026-11-01T00:00:00Z');
/** A snapshot at the window start, one week before `now`. */
const baseline = (counters: Record<string, number>, statements?: StatementSample[]): CounterBaseline => ({
  takenAt: window.from.toISOString(),
  coversWindowStart: true,
  counters,
  ...(statements ? { statements } : {}),
});
/** Table rows written `as const` as the evaluator takes them. */
const mutable = (rows: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown[]> =>
  Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, [...v]]));
const severities = (e: ReturnType<typeof evaluate>) => findings(e).map((f) => f.severity);

describe('postgres.cache-hit-ratio', () => {
  const row = (hit: number, read: number, datname = 'shop') => ({
    datname,
    blks_hit: String(hit),
    blks_read: String(read),
    stats_reset: RESET,
  });
  it.each([
    ['95 % cumulative', row(95_000, 5_000), undefined, []],
    ['85 % cumulative', row(85_000, 15_000), undefined, ['warning']],
    ['79 % cumulative', row(79_000, 21_000), undefined, ['critical']],
    ['90 % is not below 90', row(90_000, 10_000), undefined, []],
    ['too few reads', row(10, 90), undefined, []],
    // cumulative 99 %, but the window alone: 5 000 hits of 10 000 reads = 50 %
    [
      'window only',
      row(995_000, 15_000),
      { 'db.shop.blks_hit': 990_000, 'db.shop.blks_read': 10_000, 'db.shop.stats_reset_ms': RESET.getTime() },
      ['critical'],
    ],
    // the window alone is good (100 %) though the cumulative ratio is poor
    [
      'window hides history',
      row(60_000, 40_000),
      { 'db.shop.blks_hit': 40_000, 'db.shop.blks_read': 40_000, 'db.shop.stats_reset_ms': RESET.getTime() },
      [],
    ],
  ] as const)('%s', (_name, r, counters, expected) => {
    const out = evaluate(postgresCacheHitRatio, { main: [r] }, counters ? { counterBaseline: baseline(counters) } : {});
    expect(severities(out)).toEqual(expected);
  });

  it('states the window and falls back when statistics were reset since the snapshot', () => {
    const counters = { 'db.shop.blks_hit': 990_000, 'db.shop.blks_read': 10_000, 'db.shop.stats_reset_ms': 1 };
    const [f] = findings(
      evaluate(postgresCacheHitRatio, { main: [row(70_000, 30_000)] }, { counterBaseline: baseline(counters) }),
    );
    expect(f!.message.en).toContain('since 2026-11-01T00:00:00.000Z');
    expect(f!.message.en).toContain('statistics reset since');
    const [w] = findings(
      evaluate(
        postgresCacheHitRatio,
        { main: [row(995_000, 15_000)] },
        {
          counterBaseline: baseline({
            'db.shop.blks_hit': 990_000,
            'db.shop.blks_read': 10_000,
            'db.shop.stats_reset_ms': RESET.getTime(),
          }),
        },
      ),
    );
    expect(w!.message.en).toBe(
      `50.0 % of 10000 block reads hit shared_buffers in database "shop" (threshold 80 %) in the window since ${window.from.toISOString()}`,
    );
    expect(w!.value).toBe(50);
  });
});

describe('counted period of pg_stat_database counters', () => {
  const row = { datname: 'shop', blks_hit: '70000', blks_read: '30000', stats_reset: RESET };
  const message = (counters: Record<string, number>) =>
    findings(evaluate(postgresCacheHitRatio, { main: [row] }, { counterBaseline: baseline(counters) }))[0]?.message.en;
  it.each([
    ['a database created since the snapshot', {}, 'the database is not in it'],
    [
      'a counter that went backwards',
      { 'db.shop.blks_hit': 80_000, 'db.shop.blks_read': 0, 'db.shop.stats_reset_ms': RESET.getTime() },
      'blks_hit went backwards',
    ],
    [
      'a counter the snapshot lacks',
      { 'db.shop.blks_hit': 0, 'db.shop.stats_reset_ms': RESET.getTime() },
      'it lacks blks_read',
    ],
  ] as const)('%s: cumulative, and why', (_name, counters, reason) => {
    const m = message(counters);
    expect(m).toContain('since 2026-11-01T00:00:00.000Z; window start not covered');
    expect(m).toContain(reason);
  });
  it('a late run counts up to the end snapshot', () => {
    const start = { 'db.shop.blks_hit': 0, 'db.shop.blks_read': 0, 'db.shop.stats_reset_ms': RESET.getTime() };
    const end = {
      takenAt: '2026-11-25T00:00:00.000Z',
      counters: { ...start, 'db.shop.blks_hit': 50, 'db.shop.blks_read': 50_000 },
    };
    const [f] = findings(
      evaluate(postgresCacheHitRatio, { main: [row] }, { counterBaseline: { ...baseline(start), end } }),
    );
    expect(f).toMatchObject({ severity: 'critical', value: 0.1 });
    expect(f!.message.en).toContain('until 2026-11-25T00:00:00.000Z');
  });
});

describe('postgres.rollback-ratio', () => {
  const row = (commit: number, rollback: number) => ({
    datname: 'shop',
    xact_commit: String(commit),
    xact_rollback: String(rollback),
    stats_reset: null,
  });
  it.each([
    ['0.5 % is not over', row(995, 5), undefined, []],
    ['0.6 %', row(994, 6), undefined, ['warning']],
    ['1.1 %', row(989, 11), undefined, ['critical']],
    ['too few transactions', row(10, 5), undefined, []],
    ['history only', row(100_000, 5_000), { c: 100_000, r: 5_000 }, []],
    ['window only: 100 of 2 000', row(101_900, 5_100), { c: 100_000, r: 5_000 }, ['critical']],
  ] as const)('%s', (_name, r, base, expected) => {
    const counters = base
      ? baseline({ 'db.shop.xact_commit': base.c, 'db.shop.xact_rollback': base.r, 'db.shop.stats_reset_ms': 0 })
      : undefined;
    expect(
      severities(evaluate(postgresRollbackRatio, { main: [r] }, counters ? { counterBaseline: counters } : {})),
    ).toEqual(expected);
  });
  it('says the period when statistics were never reset', () => {
    const [f] = findings(evaluate(postgresRollbackRatio, { main: [row(900, 100)] }));
    expect(f!.message.en).toContain(
      'since the statistics were initialised (stats_reset is null); window start not covered',
    );
  });
});

describe('postgres.temp-spills', () => {
  const GiB = 1024 ** 3;
  const row = (files: number, bytes: number) => ({
    datname: 'shop',
    temp_files: String(files),
    temp_bytes: String(bytes),
    stats_reset: new Date(now.getTime() - 10 * 86_400_000),
  });
  it.each([
    ['no spills', row(0, 0), []],
    ['100 files is not over', row(100, 1024), []],
    ['101 files', row(101, 1024), ['warning']],
    ['11 GiB a day over 10 days', row(5, 110 * GiB), ['warning']],
    ['101 GiB a day', row(5, 1010 * GiB), ['critical']],
  ] as const)('%s', (_name, r, expected) => {
    expect(severities(evaluate(postgresTempSpills, { main: [r] }))).toEqual(expected);
  });

  it('counts the window and names the statement that spilled most in it', () => {
    const counters = {
      'db.shop.temp_files': 1_000,
      'db.shop.temp_bytes': 0,
      'db.shop.stats_reset_ms': now.getTime() - 10 * 86_400_000,
    };
    const sample = (id: string, temp: number): StatementSample => ({
      id,
      database: 'shop',
      user: 'app',
      text: `SELECT ${id}`,
      calls: 10,
      totalTimeMs: 100,
      rows: 1,
      extras: { temp_blks_written: temp },
    });
    const stmt = (id: string, temp: number) => ({
      id,
      database: 'shop',
      user: 'app',
      text: `SELECT ${id}`,
      calls: '20',
      total_ms: '200',
      rows: '2',
      shared_blks_hit: '0',
      shared_blks_read: '0',
      temp_blks_written: String(temp),
      wal_bytes: null,
    });
    // 1 000 files before the window, 1 150 now: 150 in the window; statement 1 wrote 1 000 blocks in it, 2 wrote 10
    const out = findings(
      evaluate(
        postgresTempSpills,
        { main: [row(1_150, 4 * GiB)], info: [], statements: [stmt('1', 2_000), stmt('2', 1_000_010)] },
        { counterBaseline: baseline(counters, [sample('1', 1_000), sample('2', 1_000_000)]) },
      ),
    );
    expect(out.map((f) => f.severity)).toEqual(['warning']);
    expect(out[0]!.value).toBe(150);
    expect(out[0]!.message.en).toContain('most by SELECT 1 (7.8 MiB in 10 calls)');
  });
});

describe('postgres.buffer-writes', () => {
  const bg = (checkpoint: number, clean: number, backend: number | null) => ({
    buffers_checkpoint: String(checkpoint),
    buffers_clean: String(clean),
    buffers_backend: backend === null ? null : String(backend),
    checkpoint_write_time: '120000',
    checkpoint_sync_time: '3000',
    stats_reset_ms: String(RESET.getTime()),
  });
  it.each([
    ['checkpointer writes most', { bgwriter: [bg(80_000, 10_000, 10_000)] }, ['info']],
    ['backends write 60 %', { bgwriter: [bg(30_000, 10_000, 60_000)] }, ['warning']],
    ['too few writes', { bgwriter: [bg(10, 10, 100)] }, []],
    [
      '16+: pg_stat_io by backend type',
      {
        bgwriter: [bg(0, 0, 0)],
        io: [
          { backend_type: 'checkpointer', writes: '20000', stats_reset_ms: '0' },
          { backend_type: 'background writer', writes: '5000', stats_reset_ms: '0' },
          { backend_type: 'client backend', writes: '30000', stats_reset_ms: '0' },
          { backend_type: 'autovacuum worker', writes: '5000', stats_reset_ms: '0' },
        ],
      },
      ['warning'],
    ],
  ] as const)('%s', (_name, rows, expected) => {
    expect(severities(evaluate(postgresBufferWrites, mutable(rows)))).toEqual(expected);
  });

  it('17+: no buffers_backend and no pg_stat_io is skipped with the reason', () => {
    expect(skipped(evaluate(postgresBufferWrites, { bgwriter: [bg(1, 1, null)], io: [] })).en).toContain('pg_stat_io');
  });

  it('subtracts the window-start snapshot', () => {
    const counters = {
      'bgwriter.buffers_checkpoint': 0,
      'bgwriter.buffers_clean': 0,
      'bgwriter.buffers_backend': 59_000,
      'bgwriter.checkpoint_write_time': 0,
      'bgwriter.checkpoint_sync_time': 0,
      'bgwriter.stats_reset_ms': RESET.getTime(),
    };
    // cumulatively backends wrote 60 %, in the window 1 000 of 41 000
    const [f] = findings(
      evaluate(
        postgresBufferWrites,
        { bgwriter: [bg(30_000, 10_000, 60_000)] },
        { counterBaseline: baseline(counters) },
      ),
    );
    expect(f).toMatchObject({ severity: 'info', value: 2.4 });
    expect(f!.message.en).toContain('41000 blocks written (pg_stat_bgwriter)');
    expect(f!.message.en).toContain('120.0 s writing');
  });
});

describe('postgres.large-table-seq-scans', () => {
  const row = (over: Record<string, unknown> = {}) => ({
    datname: 'shop',
    schemaname: 'public',
    relname: 'orders',
    n_live_tup: '150000',
    seq_scan: '100000',
    idx_scan: '10',
    seq_tup_read: '15000000000',
    stats_reset: new Date(now.getTime() - 1000 * 60_000),
    ...over,
  });
  const key = 'table.shop.public.orders.seq_scan';
  it.each([
    ['100 /min cumulative', row(), undefined, ['critical']],
    ['10 /min cumulative', row({ seq_scan: '10000' }), undefined, ['warning']],
    ['9 /min', row({ seq_scan: '9000' }), undefined, []],
    ['small table', row({ n_live_tup: '100000' }), undefined, []],
    ['never reset: no rate, information', row({ stats_reset: null }), undefined, ['info']],
    // 10 080 minutes in the window; 100 080 − 100 000 = 80 scans: well under 10/min
    [
      'the window: 80 scans in a week',
      row({ seq_scan: '100080', stats_reset: null }),
      { [key]: 100_000, 'db.shop.stats_reset_ms': 0 },
      [],
    ],
    [
      'the window: 200 000 scans in a week',
      row({ seq_scan: '300000', stats_reset: null }),
      { [key]: 100_000, 'db.shop.stats_reset_ms': 0 },
      ['warning'],
    ],
  ] as const)('%s', (_name, r, counters, expected) => {
    expect(
      severities(
        evaluate(postgresLargeTableSeqScans, { main: [r] }, counters ? { counterBaseline: baseline(counters) } : {}),
      ),
    ).toEqual(expected);
  });
});

describe('postgres.wait-events', () => {
  it('reports the top waits as information, as average sessions over the burst', () => {
    const out = findings(
      evaluate(postgresWaitEvents, {
        main: [
          {
            wait_event_type: 'IO',
            wait_event: 'DataFileRead',
            samples: 150,
            sessions: 3,
            backend_types: 'client backend',
            description: null,
          },
          {
            wait_event_type: 'CPU',
            wait_event: 'running',
            samples: 50,
            sessions: 2,
            backend_types: 'client backend',
            description: null,
          },
        ],
      }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.severity).toBe('info');
    expect(out[0]!.message.en).toContain('IO:DataFileRead 1.50, CPU:running 0.50');
    expect(out[0]!.message.en).toContain('A short burst');
  });
  it('nothing waiting: no finding', () => {
    expect(findings(evaluate(postgresWaitEvents, { main: [] }))).toEqual([]);
  });
});

describe('postgres.index-candidates', () => {
  const scanned = (over: Record<string, unknown> = {}) => ({
    schemaname: 'public',
    relname: 'orders',
    n_live_tup: '50000',
    seq_scan: '500',
    seq_tup_read: '25000000',
    idx_scan: '3',
    ...over,
  });
  const skewed = (over: Record<string, unknown> = {}) => ({
    schemaname: 'public',
    tablename: 'orders',
    indexname: 'orders_cancelled_at_idx',
    column_name: 'cancelled_at',
    null_frac: '0.95',
    top_value: null,
    top_freq: null,
    reltuples: '50000',
    index_bytes: '1048576',
    ...over,
  });
  it.each([
    ['a scanned table', { scanned: [scanned()] }, 1],
    ['few scans', { scanned: [scanned({ seq_scan: '10', seq_tup_read: '500000' })] }, 0],
    ['more index scans', { scanned: [scanned({ idx_scan: '5000' })] }, 0],
    ['small table', { scanned: [scanned({ n_live_tup: '5000' })] }, 0],
    ['mostly NULL', { skewed: [skewed()] }, 1],
    ['mostly one value', { skewed: [skewed({ null_frac: '0', top_value: "it's", top_freq: '0.9' })] }, 1],
    ['spread values', { skewed: [skewed({ null_frac: '0.1', top_value: 'a', top_freq: '0.2' })] }, 0],
  ] as const)('%s', (_name, rows, n) => {
    const out = findings(evaluate(postgresIndexCandidates, mutable(rows)));
    expect(out).toHaveLength(n);
    for (const f of out) expect(f.severity).toBe('info');
  });
  it('suggests the partial predicate', () => {
    const [f] = findings(
      evaluate(postgresIndexCandidates, { skewed: [skewed({ null_frac: '0', top_value: "it's", top_freq: '0.9' })] }),
    );
    expect(f!.message.en).toContain(`WHERE "cancelled_at" <> 'it''s'`);
  });
});

describe('postgres.top-sql', () => {
  const ext = { datname: 'postgres', schema: 'public', on_path: true, preloaded: true };
  const stmt = (id: string, calls: number, totalMs: number, over: Record<string, unknown> = {}) => ({
    id,
    database: 'shop',
    user: 'app',
    text: `SELECT /* ${id} */ 1`,
    calls: String(calls),
    total_ms: String(totalMs),
    rows: String(calls),
    shared_blks_hit: '10',
    shared_blks_read: '1',
    temp_blks_written: '0',
    wal_bytes: '0',
    ...over,
  });
  const sample = (id: string, calls: number, totalMs: number): StatementSample => ({
    id,
    database: 'shop',
    user: 'app',
    text: `SELECT /* ${id} */ 1`,
    calls,
    totalTimeMs: totalMs,
    rows: calls,
    extras: { shared_blks_hit: 5, shared_blks_read: 1, temp_blks_written: 0, wal_bytes: 0 },
  });

  it.each([
    ['not preloaded', { ...ext, preloaded: false }, 'shared_preload_libraries'],
    ['not created', { ...ext, schema: null, on_path: false }, 'CREATE EXTENSION pg_stat_statements'],
    ['not on the search path', { ...ext, schema: 'monitoring', on_path: false }, 'not on the search_path'],
  ] as const)('skipped: %s', (_name, e, reason) => {
    expect(skipped(evaluate(postgresTopSql, { extension: [e] })).en).toContain(reason);
  });

  it('cumulative without a snapshot: the slow statement is a warning', () => {
    const out = findings(
      evaluate(postgresTopSql, { extension: [ext], statements: [stmt('1', 10, 20_000), stmt('2', 1000, 500)] }),
    );
    expect(out.map((f) => f.severity)).toEqual(['info', 'warning']);
    expect(out[1]).toMatchObject({ object: 'queryid 1 (app@shop)', value: 2, threshold: 1 });
    expect(out[0]!.message.en).toContain('window start not covered');
  });

  it('over the window: history is subtracted, ordering and means follow the window', () => {
    // statement 1 was slow before the window (10 calls, 20 s) and fast in it (10 more calls, 0.1 s);
    // statement 2 is new in the window, statement 3 did not run in it
    const out = findings(
      evaluate(
        postgresTopSql,
        {
          extension: [ext],
          info: [{ dealloc: '3', stats_reset: RESET }],
          statements: [stmt('1', 20, 20_100), stmt('2', 4, 6_000), stmt('3', 5, 50)],
        },
        {
          counterBaseline: baseline({ 'pgss.dealloc': 1, 'pgss.stats_reset_ms': RESET.getTime() }, [
            sample('1', 10, 20_000),
            sample('3', 5, 50),
          ]),
        },
      ),
    );
    expect(out.map((f) => [f.severity, f.object])).toEqual([
      ['info', 'pg_stat_statements'],
      ['warning', 'queryid 2 (app@shop)'],
    ]);
    const evidence = out[0]!.evidence!;
    expect(evidence.map((e) => e.queryid)).toEqual(['2', '1']);
    expect(evidence[1]).toMatchObject({ calls: 10, total_ms: 100, mean_ms: 10, shared_blks_hit: 5 });
    expect(out[0]!.message.en).toContain('evicted entries 2 times');
    expect(out[0]!.message.en).toContain('1 statements had no window-start sample');
    expect(out[0]!.message.en).toContain(`in the window since ${window.from.toISOString()}`);
  });

  it('a reset of pg_stat_statements in the window: counts since the reset, and says so', () => {
    const reset = new Date('2026-11-20T00:00:00Z');
    const [f] = findings(
      evaluate(
        postgresTopSql,
        { extension: [ext], info: [{ dealloc: '0', stats_reset: reset }], statements: [stmt('1', 2, 100)] },
        {
          counterBaseline: baseline({ 'pgss.dealloc': 0, 'pgss.stats_reset_ms': RESET.getTime() }, [
            sample('1', 10, 20_000),
          ]),
        },
      ),
    );
    expect(f!.message.en).toContain(`since pg_stat_statements was reset at ${reset.toISOString()}, inside the window`);
    expect(f!.evidence![0]).toMatchObject({ calls: 2, total_ms: 100 });
  });

  it('a late run takes the window end from the end snapshot', () => {
    const base: CounterBaseline = {
      ...baseline({}, [sample('1', 10, 1_000)]),
      end: { takenAt: now.toISOString(), counters: {}, statements: [sample('1', 14, 9_000)] },
    };
    const out = findings(
      evaluate(postgresTopSql, { extension: [ext], statements: [stmt('1', 100, 900_000)] }, { counterBaseline: base }),
    );
    expect(out.map((f) => f.severity)).toEqual(['info', 'warning']);
    expect(out[1]!.value).toBe(2);
  });
});
