import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11, MYSQL_8_0 } from '../../../test/check-evaluator.js';
import type { StatementSample } from '../../../snapshots/snapshot.model.js';
import { type AnyCheck, type CounterBaseline, type Evaluation, type ServerFacts } from '../../check.types.js';
import { mysqlAdaptiveHashIndex } from './adaptive-hash-index.check.js';
import { mysqlBufferPoolEfficiency } from './buffer-pool-efficiency.check.js';
import { statusKey } from './counter-window.js';
import { mysqlFullScans } from './full-scans.check.js';
import { mysqlLockContention } from './lock-contention.check.js';
import { mysqlLogWaits } from './log-waits.check.js';
import { mysqlSortSpills } from './sort-spills.check.js';
import { mysqlTopSql } from './top-sql.check.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const WINDOW = { from: new Date('2025-12-01T00:00:00Z'), to: NOW };
const MARIADB: ServerFacts = { ...MARIADB_10_11, uptimeSeconds: 10 * 86_400 };

const { evaluate, findings, skipped } = checkEvaluator({
  server: MARIADB,
  window: WINDOW,
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});
const run = (
  check: AnyCheck,
  raw: Record<string, unknown[]>,
  thresholds?: Record<string, unknown>,
  counterBaseline?: CounterBaseline,
): Evaluation =>
  evaluate(check, raw, { ...(thresholds ? { thresholds } : {}), ...(counterBaseline ? { counterBaseline } : {}) });

/** information_schema.GLOBAL_STATUS on MariaDB: upper-case names, values as strings. */
const status = (values: Record<string, number>) =>
  Object.entries({ Uptime: 864_000, ...values }).map(([name, value]) => ({
    name: name.toUpperCase(),
    value: String(value),
  }));

/** A snapshot at the window start (10 days before NOW) holding these status counters. */
const snapshot = (values: Record<string, number>, extra: Partial<CounterBaseline> = {}): CounterBaseline => ({
  takenAt: '2026-11-21T00:00:00.000Z',
  coversWindowStart: true,
  counters: Object.fromEntries(Object.entries(values).map(([k, v]) => [statusKey(k), v])),
  ...extra,
});

describe('mysql.buffer-pool-efficiency (MY-A03)', () => {
  const rows = (requests: number, reads: number) => ({
    status: status({ Innodb_buffer_pool_read_requests: requests, Innodb_buffer_pool_reads: reads }),
    settings: [{ innodb_buffer_pool_size: '134217728' }],
  });

  it.each([
    [1_000_000, 0, null],
    [1_000_000, 10_000, null],
    [1_000_000, 10_001, 'warning'],
    [1_000_000, 50_000, 'warning'],
    [1_000_000, 50_001, 'critical'],
  ])('%i requests, %i disk reads since start → %s', (requests, reads, severity) => {
    const f = findings(run(mysqlBufferPoolEfficiency, rows(requests, reads)));
    if (severity === null) expect(f).toEqual([]);
    else expect(f[0]).toMatchObject({ severity, object: 'innodb_buffer_pool_size' });
  });

  it('grades the window delta, not the totals, and says the period', () => {
    // Totals are 99.9 % efficient, but in the window 20 000 of 200 000 requests went to disk (90 %).
    const base = snapshot({ Innodb_buffer_pool_read_requests: 9_800_000, Innodb_buffer_pool_reads: 0 });
    const [f] = findings(run(mysqlBufferPoolEfficiency, rows(10_000_000, 20_000), undefined, base));
    expect(f).toMatchObject({ severity: 'critical', value: 90, threshold: 95 });
    expect(f!.message.en).toContain('20000 of 200000 read requests');
    expect(f!.message.en).toContain('in the window since 2026-11-21T00:00:00.000Z');
    expect(f!.evidence).toContainEqual({
      counter: 'Innodb_buffer_pool_reads',
      baseline: 0,
      current: 20_000,
      delta: 20_000,
    });
  });

  it('skips with too few read requests in the window', () => {
    const base = snapshot({ Innodb_buffer_pool_read_requests: 9_995_000, Innodb_buffer_pool_reads: 100 });
    const reason = skipped(run(mysqlBufferPoolEfficiency, rows(10_000_000, 5_000), undefined, base));
    expect(reason.en).toContain('only 5000 buffer pool read requests');
    expect(reason.en).toContain('minReadRequests 10000');
  });

  it('counts since server start when the snapshot went backwards, saying so', () => {
    const base = snapshot({ Innodb_buffer_pool_read_requests: 99_000_000, Innodb_buffer_pool_reads: 0 });
    const [f] = findings(run(mysqlBufferPoolEfficiency, rows(1_000_000, 60_000), undefined, base));
    expect(f!.severity).toBe('critical');
    expect(f!.message.en).toContain('server start');
    expect(f!.message.en).toContain('Innodb_buffer_pool_read_requests went backwards');
  });
});

