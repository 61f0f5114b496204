import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCheck, Evaluation, FindingDraft, InstanceInfo, QuerySpec } from '../../check.types.js';
import { postgresErrorCounters } from './error-counters.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const server = {
  engine: 'postgres',
  flavor: 'postgres',
  version: '15.20',
  versionNum: 150020,
  versionString: '15.20',
  role: 'primary',
  uptimeSeconds: 86_400,
  readOnly: false,
} as const;

/** Parses raw driver rows through the check's row schemas, then evaluates. */
function evaluate(
  check: AnyCheck,
  raw: Record<string, unknown[]>,
  opts: { thresholds?: Record<string, unknown>; instance?: Partial<InstanceInfo> } = {},
): Evaluation {
  const rows: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(check.queries as Record<string, QuerySpec<unknown>>)) {
    rows[name] = z.array(q.row).parse(raw[name] ?? []);
  }
  return check.evaluate(rows, {
    server,
    window,
    now,
    instance: { name: 'pg-prod-1', ...opts.instance },
    thresholds: { ...check.thresholds.defaults, ...opts.thresholds },
  });
}
const findings = (e: Evaluation): FindingDraft[] => {
  if (Array.isArray(e)) return e;
  if ('findings' in e) return e.findings;
  throw new Error(`skipped: ${e.skipped}`);
};

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
    ['deadlock threshold raised', { deadlocks: '2' }, { deadlocksWarn: 3 }, []],
  ] as const)('%s', (_name, over, thresholds, severities) => {
    const out = findings(evaluate(postgresErrorCounters, { main: [db(over)] }, { thresholds }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('"Orders ""EU"""');
  });

  it('labels cumulative counters with the statistics reset', () => {
    const [f] = findings(evaluate(postgresErrorCounters, { main: [db({ deadlocks: '3' })] }));
    expect(f).toMatchObject({ value: 3, threshold: 1 });
    expect(f!.message).toBe(
      '3 deadlocks in database "Orders ""EU""" since 2026-11-01T00:00:00.000Z; window start not covered',
    );
  });

  it('says so when the statistics were never reset', () => {
    const [f] = findings(evaluate(postgresErrorCounters, { main: [db({ deadlocks: '1', stats_reset: null })] }));
    expect(f!.message).toContain('since the statistics were initialised (stats_reset is null)');
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
