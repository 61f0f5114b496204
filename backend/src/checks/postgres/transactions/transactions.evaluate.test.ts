import { describe, expect, it } from 'vitest';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresLongTransactions } from './long-transactions.check.js';
import { postgresXidWraparound } from './xid-wraparound.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({ server, window, now, instanceName: 'pg-prod-1' });

describe('postgres.long-transactions', () => {
  const session = (over: Record<string, unknown>) => ({
    pid: 4242,
    usename: 'app_rw',
    datname: 'orders',
    application_name: 'billing',
    client_addr: '10.1.2.3',
    state: 'active',
    xact_seconds: 1.5,
    state_seconds: 1.5,
    snapshot_age: 12,
    query: 'SELECT 1',
    ...over,
  });

  it.each([
    ['short active transaction', {}, []],
    [
      'idle in transaction 300 s is not over',
      { state: 'idle in transaction', state_seconds: 300, xact_seconds: 310 },
      [],
    ],
    [
      'idle in transaction over 5 min',
      { state: 'idle in transaction', state_seconds: 301, xact_seconds: 400 },
      ['warning'],
    ],
    [
      'aborted transaction left idle',
      { state: 'idle in transaction (aborted)', state_seconds: 900, xact_seconds: 900 },
      ['warning'],
    ],
    ['active but old transaction', { xact_seconds: 3601, state_seconds: 10 }, ['critical']],
    [
      'idle (no transaction) with old state_change',
      { state: 'idle', state_seconds: 9999, xact_seconds: null, snapshot_age: null },
      [],
    ],
    ['snapshot 10 001 transactions old', { snapshot_age: 10_001 }, ['warning']],
    ['snapshot 100 001 transactions old', { snapshot_age: 100_001 }, ['critical']],
  ] as const)('%s', (_name, over, severities) => {
    const out = findings(evaluate(postgresLongTransactions, { main: [session(over)] }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('pid 4242 (app_rw@orders)');
  });

  it('gives one finding per session with every reason, valued by the worst', () => {
    const out = findings(
      evaluate(postgresLongTransactions, {
        main: [
          session({ state: 'idle in transaction', state_seconds: 4000, xact_seconds: 4000, snapshot_age: 20_000 }),
        ],
      }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ severity: 'critical', value: 4000, threshold: 3600 });
    expect(out[0]!.message).toBe(
      'transaction open for 4000 s (threshold 3600 s); idle in transaction for 4000 s (threshold 300 s); snapshot is 20000 transactions old (threshold 10000) — state idle in transaction, transaction 4000 s, application billing, from 10.1.2.3',
    );
  });

  it('uses lowered thresholds', () => {
    const out = findings(
      evaluate(
        postgresLongTransactions,
        { main: [session({ state: 'idle in transaction', state_seconds: 2.2, xact_seconds: 2.3 })] },
        { thresholds: { idleInTransactionWarnSeconds: 1 } },
      ),
    );
    expect(out).toMatchObject([{ severity: 'warning', value: 2, threshold: 1 }]);
  });
});

describe('postgres.xid-wraparound', () => {
  const db = (xid: number, mxid = 0) => ({
    datname: 'Orders "EU"',
    xid_age: xid,
    mxid_age: mxid,
    freeze_max_age: '200000000',
    multixact_freeze_max_age: '400000000',
  });

  it.each([
    ['young', db(150_000_000), []],
    ['just under the warning', db(499_999_999), []],
    ['XID warning', db(500_000_000), ['warning']],
    ['XID critical', db(1_400_000_000), ['critical']],
    ['MultiXact warning', db(1000, 600_000_000), ['warning']],
    ['both critical', db(1_500_000_000, 1_500_000_000), ['critical', 'critical']],
  ] as const)('%s', (_name, row, severities) => {
    const out = findings(evaluate(postgresXidWraparound, { main: [row] }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('"Orders ""EU"""');
  });

  it('relates the age to autovacuum_freeze_max_age and to 2^31', () => {
    const [f] = findings(evaluate(postgresXidWraparound, { main: [db(1_000_000_000)] }));
    expect(f!.message).toBe(
      'age of the oldest unfrozen transaction ID in database "Orders ""EU""" is 1000000000 (500 % of autovacuum_freeze_max_age 200000000; 46.6 % of the way to wraparound at 2^31), threshold 500000000',
    );
    expect(f).toMatchObject({ value: 1_000_000_000, threshold: 500_000_000 });
  });
});
