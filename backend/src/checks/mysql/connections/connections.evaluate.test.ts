import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11 } from '../../../test/check-evaluator.js';
import {
  toTexts,
  type AnyCheck,
  type CounterBaseline,
  type Evaluation,
  type Message,
  type QuerySpec,
  type ServerFacts,
} from '../../check.types.js';
import { pickSqlVariant } from '../../sql-variant.js';
import { mysqlAbortedConnections } from './aborted-connections.check.js';
import { mysqlConnectionSaturation } from './connection-saturation.check.js';

const en = (m: Message): string => toTexts(m).en;

const NOW = new Date('2026-11-24T12:00:00Z');
const WINDOW = { from: new Date('2026-11-23T12:00:00Z'), to: NOW };
const MARIADB: ServerFacts = { ...MARIADB_10_11, uptimeSeconds: 10 * 86_400 };

const { evaluate, findings } = checkEvaluator({
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
const status = (values: Record<string, string>) =>
  Object.entries(values).map(([name, value]) => ({ name: name.toUpperCase(), value }));

describe('global status source', () => {
  it('reads performance_schema.global_status on MySQL ≥ 5.7 and information_schema elsewhere', () => {
    const sql = (mysqlConnectionSaturation.queries.status as QuerySpec<unknown>).sql;
    expect(pickSqlVariant(sql, 'mysql', 80036)?.sql).toContain('performance_schema.global_status');
    expect(pickSqlVariant(sql, 'mysql', 50651)?.sql).toContain('information_schema.GLOBAL_STATUS');
    expect(pickSqlVariant(sql, 'mariadb', 101119)?.sql).toContain('information_schema.GLOBAL_STATUS');
  });
});

describe('mysql.connection-saturation (MY-D05)', () => {
  const rows = (peak: number, connected: number, extra: Record<string, string> = {}) => ({
    status: status({
      Max_used_connections: String(peak),
      Threads_connected: String(connected),
      Uptime: '864000',
      ...extra,
    }),
    settings: [{ max_connections: '1000' }],
  });

  it.each([
    [500, 20, null],
    [800, 20, null],
    [801, 20, 'warning'],
    [900, 20, 'warning'],
    [901, 20, 'critical'],
    [850, 920, 'critical'],
  ])('peak %i, now %i of 1000 → %s', (peak, connected, severity) => {
    const e = findings(run(mysqlConnectionSaturation, rows(peak, connected)));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, object: 'max_connections' });
  });

  it('says the peak is since the server start and not the window', () => {
    const [f] = findings(
      run(
        mysqlConnectionSaturation,
        rows(950, 12, { Connection_errors_max_connections: '4', Max_used_connections_time: '2026-11-20 09:13:02' }),
      ),
    );
    expect(f).toMatchObject({ value: 95, threshold: 90 });
    expect(en(f!.message)).toContain('since 2026-11-14T12:00:00.000Z (server start; window start not covered)');
    expect(en(f!.message)).toContain('at 2026-11-20 09:13:02 server time');
    expect(en(f!.message)).toContain('4 connection attempts were refused');
  });

  it('accepts the MySQL spelling of the names (mixed case, numbers)', () => {
    const e = run(mysqlConnectionSaturation, {
      status: [
        { name: 'Max_used_connections', value: '151' },
        { name: 'Threads_connected', value: '3' },
      ],
      settings: [{ max_connections: 151 }],
    });
    expect(findings(e)[0]).toMatchObject({ severity: 'critical', value: 100 });
  });

  it('is skipped without the counters', () => {
    expect(run(mysqlConnectionSaturation, { status: [], settings: [{ max_connections: '151' }] })).toHaveProperty(
      'skipped',
    );
  });
});

describe('mysql.aborted-connections (MY-D06)', () => {
  const rows = (aborted: number, connections: number, extra: Record<string, string> = {}) => ({
    status: status({
      Aborted_connects: String(aborted),
      Connections: String(connections),
      Aborted_clients: '5',
      Uptime: '3600',
      ...extra,
    }),
  });

  it.each([
    [0, 0, null],
    [3, 100, null],
    [4, 100, 'warning'],
    [40, 100, 'warning'],
  ])('%i of %i → %s', (aborted, connections, severity) => {
    const e = findings(run(mysqlAbortedConnections, rows(aborted, connections)));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, object: 'db1', threshold: 3 });
  });

  it('labels the counters since the server start (within the window) and lists connection errors', () => {
    const [f] = findings(run(mysqlAbortedConnections, rows(10, 200, { Connection_errors_peer_address: '2' })));
    expect(f).toMatchObject({ value: 5 });
    expect(en(f!.message)).toContain('since 2026-11-24T11:00:00.000Z (server start, within the window)');
    expect(en(f!.message)).toContain('Connection_errors_peer_address = 2');
    expect(f!.evidence?.[0]).toMatchObject({ Aborted_connects: 10, Connections: 200, Aborted_clients: 5 });
  });

  it('honours a configured threshold', () => {
    expect(findings(run(mysqlAbortedConnections, rows(1, 1000), { warnPercent: 0 }))).toHaveLength(1);
  });

  it('is skipped without the counters', () => {
    expect(run(mysqlAbortedConnections, { status: [] })).toHaveProperty('skipped');
  });
});

