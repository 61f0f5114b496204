import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCheck, CheckContext, Evaluation, QuerySpec, ServerFacts } from '../../check.types.js';
import { mysqlDeadlocks } from './deadlocks.check.js';
import { mysqlLockWaits } from './lock-waits.check.js';
import { statementTable } from './statement-table.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const WINDOW = { from: new Date('2026-11-17T12:00:00Z'), to: NOW };
const MARIADB: ServerFacts = {
  engine: 'mariadb',
  flavor: 'mariadb',
  version: '10.11.19',
  versionNum: 101119,
  versionString: '10.11.19-MariaDB-0+deb12u1',
  role: 'primary',
  uptimeSeconds: 30 * 86_400,
  readOnly: false,
};
const MYSQL: ServerFacts = {
  ...MARIADB,
  engine: 'mysql',
  flavor: 'mysql',
  version: '8.0.36',
  versionNum: 80036,
  versionString: '8.0.36',
};

function run(
  check: AnyCheck,
  raw: Record<string, unknown[]>,
  opts: { server?: ServerFacts; thresholds?: unknown } = {},
): Evaluation {
  const queries = check.queries as Record<string, QuerySpec<unknown>>;
  const rows = Object.fromEntries(
    Object.entries(queries).map(([name, q]) => [name, z.array(q.row).parse(raw[name] ?? [])]),
  );
  const ctx: CheckContext<unknown> = {
    server: opts.server ?? MARIADB,
    window: WINDOW,
    now: NOW,
    instance: { name: 'db1' },
    thresholds: opts.thresholds ?? check.thresholds.defaults,
  };
  return check.evaluate(rows, ctx);
}
const findings = (e: Evaluation) => {
  if (!Array.isArray(e)) throw new Error(`expected findings, got ${JSON.stringify(e)}`);
  return e;
};

describe('statementTable', () => {
  it.each([
    ['ALTER TABLE `d b`.`t``x` ADD COLUMN c INT', null, '`d b`.`t``x`'],
    ["ALTER TABLE `dbp 巡检 d``x_1`.`Mdl 'q' 表` ADD COLUMN extra INT", null, "`dbp 巡检 d``x_1`.`Mdl 'q' 表`"],
    ['alter online ignore table orders add index (a)', 'shop', '`shop`.`orders`'],
    ['/* dbpatrol:x */ SELECT * FROM `s`.`t` WHERE 1', null, '`s`.`t`'],
    ['-- note\nTRUNCATE TABLE t1', 'app', '`app`.`t1`'],
    ['DROP TABLE IF EXISTS a.b, c', null, '`a`.`b`'],
    ['CREATE UNIQUE INDEX ix ON `Orders` (a)', 'Shop', '`Shop`.`Orders`'],
    ['RENAME TABLE old TO new', null, '`old`'],
    ['OPTIMIZE TABLE t', 'x', '`x`.`t`'],
    ['INSERT IGNORE INTO 表一 VALUES (1)', 'db', '`db`.`表一`'],
    ['UPDATE low_priority t SET a = 1', 'db', '`db`.`t`'],
    ['DELETE QUICK FROM t WHERE a = 1', 'db', '`db`.`t`'],
    ['SELECT a FROM (SELECT 1) x', null, undefined],
    ['FLUSH TABLES WITH READ LOCK', null, undefined],
    [null, 'db', undefined],
  ])('%s → %s', (sql, db, table) => {
    expect(statementTable(sql, db)).toBe(table);
  });
});

