import mysql from 'mysql2/promise';
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalizedReport } from '../../reports/localize.js';
import { collectCounters } from '../../snapshots/collect-counters.js';
import { statementsField } from '../../snapshots/collect-statements.js';
import { mariadbAvailable, startMariaDb, type MariaDbServer } from '../../test/mariadb-server.js';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';
import { randomSuffix } from '../../test/pg-fixtures.js';
import { findingsOf, lastDays, mariadbRootTarget, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import type { AnyCheck, CounterBaseline } from '../check.types.js';
import { toTexts } from '../check.types.js';
import { myIdent, myQualified } from '../quote.js';
import type { Target } from '../../targets/target-spec.js';
import { MYSQL_ANNUAL_CHECKS } from './annual.list.js';
import { mysqlAdaptiveHashIndex } from './performance/adaptive-hash-index.check.js';
import { mysqlBufferPoolEfficiency } from './performance/buffer-pool-efficiency.check.js';
import { mysqlFullScans } from './performance/full-scans.check.js';
import { mysqlLockContention } from './performance/lock-contention.check.js';
import { mysqlLogWaits } from './performance/log-waits.check.js';
import { mysqlSortSpills } from './performance/sort-spills.check.js';
import { mysqlTopSql } from './performance/top-sql.check.js';

const suffix = randomSuffix();
const DB = `dbp annual \`p_${suffix}`;
const JOINS = 6;
const SORTS = 4;

/** A snapshot of the counters (and statement samples) now, as the collector stores it, used as the window start. */
async function snapshotNow(target: Target): Promise<CounterBaseline> {
  const facts = await target.facts();
  const takenAt = new Date().toISOString();
  return {
    takenAt,
    coversWindowStart: true,
    counters: await collectCounters(target, facts),
    ...(await statementsField(target, facts)),
  };
}

const evidenceOf = (f: { evidence?: Record<string, unknown>[] } | undefined, counter: string) =>
  f?.evidence?.find((e) => e.counter === counter) as { baseline: number; current: number; delta: number } | undefined;

async function plantTables(c: Connection): Promise<void> {
  await c.query(`CREATE DATABASE ${myIdent(DB)} CHARACTER SET utf8mb4`);
  for (const t of ['a', 'b']) {
    await c.query(
      `CREATE TABLE ${myQualified(DB, t)} (id INT PRIMARY KEY, v INT NOT NULL, pad VARCHAR(200) NOT NULL) ENGINE = InnoDB`,
    );
    await c.query(
      `INSERT INTO ${myQualified(DB, t)} SELECT seq, seq % 50, REPEAT(MD5(seq), 6) FROM ${myQualified(DB, 'seq_1_to_3000')}`,
    );
  }
}

describe('MySQL annual diagnosis on the live MariaDB (a stored snapshot at the window start)', () => {
  let admin: Connection;
  let report: LocalizedReport;
  let baseline: CounterBaseline;
  const thresholds = (c: AnyCheck) =>
    c.id === mysqlFullScans.id
      ? { warnPerDay: 1 }
      : c.id === mysqlSortSpills.id
        ? { warnPercent: 10, minSorts: 1 }
        : c.id === mysqlBufferPoolEfficiency.id
          ? { ...c.thresholds.defaults, minReadRequests: 1e15 }
          : c.thresholds.defaults;

  beforeAll(async () => {
    admin = await mysql.createConnection({ ...MARIADB_ROOT, supportBigNumbers: true, bigNumberStrings: true });
    await plantTables(admin);
    const target = mariadbRootTarget();
    try {
      baseline = await snapshotNow(target);
      // Joins without an index on either side, sorts too large for a minimal sort buffer, one row-lock wait.
      for (let i = 0; i < JOINS; i++)
        await admin.query(
          `SELECT COUNT(*) AS n FROM ${myQualified(DB, 'a')} x JOIN ${myQualified(DB, 'b')} y ON x.v = y.v + ${i}`,
        );
      const sorter = await mysql.createConnection({ ...MARIADB_ROOT, database: DB });
      await sorter.query('SET SESSION sort_buffer_size = 32768');
      for (let i = 0; i < SORTS; i++) await sorter.query(`SELECT id, pad FROM a ORDER BY pad DESC, id + ${i}`);
      sorter.destroy();
      const holder = await mysql.createConnection({ ...MARIADB_ROOT, database: DB });
      const waiter = await mysql.createConnection({ ...MARIADB_ROOT, database: DB });
      await holder.query('BEGIN');
      await holder.query('UPDATE a SET v = v + 1 WHERE id = 1');
      await waiter.query('SET SESSION innodb_lock_wait_timeout = 1');
      await expect(waiter.query('UPDATE a SET v = v + 2 WHERE id = 1')).rejects.toThrow(/Lock wait timeout/);
      await holder.query('ROLLBACK');
      holder.destroy();
      waiter.destroy();
      report = await runChecks(target, MYSQL_ANNUAL_CHECKS, {
        tier: 'annual',
        window: lastDays(365),
        counterBaseline: baseline,
        thresholds,
      });
    } finally {
      await target.close();
    }
  }, 60_000);

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${myIdent(DB)}`);
    admin?.destroy();
  });

  it('runs every annual performance check without error', () => {
    for (const c of MYSQL_ANNUAL_CHECKS) expect(outcomeOf(report, c.id)?.status, c.id).not.toBe('error');
  });

  it('MY-A01 is skipped with the reason when performance_schema is OFF', async () => {
    const [ps] = (await admin.query('SELECT @@performance_schema AS ps')) as unknown as [{ ps: number | string }[]];
    if (Number(ps[0]!.ps) === 1) return; // the shared server has it on: the second server's case covers A01
    const out = outcomeOf(report, mysqlTopSql.id)!;
    expect(out.status).toBe('skipped');
    expect(toTexts(out.reason!).en).toContain('enable performance_schema=ON');
    expect(baseline.statements).toBeUndefined();
  });

  it('MY-A02 counts the planted joins without index over the window, not since the server start', () => {
    const [f] = findingsOf(report, mysqlFullScans.id);
    expect(f?.severity).toBe('warning');
    const joins = evidenceOf(f, 'Select_full_join')!;
    expect(joins.baseline).toBe(baseline.counters['status.select_full_join']);
    expect(joins.delta).toBe(joins.current - joins.baseline);
    expect(joins.delta).toBeGreaterThanOrEqual(JOINS);
    expect(evidenceOf(f, 'Select_scan')!.delta).toBeGreaterThanOrEqual(JOINS + SORTS);
    expect(f!.message).toContain(`in the window since ${baseline.takenAt}`);
  });

  it('MY-A06 counts the planted sort merge passes over the window', () => {
    const [f] = findingsOf(report, mysqlSortSpills.id);
    const passes = evidenceOf(f, 'Sort_merge_passes')!;
    expect(passes.delta).toBeGreaterThanOrEqual(SORTS);
    expect(passes.baseline).toBe(baseline.counters['status.sort_merge_passes']);
    expect(f!.message).toMatch(/sort_buffer_size = \d+/);
  });

  it('MY-A04 reports the planted row-lock wait with its mean wait', () => {
    const f = findingsOf(report, mysqlLockContention.id).find((x) => x.object === 'Innodb_row_lock_waits');
    expect(f?.severity).toBe('info');
    const waits = evidenceOf(f, 'Innodb_row_lock_waits')!;
    expect(waits.delta).toBeGreaterThanOrEqual(1);
    expect(evidenceOf(f, 'Innodb_row_lock_time')!.delta).toBeGreaterThanOrEqual(900);
    expect(Number(f!.value)).toBeGreaterThan(0);
  });

  it('MY-A03 skips below minReadRequests, naming the window; A05 passes without log waits; A07 passes with the AHI OFF', async () => {
    const out = outcomeOf(report, mysqlBufferPoolEfficiency.id)!;
    expect(out.status).toBe('skipped');
    expect(toTexts(out.reason!).en).toMatch(/only \d+ buffer pool read requests in the window since/);
    const logWaits = findingsOf(report, mysqlLogWaits.id);
    const waits = Number(baseline.counters['status.innodb_log_waits']);
    const [[now]] = (await admin.query(
      "SELECT VARIABLE_VALUE AS v FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_LOG_WAITS'",
    )) as unknown as [{ v: string }[]];
    if (Number(now!.v) === waits) expect(logWaits).toEqual([]);
    const [ahi] = (await admin.query('SELECT @@innodb_adaptive_hash_index AS on_')) as unknown as [{ on_: number }[]];
    if (Number(ahi[0]!.on_) === 0) {
      expect(outcomeOf(report, mysqlAdaptiveHashIndex.id)?.status).toBe('pass');
      expect(findingsOf(report, mysqlAdaptiveHashIndex.id)).toEqual([]);
    }
  });

  it('MY-A03 grades the window when enough reads happened', async () => {
    const target = mariadbRootTarget();
    try {
      const r = await runChecks(target, [mysqlBufferPoolEfficiency], {
        tier: 'annual',
        counterBaseline: baseline,
        thresholds: () => ({ warnPercent: 100.5, critPercent: 0, minReadRequests: 1 }),
      });
      const [f] = findingsOf(r, mysqlBufferPoolEfficiency.id);
      expect(f?.severity).toBe('warning');
      const requests = evidenceOf(f, 'Innodb_buffer_pool_read_requests')!;
      expect(requests.delta).toBeGreaterThan(0);
      expect(requests.delta).toBeLessThan(requests.current);
    } finally {
      await target.close();
    }
  });
});

describe.skipIf(!mariadbAvailable())('MY-A01 on a second MariaDB with performance_schema=ON', () => {
  let server: MariaDbServer | undefined;
  let target: Target | undefined;
  const PLANTED = `planted_${suffix}`;

  beforeAll(async () => {
    server = await startMariaDb({
      name: 'dbp-annual-ps',
      performanceSchema: true,
      settings: { 'innodb-adaptive-hash-index': 'ON' },
    });
    const c = await mysql.createConnection(server.connectionOptions() as ConnectionOptions);
    try {
      await c.query('CREATE DATABASE bed');
      await c.query('CREATE TABLE bed.t (id INT PRIMARY KEY, v INT NOT NULL)');
      await c.query('INSERT INTO bed.t VALUES (1, 1), (2, 2), (3, 3)');
    } finally {
      c.destroy();
    }
    target = mariadbRootTarget({ host: server.host, port: server.port, password: server.password });
  }, 120_000);

  afterAll(async () => {
    await target?.close();
    await server?.remove();
  });

  it('puts the planted statement first with only its calls in the window, a warning for its missing index', async () => {
    const c = await mysql.createConnection(server!.connectionOptions('bed') as ConnectionOptions);
    const planted = `SELECT SLEEP(0.05) AS ${PLANTED} FROM t WHERE v = 2`;
    try {
      for (let i = 0; i < 3; i++) await c.query(planted);
      const base = await snapshotNow(target!);
      const before = base.statements?.find((s) => s.text.includes(PLANTED));
      expect(before?.calls).toBe(3);
      for (let i = 0; i < 5; i++) await c.query(planted);
      const report = await runChecks(target!, [mysqlTopSql], {
        tier: 'annual',
        window: lastDays(365),
        counterBaseline: base,
      });
      const [top, ...warnings] = findingsOf(report, mysqlTopSql.id);
      expect(top?.severity).toBe('info');
      const first = top!.evidence![0]!;
      expect(String(first.text)).toContain(PLANTED);
      expect(first.calls).toBe(5);
      expect(first.schema).toBe('bed');
      expect(Number(first.totalMs)).toBeGreaterThanOrEqual(5 * 50);
      expect(first.countedWhole).toBeUndefined();
      expect(top!.message).toContain(`in the window since ${base.takenAt}`);
      expect(warnings[0]).toMatchObject({ severity: 'warning', object: `\`bed\` digest ${String(first.digest)}` });
      expect(warnings[0]!.message).toContain('ran 5 of 5 times without using an index');
      // The snapshot's and the check's own queries on performance_schema are ranked, never blamed for an index.
      expect(warnings).toHaveLength(1);

      // Without the snapshot the same digest counts all 8 calls, and the message says since when.
      const cumulative = await runChecks(target!, [mysqlTopSql], { tier: 'annual', window: lastDays(365) });
      const [all] = findingsOf(cumulative, mysqlTopSql.id);
      expect(all!.evidence!.find((e) => String(e.text).includes(PLANTED))?.calls).toBe(8);
      expect(all!.message).toContain('since the digest table was last truncated or the server started');

      // MY-A02 lists the same statement among those that ran without an index in the window.
      const scans = await runChecks(target!, [mysqlFullScans], { tier: 'annual', counterBaseline: base });
      const [scan] = findingsOf(scans, mysqlFullScans.id);
      const listed = scan!.evidence!.find((e) => String(e.text ?? '').includes(PLANTED));
      expect(listed).toMatchObject({ calls: 5, noIndexUsed: 5 });
      expect(scan!.message).toContain('statement(s) ran without an index');
    } finally {
      c.destroy();
    }
  }, 60_000);

  it('MY-A07 reads the adaptive hash index searches from INNODB_METRICS when the index is ON', async () => {
    const c = await mysql.createConnection(server!.connectionOptions('bed') as ConnectionOptions);
    try {
      for (let i = 0; i < 50; i++) await c.query('SELECT v FROM t WHERE id = ?', [1 + (i % 3)]);
    } finally {
      c.destroy();
    }
    const [m] = await server!.query<{ n: string | number }>(
      "SELECT SUM(COUNT) AS n FROM information_schema.INNODB_METRICS WHERE NAME IN ('adaptive_hash_searches', 'adaptive_hash_searches_btree')",
    );
    const report = await runChecks(target!, [mysqlAdaptiveHashIndex], {
      tier: 'annual',
      thresholds: () => ({ infoHitPercent: 100.5, minSearches: 1 }),
    });
    const [f] = findingsOf(report, mysqlAdaptiveHashIndex.id);
    expect(f).toMatchObject({ severity: 'info', object: 'innodb_adaptive_hash_index' });
    const searches = f!.evidence!.reduce((t, e) => t + Number(e.sinceServerStart), 0);
    expect(searches).toBeGreaterThanOrEqual(Number(m!.n));
    expect(searches).toBeGreaterThan(0);
    expect(f!.message).toContain('or the last innodb_monitor_reset');
  });
});