describe('mysql.aborted-connections (MY-D06) over a counter baseline', () => {
  /** Current counters; the server has run 10 days, so "since start" would cover far more than the window. */
  const rows = (aborted: number, connections: number, extra: Record<string, string> = {}) => ({
    status: status({
      Aborted_connects: String(aborted),
      Connections: String(connections),
      Aborted_clients: '25',
      Uptime: '864000',
      Connection_errors_accept: '0',
      Connection_errors_internal: '0',
      Connection_errors_max_connections: '7',
      Connection_errors_peer_address: '3',
      Connection_errors_select: '0',
      Connection_errors_tcpwrap: '0',
      ...extra,
    }),
  });
  /** As the snapshot collector stores them: `status.<lower-case name>`, numbers. */
  const baseline = (counters: Record<string, number>, over: Partial<CounterBaseline> = {}): CounterBaseline => ({
    takenAt: '2026-11-23T11:55:00.000Z',
    coversWindowStart: true,
    counters: {
      'status.aborted_connects': 1000,
      'status.connections': 100_000,
      'status.aborted_clients': 20,
      'status.connection_errors_accept': 0,
      'status.connection_errors_internal': 0,
      'status.connection_errors_max_connections': 7,
      'status.connection_errors_peer_address': 1,
      'status.connection_errors_select': 0,
      'status.connection_errors_tcpwrap': 0,
      'status.innodb_deadlocks': 3,
      ...counters,
    },
    ...over,
  });

  it.each([
    ['Δ 0 of 0 attempts → pass', 1000, 100_000, 1000, null, null],
    ['Δ 30 of 1000 = 3 % is not over → pass', 1030, 101_000, 1000, null, null],
    ['Δ 31 of 1000 = 3.1 % → warning', 1031, 101_000, 1000, 'warning', 3.1],
    ['Δ 500 of 1000 → warning', 1500, 101_000, 1000, 'warning', 50],
    ['Δ 10 of 100 000 although the total is 5.5 % → pass', 11_010, 200_000, 11_000, null, null],
  ] as const)('%s', (_name, aborted, connections, baseAborted, severity, value) => {
    const e = findings(
      run(
        mysqlAbortedConnections,
        rows(aborted, connections),
        undefined,
        baseline({ 'status.aborted_connects': baseAborted }),
      ),
    );
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, value, threshold: 3, object: 'db1' });
  });

  it('says the delta covers the window and lists the connection errors of the window only', () => {
    const [f] = findings(run(mysqlAbortedConnections, rows(1040, 101_000), undefined, baseline({})));
    expect(en(f!.message)).toBe(
      '40 of 1000 connection attempts failed (4.00 %) in the window since 2026-11-23T11:55:00.000Z; threshold 3 %; Connection_errors_peer_address = 2',
    );
    expect(toTexts(f!.message).zh).toBe(
      '1000 次连接尝试中有 40 次失败（4.00%），统计区间：窗口内自 2026-11-23T11:55:00.000Z 起；阈值 3%；Connection_errors_peer_address = 2',
    );
    expect(f!.evidence).toContainEqual({ counter: 'Aborted_connects', baseline: 1000, current: 1040, delta: 40 });
    expect(f!.evidence).toContainEqual({ counter: 'Connections', baseline: 100_000, current: 101_000, delta: 1000 });
    expect(f!.evidence).toContainEqual({ counter: 'Aborted_clients', baseline: 20, current: 25, delta: 5 });
    expect(f!.evidence).toHaveLength(9);
  });

  it('says when the first snapshot is inside the window', () => {
    const [f] = findings(
      run(
        mysqlAbortedConnections,
        rows(1040, 101_000),
        undefined,
        baseline({}, { takenAt: '2026-11-24T03:15:00.000Z', coversWindowStart: false }),
      ),
    );
    expect(en(f!.message)).toContain(
      '(4.00 %) since 2026-11-24T03:15:00.000Z (first snapshot in the window; window start not covered); threshold 3 %',
    );
  });

  it.each([
    ['Aborted_connects went backwards', { 'status.aborted_connects': 6000 }, 'Aborted_connects went backwards'],
    ['Connections went backwards', { 'status.connections': 300_000 }, 'Connections went backwards'],
  ])('%s: falls back to the totals since the server start', (_name, counters, reason) => {
    const [f] = findings(run(mysqlAbortedConnections, rows(5000, 101_000), undefined, baseline(counters)));
    expect(f).toMatchObject({ severity: 'warning', value: 4.95 });
    expect(en(f!.message)).toContain(
      `5000 of 101000 connection attempts failed (4.95 %) since 2026-11-14T12:00:00.000Z (server start; window start not covered) (snapshot of 2026-11-23T11:55:00.000Z not used: ${reason}`,
    );
  });

  it('falls back when the snapshot lacks a deciding counter, and ignores a side counter it lacks', () => {
    const lacking: Record<string, number> = { ...baseline({}).counters };
    delete lacking['status.connections'];
    const [f] = findings(
      run(mysqlAbortedConnections, rows(5000, 101_000), undefined, { ...baseline({}), counters: lacking }),
    );
    expect(en(f!.message)).toContain('(server start; window start not covered) (snapshot of');
    expect(en(f!.message)).toContain('not used: it lacks Connections)');

    const noSide: Record<string, number> = { ...baseline({}).counters };
    delete noSide['status.connection_errors_peer_address'];
    const [g] = findings(
      run(mysqlAbortedConnections, rows(1040, 101_000), undefined, { ...baseline({}), counters: noSide }),
    );
    expect(en(g!.message)).toMatch(/^40 of 1000 .* in the window since .*; threshold 3 %$/);
    expect(g!.evidence).toContainEqual({
      counter: 'Connection_errors_peer_address',
      baseline: null,
      current: 3,
      delta: null,
    });
  });

  it('applies a configured threshold to the delta', () => {
    expect(findings(run(mysqlAbortedConnections, rows(1001, 101_000), { warnPercent: 0 }, baseline({})))).toHaveLength(
      1,
    );
    expect(findings(run(mysqlAbortedConnections, rows(1000, 101_000), { warnPercent: 0 }, baseline({})))).toEqual([]);
  });
});
