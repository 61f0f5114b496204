import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11 } from '../../../test/check-evaluator.js';
import { toTexts, type Evaluation, type Message, type ServerFacts } from '../../check.types.js';
import { mysqlLongTransactions } from './long-transactions.check.js';

const en = (m: Message): string => toTexts(m).en;

const NOW = new Date('2026-11-24T12:00:00Z');
const MARIADB: ServerFacts = { ...MARIADB_10_11, uptimeSeconds: 10 * 86_400 };

const { evaluate, findings } = checkEvaluator({
  server: MARIADB,
  window: { from: new Date('2026-11-23T12:00:00Z'), to: NOW },
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});
const run = (transactions: unknown[], thresholds: Record<string, unknown> = {}): Evaluation =>
  evaluate(mysqlLongTransactions, { transactions }, { thresholds });

/** INNODB_TRX ⨝ PROCESSLIST as mysql2 returns it: BIGINT columns as strings, PROCESSLIST.TIME as a number. */
const trx = (over: Record<string, unknown> = {}) => ({
  trx_id: '421',
  trx_state: 'RUNNING',
  thread_id: '88',
  age_seconds: '30',
  rows_modified: '1',
  rows_locked: '1',
  user_name: 'app',
  client_host: '10.0.0.9:51422',
  db: 'shop',
  command: 'Sleep',
  command_seconds: 29,
  state: '',
  statement: null,
  ...over,
});

describe('mysql.long-transactions (MY-D09)', () => {
  it.each([
    ['30', null],
    ['60', null],
    ['61', 'warning'],
    ['600', 'warning'],
    ['601', 'critical'],
  ])('open %s s → %s', (age, severity) => {
    const e = findings(run([trx({ age_seconds: age })]));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, value: Number(age), object: 'thread 88' });
  });

  it('tells an idle transaction from a running one', () => {
    const [idle, running] = findings(
      run([
        trx({ age_seconds: '900', command_seconds: 880 }),
        trx({
          thread_id: '91',
          age_seconds: '120',
          command: 'Query',
          command_seconds: 118,
          state: 'Sending data',
          statement: 'UPDATE orders SET x = 1',
        }),
      ]),
    );
    expect(en(idle!.message)).toBe(
      'thread 88 of app@10.0.0.9:51422 in `shop` idle in transaction: open 900 s, session sleeping for 880 s; 1 row(s) modified, 1 locked',
    );
    expect(en(running!.message)).toContain('transaction running for 120 s (RUNNING, Sending data)');
    expect(en(running!.message)).toContain(': UPDATE orders SET x = 1');
  });

  it('names a transaction without a client session', () => {
    const [f] = findings(
      run([
        trx({
          thread_id: '0',
          age_seconds: '4000',
          user_name: null,
          client_host: null,
          db: null,
          command: null,
          command_seconds: null,
        }),
      ]),
    );
    expect(en(f!.message)).toContain('no client session');
  });

  it('honours configured thresholds', () => {
    expect(findings(run([trx({ age_seconds: '2' })], { warnSeconds: 1, critSeconds: 600 }))).toHaveLength(1);
  });
});
