import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCheck, CheckContext, Evaluation, QuerySpec, ServerFacts } from '../../check.types.js';
import { pickSqlVariant } from '../../sql-variant.js';
import { mysqlAbortedConnections } from './aborted-connections.check.js';
import { mysqlConnectionSaturation } from './connection-saturation.check.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const WINDOW = { from: new Date('2026-11-23T12:00:00Z'), to: NOW };
const MARIADB: ServerFacts = {
  engine: 'mariadb',
  flavor: 'mariadb',
  version: '10.11.19',
  versionNum: 101119,
  versionString: '10.11.19-MariaDB-0+deb12u1',
  role: 'primary',
  uptimeSeconds: 10 * 86_400,
  readOnly: false,
};

function run(check: AnyCheck, raw: Record<string, unknown[]>, thresholds?: unknown): Evaluation {
  const queries = check.queries as Record<string, QuerySpec<unknown>>;
  const rows = Object.fromEntries(
    Object.entries(queries).map(([name, q]) => [name, z.array(q.row).parse(raw[name] ?? [])]),
  );
  const ctx: CheckContext<unknown> = {
    server: MARIADB,
    window: WINDOW,
    now: NOW,
    instance: { name: 'db1' },
    thresholds: thresholds ?? check.thresholds.defaults,
  };
  return check.evaluate(rows, ctx);
}
const findings = (e: Evaluation) => {
  if (!Array.isArray(e)) throw new Error(`expected findings, got ${JSON.stringify(e)}`);
  return e;
};

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
    expect(f!.message).toContain('since 2026-11-14T12:00:00.000Z (server start; window start not covered)');
    expect(f!.message).toContain('at 2026-11-20 09:13:02 server time');
    expect(f!.message).toContain('4 connection attempts were refused');
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
    expect(f!.message).toContain('since 2026-11-24T11:00:00.000Z (server start, within the window)');
    expect(f!.message).toContain('Connection_errors_peer_address = 2');
    expect(f!.evidence?.[0]).toMatchObject({ Aborted_connects: 10, Connections: 200, Aborted_clients: 5 });
  });

  it('honours a configured threshold', () => {
    expect(findings(run(mysqlAbortedConnections, rows(1, 1000), { warnPercent: 0 }))).toHaveLength(1);
  });

  it('is skipped without the counters', () => {
    expect(run(mysqlAbortedConnections, { status: [] })).toHaveProperty('skipped');
  });
});
