import { describe, expect, it } from 'vitest';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresConnectionSaturation } from './connection-saturation.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

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
    expect(f!.message).toEqual({
      en: '81 client connections use 90.0 % of the 90 available to ordinary users (max_connections 100 − superuser_reserved_connections 3 − reserved_connections 7; threshold 90 %)',
      zh: '81 个客户端连接已占普通用户可用的 90 个连接的 90.0%（max_connections 100 − superuser_reserved_connections 3 − reserved_connections 7；阈值 90%）',
    });
  });

  it.each([
    ['warnPercent 50 flags 51.5 %', 50, { warnPercent: 50 }, [{ severity: 'warning', value: 51.5, threshold: 50 }]],
    ['critPercent 50 makes 51.5 % critical', 50, { critPercent: 50 }, [{ severity: 'critical', threshold: 50 }]],
    ['warnPercent 95 clears 92.8 %', 90, { warnPercent: 95, critPercent: 99 }, []],
    ['critPercent 99 keeps 95.9 % a warning', 93, { critPercent: 99 }, [{ severity: 'warning', threshold: 90 }]],
  ] as const)('renamed thresholds: %s', (_name, clients, thresholds, expected) => {
    const out = findings(
      evaluate(postgresConnectionSaturation, { totals: [totals(clients)], holders }, { thresholds }),
    );
    expect(out).toMatchObject(expected);
    expect(out).toHaveLength(expected.length);
  });

  it('is skipped when no connection is left for ordinary users', () => {
    const e = evaluate(postgresConnectionSaturation, {
      totals: [{ ...totals(1), max_connections: 3 }],
      holders: [],
    });
    expect(e).toEqual({
      skipped: { en: expect.stringContaining('max_connections 3'), zh: expect.stringContaining('max_connections 3') },
    });
  });
});
