import { describe, expect, it } from 'vitest';
import { checkEvaluator, MYSQL_8_0 } from '../../../test/check-evaluator.js';
import {
  toTexts,
  type CheckContext,
  type Evaluation,
  type Message,
  type QuerySpec,
  type ServerFacts,
} from '../../check.types.js';
import { mysqlErrorLog } from './error-log.check.js';

const en = (m: Message): string => toTexts(m).en;

const NOW = new Date('2026-11-24T12:00:00Z');
const WINDOW = { from: new Date('2026-11-23T12:00:00Z'), to: NOW };
const MYSQL: ServerFacts = { ...MYSQL_8_0, uptimeSeconds: 10 * 86_400 };
const ctx: CheckContext<unknown> = {
  server: MYSQL,
  window: WINDOW,
  now: NOW,
  instance: { name: 'db1' },
  thresholds: {},
};
const { evaluate, findings } = checkEvaluator({
  server: MYSQL,
  window: WINDOW,
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});
const run = (raw: Record<string, unknown[]>): Evaluation => evaluate(mysqlErrorLog, raw);

const buffer = (over: Record<string, unknown> = {}) => [
  { performance_schema: 1, events: '812', oldest_age_seconds: '864000', ...over },
];
const event = (code: string, data: string, logged = '2026-11-24T08:00:00Z', subsystem = 'Server') => ({
  logged: new Date(logged),
  prio: 'Error',
  error_code: code,
  subsystem,
  data,
});

describe('mysql.error-log (MY-D07)', () => {
  it.each([
    [
      { flavor: 'mariadb' as const, versionNum: 101119 },
      /MariaDB has no SQL access/,
      /MariaDB 无法通过 SQL 读取错误日志/,
    ],
    [{ flavor: 'mysql' as const, versionNum: 50744 }, /MySQL < 8.0.22/, /MySQL 8.0.22 之前/],
    [{ flavor: 'mysql' as const, versionNum: 80021 }, /MySQL < 8.0.22/, /MySQL 8.0.22 之前/],
  ])('does not apply to %o', (server, reason, zh) => {
    const why = mysqlErrorLog.applies?.({ server: { ...MYSQL, ...server }, instance: { name: 'db1' } });
    expect(why).not.toBeNull();
    expect(toTexts(why!).en).toMatch(reason);
    expect(toTexts(why!).zh).toMatch(zh);
  });

  it('applies to MySQL 8.0.22 and later', () => {
    expect(mysqlErrorLog.applies?.({ server: { ...MYSQL, versionNum: 80022 }, instance: { name: 'db1' } })).toBeNull();
  });

  it('passes without errors in the window', () => {
    expect(run({ buffer: buffer(), errors: [] })).toEqual([]);
  });

  it('is skipped when performance_schema is off', () => {
    expect(
      run({ buffer: buffer({ performance_schema: 0, events: '0', oldest_age_seconds: null }), errors: [] }),
    ).toHaveProperty('skipped');
  });

  it('groups errors by code, warning for ordinary ones, critical for corruption', () => {
    const e = findings(
      run({
        buffer: buffer(),
        errors: [
          event('MY-010584', "Replica SQL for channel '': Error executing row event", '2026-11-24T09:00:00Z', 'Repl'),
          event('MY-010584', "Replica SQL for channel '': Error executing row event", '2026-11-24T07:00:00Z', 'Repl'),
          event(
            'MY-011971',
            'Database page corruption on disk or a failed file read of page [page id: space=5, page number=3]',
            '2026-11-24T06:00:00Z',
            'InnoDB',
          ),
        ],
      }),
    );
    expect(e).toHaveLength(2);
    expect(e[0]).toMatchObject({ severity: 'warning', object: 'MY-010584', value: 2 });
    expect(en(e[0]!.message)).toContain('latest at 2026-11-24T09:00:00.000Z');
    expect(e[0]!.evidence).toHaveLength(2);
    expect(e[1]).toMatchObject({ severity: 'critical', object: 'MY-011971' });
  });

  it.each([
    'InnoDB: Assertion failure in file btr0cur.cc line 345',
    'Out of memory (Needed 16384 bytes)',
    'mysqld got signal 11',
  ])('"%s" is critical', (data) => {
    expect(findings(run({ buffer: buffer(), errors: [event('MY-000000', data)] }))[0]!.severity).toBe('critical');
  });

  it('says when the ring buffer does not cover the whole window', () => {
    const [f] = findings(run({ buffer: buffer({ oldest_age_seconds: '3600' }), errors: [event('MY-010584', 'x')] }));
    expect(en(f!.message)).toContain('only reaches back 3600 s of the 86400 s window');
  });

  it('passes the window as seconds before the server clock', () => {
    const params = (mysqlErrorLog.queries.errors as QuerySpec<unknown>).params?.(ctx);
    expect(params).toEqual([86_400, 0]);
  });
});