describe('mysql.full-scans (MY-A02)', () => {
  const rows = (joins: number, scans: number) => ({
    status: status({ Select_full_join: joins, Select_scan: scans }),
    performanceSchema: [{ enabled: '0' }],
  });

  it.each([
    [2_500, null],
    [2_501, 'warning'],
  ])('%i full joins over 10 days since start → %s', (joins, severity) => {
    const [f] = findings(run(mysqlFullScans, rows(joins, 40)));
    expect(f!.severity).toBe(severity ?? 'info');
    expect(f!.message.en).toContain('Select_scan, 4 per day');
    expect(f!.message.en).toContain('no statement list: performance_schema is OFF');
  });

  it('rates the window growth per day of the snapshot span', () => {
    // 10 days in the window, 3 000 joins in it: 300 per day.
    const base = snapshot({ Select_full_join: 1_000_000, Select_scan: 5 });
    const [f] = findings(run(mysqlFullScans, rows(1_003_000, 105), undefined, base));
    expect(f).toMatchObject({ severity: 'warning', value: 300, threshold: 250 });
    expect(f!.message.en).toMatch(/^3000 joins without index \(Select_full_join, 300 per day; threshold 250 per day\)/);
    expect(f!.message.en).toContain('100 full scans');
  });

  it('does not extrapolate a few joins right after a snapshot beyond an hour', () => {
    const base = snapshot({ Select_full_join: 0, Select_scan: 0 }, { takenAt: '2026-11-30T23:59:00.000Z' });
    const [f] = findings(run(mysqlFullScans, rows(10, 0), undefined, base));
    expect(f).toMatchObject({ severity: 'info', value: 240 });
  });

  it('lists the statements that ran without an index in the window', () => {
    const digest = (id: string, calls: number, noIndex: number) => ({
      id,
      db: 'app',
      text: `SELECT * FROM t${id}`,
      calls: String(calls),
      total_ms: '10.5',
      rows: '1',
      rows_examined: String(calls * 100),
      errors: '0',
      no_index_used: String(noIndex),
    });
    const [f] = findings(
      run(mysqlFullScans, {
        status: status({ Select_full_join: 0, Select_scan: 70 }),
        performanceSchema: [{ enabled: '1' }],
        digestConsumer: [{ enabled: 'YES' }],
        digests: [digest('a', 50, 0), digest('b', 20, 20), digest('c', 60, 50)],
      }),
    );
    expect(f!.message.en).toContain('2 statement(s) ran without an index, the most often: SELECT * FROM tc (50 times)');
    expect(f!.evidence!.slice(2).map((e) => e.digest)).toEqual(['c', 'b']);
  });
});

describe('mysql.lock-contention (MY-A04)', () => {
  const rows = (v: Partial<Record<string, number>>) => ({
    status: status({
      Innodb_row_lock_waits: 0,
      Innodb_row_lock_time: 0,
      Table_locks_immediate: 1000,
      Table_locks_waited: 0,
      ...v,
    } as Record<string, number>),
  });

  it.each([
    [950, 50, null],
    [949, 51, 'warning'],
    [10, 40, null], // fewer than minTableLocks (100)
  ])('%i immediate, %i waited → %s', (immediate, waited, severity) => {
    const f = findings(
      run(mysqlLockContention, rows({ Table_locks_immediate: immediate, Table_locks_waited: waited })),
    );
    if (severity === null) expect(f).toEqual([]);
    else expect(f[0]).toMatchObject({ severity, object: 'Table_locks_waited', value: 94.9, threshold: 95 });
  });

  it('reports the row-lock waits and their mean wait over the window', () => {
    const base = snapshot({
      Innodb_row_lock_waits: 100,
      Innodb_row_lock_time: 5_000,
      Table_locks_immediate: 500,
      Table_locks_waited: 0,
    });
    const f = findings(
      run(
        mysqlLockContention,
        rows({ Innodb_row_lock_waits: 104, Innodb_row_lock_time: 5_250, Table_locks_immediate: 600 }),
        undefined,
        base,
      ),
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'info', object: 'Innodb_row_lock_waits', value: 62.5 });
    expect(f[0]!.message.en).toBe(
      '4 InnoDB row-lock waits, 250 ms in all, 62.5 ms on average in the window since 2026-11-21T00:00:00.000Z',
    );
  });
});

