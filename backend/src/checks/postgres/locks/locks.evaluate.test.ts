import { describe, expect, it } from 'vitest';
import { toTexts } from '../../check.types.js';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresBlockedSessions } from './blocked-sessions.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

describe('postgres.blocked-sessions', () => {
  const blocked = (over: Record<string, unknown>) => ({
    pid: 5001,
    usename: 'app_rw',
    datname: 'orders',
    application_name: 'api',
    client_addr: '10.1.2.3',
    state: 'active',
    wait_event_type: 'Lock',
    wait_event: 'transactionid',
    wait_seconds: 10,
    blocking_pids: [4001],
    query: 'UPDATE t SET v = 1 WHERE id = 1',
    blockers: [
      {
        pid: 4001,
        usename: 'batch',
        datname: 'orders',
        state: 'idle in transaction',
        xact_seconds: 620.4,
        query: 'UPDATE t SET v = 2',
      },
    ],
    ...over,
  });

  it.each([
    ['waiting 10 s', {}, []],
    ['waiting exactly 60 s', { wait_seconds: 60 }, ['warning']],
    ['waiting 119 s', { wait_seconds: 119.9 }, ['warning']],
    ['waiting 2 min', { wait_seconds: 120 }, ['critical']],
    ['unknown wait start', { wait_seconds: null }, []],
  ] as const)('%s', (_name, over, severities) => {
    const out = findings(evaluate(postgresBlockedSessions, { main: [blocked(over)] }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('pid 5001 (app_rw@orders)');
  });

  it('names the blockers, including a prepared transaction', () => {
    const [f] = findings(
      evaluate(postgresBlockedSessions, { main: [blocked({ wait_seconds: 75.4, blocking_pids: [4001, 0] })] }),
    );
    expect(f!.message).toEqual({
      en: 'waiting 75 s for a transactionid lock (threshold 60 s), blocked by pid 4001 (batch@orders, idle in transaction, transaction 620 s), a prepared transaction: UPDATE t SET v = 1 WHERE id = 1',
      zh: '已等待 75 秒获取 transactionid 锁（阈值 60 秒），阻塞者：pid 4001（batch@orders，idle in transaction，事务已持续 620 秒），一个预备事务；语句：UPDATE t SET v = 1 WHERE id = 1',
    });
    expect(f!.evidence).toHaveLength(2);
    expect(f!.evidence![1]).toMatchObject({ blocker: true, pid: 4001 });
  });

  it('accepts a blocker that ended between the two reads', () => {
    const out = findings(
      evaluate(postgresBlockedSessions, { main: [blocked({ blockers: null })] }, { thresholds: { warnSeconds: 0 } }),
    );
    expect(toTexts(out[0]!.message).en).toContain('blocked by pid 4001:');
  });

  it.each([
    ['warnSeconds lowered to 5 makes a 10 s wait a warning', { warnSeconds: 5 }, 10, ['warning']],
    ['critSeconds lowered to 10 makes it critical', { critSeconds: 10 }, 10, ['critical']],
    ['warnSeconds raised to 90 clears a 75 s wait', { warnSeconds: 90 }, 75, []],
    ['critSeconds raised to 200 keeps a 150 s wait a warning', { critSeconds: 200 }, 150, ['warning']],
  ] as const)('renamed thresholds: %s', (_name, thresholds, waited, severities) => {
    const out = findings(
      evaluate(postgresBlockedSessions, { main: [blocked({ wait_seconds: waited })] }, { thresholds }),
    );
    expect(out.map((f) => f.severity)).toEqual(severities);
  });
});
