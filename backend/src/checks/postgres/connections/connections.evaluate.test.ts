import { describe, expect, it } from 'vitest';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresConnectionSaturation } from './connection-saturation.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({ server, window, now, instanceName: 'pg-prod-1' });

describe('postgres.connection-saturation', () => {
  const totals = (clients: number, reserved = 0) => ({
    client_backends: String(clients),
    max_connections: 100,
    superuser_reserved_connections: 3,
    reserved_connections: reserved,
  });
  const holders = [{ datname: 'app', usename: 'app_rw', sessions: '80', idle: '70', idle_in_transaction: '2' }];

  it.each([
    ['well below', 10, 0, []],
    ['just under 90 % of 97', 87, 0, []],
    ['90 % of 97 reached', 88, 0, ['warning']],
    ['95 % of 97 reached', 93, 0, ['critical']],
    ['PG16 reserved_connections shrink the pool: 88 of 87', 88, 10, ['critical']],
    ['superusers beyond the ordinary limit', 99, 0, ['critical']],
  ] as const)('%s', (_name, clients, reserved, severities) => {
    const out = findings(evaluate(postgresConnectionSaturation, { totals: [totals(clients, reserved)], holders }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) {
      expect(f.object).toBe('pg-prod-1');
      expect(f.evidence).toEqual([
        { datname: 'app', usename: 'app_rw', sessions: 80, idle: 70, idle_in_transaction: 2 },
      ]);
    }
  });

  it('states the arithmetic', () => {
    const [f] = findings(evaluate(postgresConnectionSaturation, { totals: [totals(81, 7)], holders }));
    expect(f!.message).toBe(
      '81 client connections use 90.0 % of the 90 available to ordinary users (max_connections 100 − superuser_reserved_connections 3 − reserved_connections 7; threshold 90 %)',
    );
  });

  it('honours lowered thresholds', () => {
    const out = findings(
      evaluate(postgresConnectionSaturation, { totals: [totals(50)], holders }, { thresholds: { warnPct: 50 } }),
    );
    expect(out).toMatchObject([{ severity: 'warning', value: 51.5, threshold: 50 }]);
  });

  it('is skipped when no connection is left for ordinary users', () => {
    const e = evaluate(postgresConnectionSaturation, {
      totals: [{ ...totals(1), max_connections: 3 }],
      holders: [],
    });
    expect(e).toEqual({ skipped: expect.stringContaining('max_connections 3') });
  });
});