describe('mysql.log-waits (MY-A05)', () => {
  const rows = (waits: number) => ({
    status: status({ Innodb_log_waits: waits, Innodb_os_log_written: 3 * 1024 ** 3 }),
    settings: [{ innodb_log_buffer_size: '16777216' }],
  });

  it('passes without waits in the window even when there were some before', () => {
    const base = snapshot({ Innodb_log_waits: 7, Innodb_os_log_written: 1024 ** 3 });
    expect(findings(run(mysqlLogWaits, rows(7), undefined, base))).toEqual([]);
  });

  it('warns on any wait, naming innodb_log_buffer_size', () => {
    const base = snapshot({ Innodb_log_waits: 7, Innodb_os_log_written: 1024 ** 3 });
    const [f] = findings(run(mysqlLogWaits, rows(9), undefined, base));
    expect(f).toMatchObject({ severity: 'warning', object: 'innodb_log_buffer_size', value: 2, threshold: 0 });
    expect(f!.message.en).toContain('innodb_log_buffer_size = 16777216 (16.0 MiB)');
    expect(f!.message.en).toContain('2.0 GiB of redo written');
  });
});

describe('mysql.sort-spills (MY-A06)', () => {
  const rows = (passes: number, range: number, scan: number) => ({
    status: status({ Sort_merge_passes: passes, Sort_range: range, Sort_scan: scan }),
    settings: [{ sort_buffer_size: '262144' }],
  });

  it.each([
    [0, 500, 500, null],
    [100, 500, 500, 'info'],
    [101, 500, 500, 'warning'],
    [30, 20, 30, 'info'], // fewer than minSorts: not graded
  ])('%i merge passes, %i range + %i scan sorts → %s', (passes, range, scan, severity) => {
    const f = findings(run(mysqlSortSpills, rows(passes, range, scan)));
    if (severity === null) expect(f).toEqual([]);
    else expect(f[0]).toMatchObject({ severity, object: 'sort_buffer_size' });
  });

  it('counts the window: merge passes before the snapshot do not count', () => {
    const base = snapshot({ Sort_merge_passes: 5_000, Sort_range: 0, Sort_scan: 1_000 });
    expect(findings(run(mysqlSortSpills, rows(5_000, 0, 2_000), undefined, base))).toEqual([]);
    const [f] = findings(run(mysqlSortSpills, rows(5_200, 0, 2_000), undefined, base));
    expect(f).toMatchObject({ severity: 'warning', value: 20 });
    expect(f!.message.en).toContain('200 sort merge passes for 1000 sorts');
  });
});