describe('mysql.lock-waits (MY-D10)', () => {
  /** INNODB_TRX ⨝ INNODB_LOCKS ⨝ INNODB_LOCK_WAITS on MariaDB: thread ids as strings, lock_table already quoted. */
  const rowWait = (over: Record<string, unknown> = {}) => ({
    waiting_thread: '464',
    wait_seconds: '12',
    waiting_query: 'UPDATE `shop`.`orders` SET v = v + 2 WHERE id = 1',
    blocking_thread: '463',
    blocking_trx_seconds: '40',
    blocking_query: null,
    blocking_command: 'Sleep',
    blocking_user: 'app',
    lock_table: '`shop`.`or``ders`',
    object_schema: null,
    object_name: null,
    lock_index: 'PRIMARY',
    lock_mode: 'X',
    ...over,
  });
  const mdlWait = (over: Record<string, unknown> = {}) => ({
    thread_id: '466',
    user_name: 'deploy',
    client_host: '10.0.0.3:55990',
    db: null,
    wait_seconds: 7,
    state: 'Waiting for table metadata lock',
    statement: 'ALTER TABLE `shop`.`orders` ADD COLUMN extra INT',
    object_schema: null,
    object_name: null,
    ...over,
  });

  it('passes when nothing waits', () => {
    expect(run(mysqlLockWaits, {})).toEqual([]);
  });

  it.each([
    ['5', null],
    ['6', 'warning'],
    ['60', 'warning'],
    ['61', 'critical'],
  ])('row-lock wait of %s s → %s', (wait, severity) => {
    const e = findings(run(mysqlLockWaits, { rowWaits: [rowWait({ wait_seconds: wait })] }));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, object: '`shop`.`or``ders`', value: Number(wait) });
  });

  it('names the blocker of a row-lock wait', () => {
    const [f] = findings(run(mysqlLockWaits, { rowWaits: [rowWait()] }));
    expect(f!.message).toBe(
      'thread 464 has waited 12 s for a X row lock on `shop`.`or``ders` (index PRIMARY), blocked by thread 463 (app, Sleep, transaction open 40 s): UPDATE `shop`.`orders` SET v = v + 2 WHERE id = 1',
    );
  });

  it('quotes performance_schema.data_locks names on MySQL 8 and survives a missing blocker', () => {
    const [f] = findings(
      run(
        mysqlLockWaits,
        {
          rowWaits: [
            rowWait({
              lock_table: null,
              object_schema: 'shop',
              object_name: 'or`ders',
              blocking_thread: null,
              blocking_user: null,
              blocking_command: null,
            }),
          ],
        },
        { server: MYSQL },
      ),
    );
    expect(f).toMatchObject({ object: '`shop`.`or``ders`' });
    expect(f!.message).toContain('blocked by an unidentified transaction (lock views not readable');
  });

  it('reports one finding per waiting thread with several blockers', () => {
    const e = findings(run(mysqlLockWaits, { rowWaits: [rowWait(), rowWait({ blocking_thread: '470' })] }));
    expect(e).toHaveLength(1);
    expect(e[0]!.message).toContain('thread 463');
    expect(e[0]!.message).toContain('thread 470');
  });

  it('reports a metadata-lock wait on the table of the statement, with open transactions as suspects', () => {
    const [f] = findings(
      run(mysqlLockWaits, {
        metadataWaits: [mdlWait()],
        openTransactions: [
          { thread_id: '465', age_seconds: '30', command: 'Sleep', user_name: 'app' },
          { thread_id: '480', age_seconds: '1', command: 'Query', user_name: 'app' },
        ],
      }),
    );
    expect(f).toMatchObject({ severity: 'warning', object: '`shop`.`orders`', value: 7, threshold: 5 });
    expect(f!.message).toContain(
      'thread 466 (deploy@10.0.0.3:55990) has been in "Waiting for table metadata lock" for 7 s on `shop`.`orders`',
    );
    expect(f!.message).toContain('thread 465 (app, Sleep, 30 s)');
    expect(f!.message).not.toContain('thread 480');
  });

  it('prefers performance_schema.metadata_locks names and falls back to the thread', () => {
    const [ps] = findings(
      run(
        mysqlLockWaits,
        { metadataWaits: [mdlWait({ object_schema: 'a b', object_name: 'c', statement: 'ALTER TABLE x ADD y INT' })] },
        { server: MYSQL },
      ),
    );
    expect(ps!.object).toBe('`a b`.`c`');
    const [unknown] = findings(
      run(mysqlLockWaits, {
        metadataWaits: [
          mdlWait({
            state: 'Waiting for global read lock',
            statement: 'FLUSH TABLES WITH READ LOCK',
            wait_seconds: 90,
          }),
        ],
      }),
    );
    expect(unknown).toMatchObject({ object: 'thread 466', severity: 'critical' });
  });

  it('honours configured thresholds', () => {
    expect(
      findings(
        run(
          mysqlLockWaits,
          { metadataWaits: [mdlWait({ wait_seconds: 2 })] },
          { thresholds: { warnSeconds: 1, critSeconds: 60 } },
        ),
      ),
    ).toHaveLength(1);
  });
});

describe('mysql.deadlocks (MY-D08)', () => {
  it.each([
    ['0', null],
    ['1', 'warning'],
    ['300', 'warning'],
    ['301', 'critical'],
  ])('%s deadlocks in 30 days → %s', (count, severity) => {
    const e = findings(
      run(mysqlDeadlocks, {
        counter: [{ deadlocks: count, status: 'enabled', counting_seconds: String(30 * 86_400) }],
      }),
    );
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, value: Number(count), object: 'db1' });
  });

  it('does not extrapolate a young counter beyond one day', () => {
    const e = findings(
      run(mysqlDeadlocks, { counter: [{ deadlocks: '3', status: 'enabled', counting_seconds: '600' }] }),
    );
    expect(e[0]).toMatchObject({ severity: 'warning' });
    expect(e[0]!.message).toContain('(server start, within the window)');
  });

  it('labels the counter period', () => {
    const [f] = findings(
      run(mysqlDeadlocks, { counter: [{ deadlocks: '2', status: 'enabled', counting_seconds: String(30 * 86_400) }] }),
    );
    expect(f!.message).toBe(
      '2 InnoDB deadlocks since 2026-10-25T12:00:00.000Z (server start; window start not covered), 0.1 per day (critical above 10 per day)',
    );
  });

  it('reads the MySQL INNODB_METRICS row and skips a disabled metric', () => {
    const [f] = findings(
      run(
        mysqlDeadlocks,
        { counter: [{ deadlocks: 4, status: 'enabled', counting_seconds: 86_400 }] },
        { server: MYSQL },
      ),
    );
    expect(f!.message).toContain('metric enabled, within the window');
    expect(
      run(
        mysqlDeadlocks,
        { counter: [{ deadlocks: 0, status: 'disabled', counting_seconds: null }] },
        { server: MYSQL },
      ),
    ).toHaveProperty('skipped');
    expect(run(mysqlDeadlocks, { counter: [] })).toHaveProperty('skipped');
  });
});
