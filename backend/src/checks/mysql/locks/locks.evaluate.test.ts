import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11, MYSQL_8_0 } from '../../../test/check-evaluator.js';
import { toTexts, type CounterBaseline, type Message, type ServerFacts } from '../../check.types.js';
import { mysqlDeadlocks } from './deadlocks.check.js';
import { mysqlLockWaits } from './lock-waits.check.js';
import { statementTable } from './statement-table.js';

const en = (m: Message): string => toTexts(m).en;

const NOW = new Date('2026-11-24T12:00:00Z');
const WINDOW = { from: new Date('2026-11-17T12:00:00Z'), to: NOW };
const MARIADB: ServerFacts = { ...MARIADB_10_11, uptimeSeconds: 30 * 86_400 };
const MYSQL: ServerFacts = { ...MYSQL_8_0, uptimeSeconds: 30 * 86_400 };

const { evaluate, findings } = checkEvaluator({
  server: MARIADB,
  window: WINDOW,
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});

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
    expect(evaluate(mysqlLockWaits, {})).toEqual([]);
  });

  it.each([
    ['5', null],
    ['6', 'warning'],
    ['60', 'warning'],
    ['61', 'critical'],
  ])('row-lock wait of %s s → %s', (wait, severity) => {
    const e = findings(evaluate(mysqlLockWaits, { rowWaits: [rowWait({ wait_seconds: wait })] }));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, object: '`shop`.`or``ders`', value: Number(wait) });
  });

  it('names the blocker of a row-lock wait', () => {
    const [f] = findings(evaluate(mysqlLockWaits, { rowWaits: [rowWait()] }));
    expect(en(f!.message)).toBe(
      'thread 464 has waited 12 s for a X row lock on `shop`.`or``ders` (index PRIMARY), blocked by thread 463 (app, Sleep, transaction open 40 s): UPDATE `shop`.`orders` SET v = v + 2 WHERE id = 1',
    );
    expect(toTexts(f!.message).zh).toBe(
      '线程 464 已等待 `shop`.`or``ders` 上的 X 行锁 12 秒（索引 PRIMARY），被线程 463（app，Sleep，事务已打开 40 秒）阻塞：UPDATE `shop`.`orders` SET v = v + 2 WHERE id = 1',
    );
  });

  it('quotes performance_schema.data_locks names on MySQL 8 and survives a missing blocker', () => {
    const [f] = findings(
      evaluate(
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
    expect(en(f!.message)).toContain('blocked by an unidentified transaction (lock views not readable');
  });

  it('reports one finding per waiting thread with several blockers', () => {
    const e = findings(evaluate(mysqlLockWaits, { rowWaits: [rowWait(), rowWait({ blocking_thread: '470' })] }));
    expect(e).toHaveLength(1);
    expect(en(e[0]!.message)).toContain('thread 463');
    expect(en(e[0]!.message)).toContain('thread 470');
  });

  it('reports a metadata-lock wait on the table of the statement, with open transactions as suspects', () => {
    const [f] = findings(
      evaluate(mysqlLockWaits, {
        metadataWaits: [mdlWait()],
        openTransactions: [
          { thread_id: '465', age_seconds: '30', command: 'Sleep', user_name: 'app' },
          { thread_id: '480', age_seconds: '1', command: 'Query', user_name: 'app' },
        ],
      }),
    );
    expect(f).toMatchObject({ severity: 'warning', object: '`shop`.`orders`', value: 7, threshold: 5 });
    expect(en(f!.message)).toContain(
      'thread 466 (deploy@10.0.0.3:55990) has been in "Waiting for table metadata lock" for 7 s on `shop`.`orders`',
    );
    expect(en(f!.message)).toContain('thread 465 (app, Sleep, 30 s)');
    expect(en(f!.message)).not.toContain('thread 480');
  });

  it('prefers performance_schema.metadata_locks names and falls back to the thread', () => {
    const [ps] = findings(
      evaluate(
        mysqlLockWaits,
        { metadataWaits: [mdlWait({ object_schema: 'a b', object_name: 'c', statement: 'ALTER TABLE x ADD y INT' })] },
        { server: MYSQL },
      ),
    );
    expect(ps!.object).toBe('`a b`.`c`');
    const [unknown] = findings(
      evaluate(mysqlLockWaits, {
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
        evaluate(
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
      evaluate(mysqlDeadlocks, {
        counter: [{ deadlocks: count, status: 'enabled', counting_seconds: String(30 * 86_400) }],
      }),
    );
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, value: Number(count), object: 'db1' });
  });

  it('does not extrapolate a young counter beyond one day', () => {
    const e = findings(
      evaluate(mysqlDeadlocks, { counter: [{ deadlocks: '3', status: 'enabled', counting_seconds: '600' }] }),
    );
    expect(e[0]).toMatchObject({ severity: 'warning' });
    expect(en(e[0]!.message)).toContain('(server start, within the window)');
  });

  it('labels the counter period', () => {
    const [f] = findings(
      evaluate(mysqlDeadlocks, {
        counter: [{ deadlocks: '2', status: 'enabled', counting_seconds: String(30 * 86_400) }],
      }),
    );
    expect(en(f!.message)).toBe(
      '2 InnoDB deadlocks since 2026-10-25T12:00:00.000Z (server start; window start not covered), 0.1 per day (critical above 10 per day)',
    );
  });

  it('reads the MySQL INNODB_METRICS row and skips a disabled metric', () => {
    const [f] = findings(
      evaluate(
        mysqlDeadlocks,
        { counter: [{ deadlocks: 4, status: 'enabled', counting_seconds: 86_400 }] },
        { server: MYSQL },
      ),
    );
    expect(en(f!.message)).toContain('metric enabled, within the window');
    expect(
      evaluate(
        mysqlDeadlocks,
        { counter: [{ deadlocks: 0, status: 'disabled', counting_seconds: null }] },
        { server: MYSQL },
      ),
    ).toHaveProperty('skipped');
    expect(evaluate(mysqlDeadlocks, { counter: [] })).toHaveProperty('skipped');
  });
});

describe('mysql.deadlocks (MY-D08) over a counter baseline', () => {
  /** The server has run 30 days (1000 deadlocks since start: far over 10 per day without a baseline). */
  const mariadbRow = (deadlocks: string) => ({
    counter: [{ deadlocks, status: 'enabled', counting_seconds: String(30 * 86_400) }],
  });
  /** As the snapshot collector stores them; the window start (7 days ago) is covered. */
  const baseline = (counters: Record<string, number>, over: Partial<CounterBaseline> = {}): CounterBaseline => ({
    takenAt: '2026-11-17T12:00:00.000Z',
    coversWindowStart: true,
    counters: { 'status.innodb_deadlocks': 1000, 'status.connections': 5, ...counters },
    ...over,
  });
  const inWindow = { takenAt: '2026-11-24T06:00:00.000Z', coversWindowStart: false };

  it.each([
    ['no deadlock in the window → pass', '1000', {}, null, undefined],
    ['Δ 1 in 7 days → warning', '1001', {}, 'warning', 1],
    ['Δ 70 in 7 days = 10 per day is not over → warning', '1070', {}, 'warning', 70],
    ['Δ 71 in 7 days → critical', '1071', {}, 'critical', 71],
    ['Δ 3 in 6 hours counts as one day → warning', '1003', inWindow, 'warning', 3],
    ['Δ 11 in 6 hours → critical', '1011', inWindow, 'critical', 11],
  ] as const)('%s', (_name, current, over, severity, value) => {
    const e = findings(evaluate(mysqlDeadlocks, mariadbRow(current), { counterBaseline: baseline({}, over) }));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, value, object: 'db1' });
  });

  // A late run (the window ended 2026-11-22 12:00, the run is on 2026-11-24): the end edge is the snapshot at the
  // window end, so deadlocks after it do not count and the rate is over the 5 days between the snapshots.
  const lateEnd = (deadlocks: number) => ({
    end: { takenAt: '2026-11-22T12:00:00.000Z', counters: { 'status.innodb_deadlocks': deadlocks } },
  });
  it.each([
    ['Δ 0 up to the window end, 500 after it → pass', '1500', lateEnd(1000), null, undefined],
    ['Δ 50 up to the window end = 10 per day is not over → warning', '1500', lateEnd(1050), 'warning', 50],
    ['Δ 51 up to the window end → critical', '1051', lateEnd(1051), 'critical', 51],
    [
      'an end snapshot without the counter: the live value',
      '1001',
      { end: { takenAt: '2026-11-22T12:00:00.000Z', counters: {} } },
      'warning',
      1,
    ],
  ] as const)('late run: %s', (_name, current, over, severity, value) => {
    const e = findings(evaluate(mysqlDeadlocks, mariadbRow(current), { counterBaseline: baseline({}, over) }));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, value });
  });

  it('says that a late run counted up to the snapshot at the window end', () => {
    const [f] = findings(
      evaluate(mysqlDeadlocks, mariadbRow('1500'), { counterBaseline: baseline({}, lateEnd(1002)) }),
    );
    expect(en(f!.message)).toBe(
      '2 InnoDB deadlocks in the window since 2026-11-17T12:00:00.000Z until 2026-11-22T12:00:00.000Z (the snapshot at the window end; this run started later), 0.4 per day (critical above 10 per day)',
    );
    expect(toTexts(f!.message).zh).toBe(
      '窗口内自 2026-11-17T12:00:00.000Z 起，至 2026-11-22T12:00:00.000Z（窗口终点处的快照；本次运行晚于窗口结束）发生 InnoDB 死锁 2 次，平均每天 0.4 次（每天超过 10 次为严重）',
    );
    expect(f!.evidence).toEqual([{ counter: 'Innodb_deadlocks', baseline: 1000, current: 1002, delta: 2 }]);
  });

  it('says what the delta covers, with the counter values as evidence', () => {
    const [f] = findings(evaluate(mysqlDeadlocks, mariadbRow('1001'), { counterBaseline: baseline({}) }));
    expect(en(f!.message)).toBe(
      '1 InnoDB deadlock in the window since 2026-11-17T12:00:00.000Z, 0.1 per day (critical above 10 per day)',
    );
    expect(f!.evidence).toEqual([{ counter: 'Innodb_deadlocks', baseline: 1000, current: 1001, delta: 1 }]);
    const [g] = findings(evaluate(mysqlDeadlocks, mariadbRow('1003'), { counterBaseline: baseline({}, inWindow) }));
    expect(en(g!.message)).toBe(
      '3 InnoDB deadlocks since 2026-11-24T06:00:00.000Z (first snapshot in the window; window start not covered), 3.0 per day (critical above 10 per day)',
    );
  });

  it('applies configured thresholds to the delta', () => {
    const thresholds = { warnCount: 5, critPerDay: 1 };
    expect(
      findings(evaluate(mysqlDeadlocks, mariadbRow('1005'), { thresholds, counterBaseline: baseline({}) })),
    ).toEqual([]);
    expect(
      findings(evaluate(mysqlDeadlocks, mariadbRow('1008'), { thresholds, counterBaseline: baseline({}) }))[0],
    ).toMatchObject({ severity: 'critical', value: 8, threshold: 1 });
  });

  it('falls back to the total since the server start when the counter went backwards', () => {
    const [f] = findings(
      evaluate(mysqlDeadlocks, mariadbRow('5'), { counterBaseline: baseline({ 'status.innodb_deadlocks': 9 }) }),
    );
    expect(f).toMatchObject({ severity: 'warning', value: 5 });
    expect(en(f!.message)).toBe(
      '5 InnoDB deadlocks since 2026-10-25T12:00:00.000Z (server start; window start not covered), 0.2 per day (critical above 10 per day) (snapshot of 2026-11-17T12:00:00.000Z not used: Innodb_deadlocks went backwards (reset))',
    );
    expect(toTexts(f!.message).zh).toBe(
      '自 2026-10-25T12:00:00.000Z 起（实例启动时间；未覆盖窗口起点）发生 InnoDB 死锁 5 次，平均每天 0.2 次（每天超过 10 次为严重）（未采用 2026-11-17T12:00:00.000Z 的快照：Innodb_deadlocks 比快照时变小了（已被重置））',
    );
  });

  it('falls back when the snapshot lacks the counter of this flavor', () => {
    const [f] = findings(
      evaluate(mysqlDeadlocks, mariadbRow('1001'), {
        counterBaseline: { ...baseline({}), counters: { 'metric.lock_deadlocks': 1000 } },
      }),
    );
    expect(f).toMatchObject({ severity: 'critical', value: 1001 });
    expect(en(f!.message)).toContain('(server start; window start not covered)');
    expect(en(f!.message)).toContain('not used: it lacks Innodb_deadlocks)');
  });

  it('reads the INNODB_METRICS counter on MySQL', () => {
    const mysqlRow = (deadlocks: number, countingSeconds: number) => ({
      counter: [{ deadlocks, status: 'enabled', counting_seconds: countingSeconds }],
    });
    const counterBaseline = baseline({ 'metric.lock_deadlocks': 40, 'status.innodb_deadlocks': 0 });
    const [f] = findings(evaluate(mysqlDeadlocks, mysqlRow(42, 30 * 86_400), { server: MYSQL, counterBaseline }));
    expect(f).toMatchObject({ severity: 'warning', value: 2 });
    expect(f!.evidence).toEqual([{ counter: 'lock_deadlocks', baseline: 40, current: 42, delta: 2 }]);
    expect(findings(evaluate(mysqlDeadlocks, mysqlRow(40, 30 * 86_400), { server: MYSQL, counterBaseline }))).toEqual(
      [],
    );
  });

  it('does not subtract a snapshot taken before the MySQL metric was (re-)enabled', () => {
    const [f] = findings(
      evaluate(
        mysqlDeadlocks,
        { counter: [{ deadlocks: 50, status: 'enabled', counting_seconds: 3600 }] },
        { server: MYSQL, counterBaseline: baseline({ 'metric.lock_deadlocks': 40 }) },
      ),
    );
    expect(f).toMatchObject({ severity: 'critical', value: 50 });
    expect(en(f!.message)).toContain('since 2026-11-24T11:00:00.000Z (metric enabled, within the window)');
    expect(en(f!.message)).toContain('not used: the metric was enabled after it)');
  });

  it('still skips a disabled metric', () => {
    expect(
      evaluate(
        mysqlDeadlocks,
        { counter: [{ deadlocks: 0, status: 'disabled', counting_seconds: null }] },
        { server: MYSQL, counterBaseline: baseline({ 'metric.lock_deadlocks': 0 }) },
      ),
    ).toHaveProperty('skipped');
  });
});