describe('mysql.adaptive-hash-index (MY-A07)', () => {
  const metrics = (hash: number, btree: number, enabled: string | number = 1) => [
    { NAME: 'adaptive_hash_searches', COUNT: String(hash), ENABLED: enabled },
    { NAME: 'adaptive_hash_searches_btree', COUNT: String(btree), ENABLED: enabled },
  ];
  const INNODB_STATUS =
    'Per second averages calculated from the last 21 seconds\n...\n0.00 hash searches/s, 1523.40 non-hash searches/s\n';

  it('passes with nothing when the adaptive hash index is OFF', () => {
    expect(findings(run(mysqlAdaptiveHashIndex, { settings: [{ enabled: '0' }], metrics: metrics(0, 1e9) }))).toEqual(
      [],
    );
  });

  it.each([
    [600_000, 400_000, null],
    [400_000, 600_000, 'info'],
  ])('%i hash against %i B-tree searches → %s', (hash, btree, severity) => {
    const f = findings(run(mysqlAdaptiveHashIndex, { settings: [{ enabled: '1' }], metrics: metrics(hash, btree) }));
    if (severity === null) expect(f).toEqual([]);
    else {
      expect(f[0]).toMatchObject({ severity, object: 'innodb_adaptive_hash_index', value: 40, threshold: 50 });
      expect(f[0]!.message.en).toContain('since');
    }
  });

  it('reads MySQL STATUS = disabled as disabled and falls back to SHOW ENGINE INNODB STATUS', () => {
    const disabled = metrics(0, 0).map(({ NAME, COUNT }) => ({ NAME, COUNT, STATUS: 'disabled' }));
    const [f] = findings(
      evaluate(
        mysqlAdaptiveHashIndex,
        { settings: [{ enabled: '1' }], metrics: disabled, innodbStatus: [{ Status: INNODB_STATUS }] },
        { server: MYSQL_8_0 },
      ),
    );
    expect(f).toMatchObject({ severity: 'info', value: 0 });
    expect(f!.message.en).toContain('0 hash searches/s against 1523.4 B-tree searches/s');
    expect(f!.message.en).toContain('last 21 seconds');
  });

  it('skips with the reason when the metrics are disabled and INNODB STATUS is not readable', () => {
    const reason = skipped(
      run(mysqlAdaptiveHashIndex, { settings: [{ enabled: '1' }], metrics: metrics(5, 5, 0), innodbStatus: [] }),
    );
    expect(reason.en).toContain('adaptive_hash_searches metrics are disabled');
  });

  it('skips below minSearches and uses a snapshot that holds the metrics', () => {
    expect(
      skipped(run(mysqlAdaptiveHashIndex, { settings: [{ enabled: '1' }], metrics: metrics(10, 10) })).en,
    ).toContain('only 20 index searches');
    const base: CounterBaseline = {
      ...snapshot({}),
      counters: { 'metric.adaptive_hash_searches': 590_000, 'metric.adaptive_hash_searches_btree': 300_000 },
    };
    const [f] = findings(
      run(mysqlAdaptiveHashIndex, { settings: [{ enabled: '1' }], metrics: metrics(600_000, 400_000) }, {}, base),
    );
    expect(f).toMatchObject({ value: 9.09 });
    expect(f!.message.en).toContain('in the window since 2026-11-21');
  });

  it('says the snapshots do not hold the metrics when a snapshot lacks them', () => {
    const [f] = findings(
      run(
        mysqlAdaptiveHashIndex,
        { settings: [{ enabled: '1' }], metrics: metrics(100_000, 900_000) },
        {},
        snapshot({ Uptime: 1 }),
      ),
    );
    expect(f!.message.en).toContain('the stored snapshots do not hold these metrics');
  });
});

