import { describe, expect, it } from 'vitest';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresLongTransactions } from './long-transactions.check.js';
import { postgresXidWraparound } from './xid-wraparound.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

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
    expect(out[0]!.message).toEqual({
      en: 'transaction open for 4000 s (threshold 3600 s); idle in transaction for 4000 s (threshold 300 s); snapshot is 20000 transactions old (threshold 10000) — state idle in transaction, transaction 4000 s, application billing, from 10.1.2.3',
      zh: '事务已持续 4000 秒（阈值 3600 秒）；处于 idle in transaction 状态已 4000 秒（阈值 300 秒）；快照已落后 20000 个事务（阈值 10000）——状态 idle in transaction，事务 4000 秒，应用 billing，来自 10.1.2.3',
    });
  });

  it('uses lowered thresholds', () => {
    const out = findings(
      evaluate(
        postgresLongTransactions,
        { main: [session({ state: 'idle in transaction', state_seconds: 2.2, xact_seconds: 2.3 })] },
        { thresholds: { warnIdleSeconds: 1 } },
      ),
    );
    expect(out).toMatchObject([{ severity: 'warning', value: 2, threshold: 1 }]);
  });

  it.each([
    [
      'warnIdleSeconds 600 clears 400 s idle in transaction',
      { warnIdleSeconds: 600 },
      { state: 'idle in transaction', state_seconds: 400, xact_seconds: 400 },
      [],
    ],
    [
      'critTransactionSeconds 60 makes a 100 s transaction critical',
      { critTransactionSeconds: 60 },
      { xact_seconds: 100 },
      ['critical'],
    ],
    [
      'critTransactionSeconds 7200 clears a 4000 s transaction',
      { critTransactionSeconds: 7200 },
      { xact_seconds: 4000 },
      [],
    ],
    ['warnSnapshotAgeCount 10 flags a 12 transactions old snapshot', { warnSnapshotAgeCount: 10 }, {}, ['warning']],
    [
      'critSnapshotAgeCount 15000 makes a 20000 old snapshot critical',
      { critSnapshotAgeCount: 15_000 },
      { snapshot_age: 20_000 },
      ['critical'],
    ],
  ] as const)('renamed thresholds: %s', (_name, thresholds, over, severities) => {
    const out = findings(evaluate(postgresLongTransactions, { main: [session(over)] }, { thresholds }));
    expect(out.map((f) => f.severity)).toEqual(severities);
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
    expect(f!.message).toEqual({
      en: 'age of the oldest unfrozen transaction ID in database "Orders ""EU""" is 1000000000 (500 % of autovacuum_freeze_max_age 200000000; 46.6 % of the way to wraparound at 2^31), threshold 500000000',
      zh: '数据库 "Orders ""EU""" 中最老的未冻结 事务 ID 年龄为 1000000000（为 autovacuum_freeze_max_age 200000000 的 500%；已达回卷上限 2^31 的 46.6%），阈值 500000000',
    });
    expect(f).toMatchObject({ value: 1_000_000_000, threshold: 500_000_000 });
  });

  it.each([
    ['warnXidAgeCount 100000000 flags a 150000000 age', { warnXidAgeCount: 100_000_000 }, db(150_000_000), ['warning']],
    [
      'critXidAgeCount 600000000 makes a 700000000 age critical',
      { critXidAgeCount: 600_000_000 },
      db(700_000_000),
      ['critical'],
    ],
    [
      'warnMultixactAgeCount 1000 flags a 5000 MultiXact age',
      { warnMultixactAgeCount: 1000 },
      db(10, 5000),
      ['warning'],
    ],
    [
      'critMultixactAgeCount 2000000000 keeps 1500000000 a warning',
      { critMultixactAgeCount: 2_000_000_000 },
      db(10, 1_500_000_000),
      ['warning'],
    ],
  ] as const)('renamed thresholds: %s', (_name, thresholds, row, severities) => {
    const out = findings(evaluate(postgresXidWraparound, { main: [row] }, { thresholds }));
    expect(out.map((f) => f.severity)).toEqual(severities);
  });
});