describe('mysql.top-sql (MY-A01)', () => {
  const sample = (
    id: string,
    calls: number,
    totalMs: number,
    extras: Record<string, number> = {},
  ): StatementSample => ({
    id,
    database: 'app',
    text: `SELECT /* ${id} */ * FROM t WHERE c = ?`,
    calls,
    totalTimeMs: totalMs,
    rows: calls,
    extras: { rows_examined: calls * 10, errors: 0, no_index_used: 0, ...extras },
  });
  const row = (s: StatementSample) => ({
    id: s.id,
    db: s.database ?? null,
    text: s.text,
    calls: String(s.calls),
    total_ms: s.totalTimeMs.toFixed(6),
    rows: String(s.rows),
    rows_examined: String(s.extras.rows_examined ?? 0),
    errors: String(s.extras.errors ?? 0),
    no_index_used: String(s.extras.no_index_used ?? 0),
  });
  const live = (samples: StatementSample[]) => ({
    performanceSchema: [{ enabled: 1 }],
    digestConsumer: [{ enabled: 'YES' }],
    digests: samples.map(row),
  });

  it('skips when performance_schema is OFF, saying how to enable it', () => {
    const reason = skipped(run(mysqlTopSql, { performanceSchema: [{ enabled: 0 }], digests: [] }));
    expect(reason.en).toContain('enable performance_schema=ON');
    expect(reason.zh).toContain('performance_schema=ON');
  });

  it('skips when the digest consumer is off or the table is unreadable', () => {
    expect(
      skipped(run(mysqlTopSql, { performanceSchema: [{ enabled: 1 }], digestConsumer: [{ enabled: 'NO' }] })).en,
    ).toContain('statements_digest consumer is disabled');
    expect(skipped(run(mysqlTopSql, { performanceSchema: [{ enabled: 1 }], digests: [] })).en).toContain(
      'empty or not readable',
    );
  });

  it('ranks by the window delta: a heavy old digest idle in the window does not count, a new one counts whole', () => {
    const base = snapshot(
      {},
      { statements: [sample('old', 1_000, 900_000), sample('busy', 100, 1_000), sample('idle', 9, 9)] },
    );
    const now = [
      sample('old', 1_001, 900_010), // 1 call, 10 ms in the window
      sample('busy', 400, 61_000, { errors: 3 }), // 300 calls, 60 000 ms
      sample('new', 5, 2_000, { no_index_used: 5 }), // new in the window: counted whole
      sample('idle', 9, 9), // no call in the window: left out
    ];
    const f = findings(run(mysqlTopSql, live(now), undefined, base));
    const [top] = f;
    expect(top!.severity).toBe('info');
    expect(top!.evidence!.map((e) => [e.digest, e.calls, e.totalMs])).toEqual([
      ['busy', 300, 60_000],
      ['new', 5, 2_000],
      ['old', 1, 10],
    ]);
    expect(top!.evidence![1]).toMatchObject({ countedWhole: 'new', meanMs: 400, noIndexUsed: 5 });
    expect(top!.message.en).toContain('in the window since 2026-11-21T00:00:00.000Z');
    expect(top!.message.en).toContain('most errors: `app` SELECT /* busy */');
    expect(f.slice(1)).toEqual([
      expect.objectContaining({ severity: 'warning', object: '`app` digest new', value: 5, threshold: 0 }),
    ]);
    expect(f[1]!.message.en).toContain('Statement #2 by total latency ran 5 of 5 times without using an index');
  });

  it('counts a digest whose counters went backwards since the reset and says so', () => {
    const base = snapshot({}, { statements: [sample('a', 1_000, 50_000)] });
    const [top] = findings(run(mysqlTopSql, live([sample('a', 7, 70)]), undefined, base));
    expect(top!.evidence![0]).toMatchObject({ digest: 'a', calls: 7, countedWhole: 'reset' });
    expect(top!.message.en).toContain('1 digest(s) were reset in the window');
  });

  it('uses the end snapshot of a late run instead of the live digests', () => {
    const base = snapshot(
      {},
      {
        statements: [sample('a', 10, 100)],
        end: { takenAt: '2026-11-30T00:00:00.000Z', counters: {}, statements: [sample('a', 30, 300)] },
      },
    );
    const [top] = findings(run(mysqlTopSql, live([sample('a', 999, 9_999)]), undefined, base));
    expect(top!.evidence![0]).toMatchObject({ calls: 20, totalMs: 200 });
    expect(top!.message.en).toContain('until 2026-11-30T00:00:00.000Z');
  });

  it('is cumulative without a snapshot and says so; keeps the top maxStatements', () => {
    const many = Array.from({ length: 15 }, (_, i) => sample(`d${i}`, 1, 100 + i));
    const [top] = findings(run(mysqlTopSql, live(many)));
    expect(top!.evidence).toHaveLength(10);
    expect(top!.evidence![0]!.digest).toBe('d14');
    expect(top!.message.en).toContain('since the digest table was last truncated or the server started');
    const [three] = findings(run(mysqlTopSql, live(many), { maxStatements: 3 }));
    expect(three!.evidence).toHaveLength(3);
  });

  it('ranks statements on performance_schema / information_schema but does not warn about their index use', () => {
    const monitoring = {
      ...sample('ps', 4, 5_000, { no_index_used: 4 }),
      text: 'SELECT `DIGEST` FROM `performance_schema` . `events_statements_summary_by_digest` LIMIT ?',
      database: undefined,
    };
    const show = { ...sample('show', 2, 4_000, { no_index_used: 2 }), text: 'SHOW ENGINE INNODB STATUS' };
    const user = sample('user', 3, 3_000, { no_index_used: 3 });
    const f = findings(run(mysqlTopSql, live([monitoring, show, user])));
    expect(f[0]!.evidence!.map((e) => e.digest)).toEqual(['ps', 'show', 'user']);
    expect(f.slice(1).map((x) => x.object)).toEqual(['`app` digest user']);
  });

  it('truncates long statement texts in the evidence', () => {
    const long = { ...sample('x', 1, 1), text: `SELECT ${'c, '.repeat(300)}1` };
    const [top] = findings(run(mysqlTopSql, live([long])));
    expect(String(top!.evidence![0]!.text)).toHaveLength(200);
  });
});
