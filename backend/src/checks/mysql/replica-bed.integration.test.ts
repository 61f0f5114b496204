import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalizedReport } from '../../reports/localize.js';
import { openTarget } from '../../targets/open-target.js';
import type { Target } from '../../targets/target-spec.js';
import {
  startMariaDb,
  startMariaDbReplica,
  type MariaDbReplica,
  type MariaDbServer,
} from '../../test/mariadb-server.js';
import { findingsOf, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import { MYSQL_DAILY_CHECKS } from './daily.list.js';
import { MYSQL_MONTHLY_CHECKS } from './monthly.list.js';
import { mysqlBinlogRetention } from './parameters/binlog-retention.check.js';
import { mysqlReplicaSafety } from './parameters/replica-safety.check.js';
import { mysqlReplicationLag } from './replication/replication-lag.check.js';
import { mysqlReplicationRole } from './replication/replication-role.check.js';
import { mysqlReplicationThreads } from './replication/replication-threads.check.js';

// A real primary and GTID replica started for this file (second and third mariadbd, own ports and datadirs).
// The primary keeps binary logs for 2 days (MY-M02 finding); the replica keeps them 8 days (none), is read-only, has
// 4 applier threads, gtid_strict_mode and log_slave_updates on, and slave_skip_errors=1062 planted at start (that
// variable is read-only at runtime): MY-M11 must report exactly that one.
let primary: MariaDbServer | undefined;
let replica: MariaDbReplica | undefined;
const targets: Target[] = [];
const connections: Connection[] = [];
const REPLICATION = [mysqlReplicationRole.id, mysqlReplicationThreads.id, mysqlReplicationLag.id];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function targetOf(server: MariaDbServer): Target {
  const t = openTarget({
    engine: 'mariadb',
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
  });
  targets.push(t);
  return t;
}

type Role = 'primary' | 'replica';
const daily = (server: MariaDbServer, name: string, expectedRole?: Role): Promise<LocalizedReport> =>
  runChecks(targetOf(server), MYSQL_DAILY_CHECKS, {
    tier: 'daily',
    instance: { name, engine: 'mariadb', ...(expectedRole ? { expectedRole } : {}) },
  });

/** The replication checks' outcomes and findings, none of them erroring. */
function replicationOf(report: LocalizedReport) {
  for (const id of REPLICATION) expect(outcomeOf(report, id)?.status, id).not.toBe('error');
  return report.findings.filter((f) => REPLICATION.includes(f.checkId));
}

/** slave_parallel_threads can only change while the replication threads are stopped. */
async function setParallelThreads(n: number): Promise<void> {
  await replica!.query('STOP SLAVE');
  await replica!.query(`SET GLOBAL slave_parallel_threads = ${n}`);
  await replica!.query('START SLAVE');
  await waitFor('both threads', async () => {
    const s = await replica!.slaveStatus();
    return s.Slave_IO_Running === 'Yes' && s.Slave_SQL_Running === 'Yes' ? true : undefined;
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  primary = await startMariaDb({
    name: 'dbp-bed-mysql-primary',
    binlog: true,
    settings: { 'binlog-expire-logs-seconds': 2 * 86_400 },
  });
  replica = await startMariaDbReplica(primary, {
    name: 'dbp-bed-mysql-replica',
    binlog: true,
    settings: {
      'read-only': true,
      'slave-skip-errors': '1062',
      'slave-parallel-threads': 4,
      'gtid-strict-mode': true,
      'binlog-expire-logs-seconds': 8 * 86_400,
    },
  });
  await primary.query('CREATE DATABASE bed');
  await primary.query('CREATE TABLE bed.t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE = InnoDB');
  await primary.query('INSERT INTO bed.t VALUES (1, 0), (2, 0)');
  await replica.sync();
}, 120_000);

afterAll(async () => {
  for (const c of connections) c.destroy();
  for (const t of targets) await t.close().catch(() => undefined);
  await replica?.remove();
  await primary?.remove();
});

describe('MySQL replication checks on a real MariaDB primary and GTID replica', () => {
  it('MY-D02..D04: a healthy pair gives no replication finding; the primary is no replica', async () => {
    const onPrimary = await daily(primary!, 'bed-primary', 'primary');
    expect(replicationOf(onPrimary)).toEqual([]);
    expect(outcomeOf(onPrimary, mysqlReplicationThreads.id)).toMatchObject({
      status: 'skipped',
      reason: 'server is not a replica (no replication channel configured)',
    });
    const onReplica = await daily(replica!, 'bed-replica', 'replica');
    expect(replicationOf(onReplica)).toEqual([]);
    // Every daily check runs on both (a replica's SQL must not fail where a primary's works).
    for (const report of [onPrimary, onReplica]) {
      expect(report.checks.filter((c) => c.status === 'error').map((c) => c.checkId)).toEqual([]);
    }
    for (const id of REPLICATION) expect(outcomeOf(onReplica, id)?.status, id).toBe('pass');
  });

  it('MY-D02: the replica listed as primary, and a writable replica, are findings', async () => {
    const asPrimary = replicationOf(await daily(replica!, 'bed-replica', 'primary'));
    expect(asPrimary).toHaveLength(1);
    expect(asPrimary[0]).toMatchObject({
      checkId: mysqlReplicationRole.id,
      severity: 'warning',
      object: 'bed-replica',
    });
    expect(asPrimary[0]!.message).toBe(
      `the inventory lists bed-replica as primary, but it replicates (replication from 127.0.0.1:${primary!.port})`,
    );
    // The primary listed as replica has no channel.
    const primaryAsReplica = findingsOf(await daily(primary!, 'bed-primary', 'replica'), mysqlReplicationRole.id);
    expect(primaryAsReplica.map((f) => [f.severity, f.object, f.message])).toEqual([
      ['warning', 'bed-primary', 'the inventory lists bed-primary as a replica, but it has no replication channel'],
    ]);
    await replica!.query('SET GLOBAL read_only = OFF');
    try {
      const writable = findingsOf(await daily(replica!, 'bed-replica', 'replica'), mysqlReplicationRole.id);
      expect(writable.map((f) => [f.severity, f.object, f.value, f.threshold])).toEqual([
        ['warning', 'read_only', 'OFF', 'ON'],
      ]);
      expect(writable[0]!.message).toBe(
        `replica bed-replica (replication from 127.0.0.1:${primary!.port}) accepts writes: read_only = OFF`,
      );
    } finally {
      await replica!.query('SET GLOBAL read_only = ON');
    }
  });

  it('MY-D03/D04: a stopped SQL thread is critical and its lag unknown; restarted, both clear', async () => {
    await replica!.query('STOP SLAVE SQL_THREAD');
    try {
      const found = replicationOf(await daily(replica!, 'bed-replica', 'replica'));
      const threads = found.filter((f) => f.checkId === mysqlReplicationThreads.id);
      expect(threads.map((f) => [f.severity, f.object])).toEqual([['critical', 'bed-replica']]);
      expect(threads[0]!.message).toBe(`replication from 127.0.0.1:${primary!.port} is not running: SQL thread No`);
      expect(threads[0]!.evidence?.[0]).toMatchObject({ io_running: 'Yes', sql_running: 'No' });
      const lag = found.filter((f) => f.checkId === mysqlReplicationLag.id);
      expect(lag.map((f) => [f.severity, f.object])).toEqual([['critical', 'bed-replica']]);
      expect(lag[0]!.message).toBe(
        `replication from 127.0.0.1:${primary!.port}: lag unknown (Seconds_Behind is NULL; IO thread Yes, SQL thread No)`,
      );
    } finally {
      await replica!.query('START SLAVE SQL_THREAD');
    }
    await waitFor('SQL thread', async () =>
      (await replica!.slaveStatus()).Slave_SQL_Running === 'Yes' ? true : undefined,
    );
    expect(replicationOf(await daily(replica!, 'bed-replica', 'replica'))).toEqual([]);
  });

  it('MY-D03/D04: a stopped IO thread is critical, its lag unknown', async () => {
    await replica!.query('STOP SLAVE IO_THREAD');
    try {
      const found = replicationOf(await daily(replica!, 'bed-replica', 'replica'));
      const threads = found.filter((f) => f.checkId === mysqlReplicationThreads.id);
      expect(threads.map((f) => [f.severity, f.object])).toEqual([['critical', 'bed-replica']]);
      expect(threads[0]!.message).toBe(`replication from 127.0.0.1:${primary!.port} is not running: IO thread No`);
      // MariaDB reports Seconds_Behind_Master NULL once the IO thread is stopped: the lag is unknown, critical.
      expect((await replica!.slaveStatus()).Seconds_Behind_Master).toBeNull();
      const lag = found.filter((f) => f.checkId === mysqlReplicationLag.id);
      expect(lag.map((f) => [f.severity, f.message])).toEqual([
        [
          'critical',
          `replication from 127.0.0.1:${primary!.port}: lag unknown (Seconds_Behind is NULL; IO thread No, SQL thread Yes)`,
        ],
      ]);
    } finally {
      await replica!.query('START SLAVE IO_THREAD');
    }
    await waitFor('IO thread', async () =>
      (await replica!.slaveStatus()).Slave_IO_Running === 'Yes' ? true : undefined,
    );
  });

  it('MY-D03: a row missing on the replica stops the applier with error 1032, critical with the error text', async () => {
    // Drift: the row is deleted on the replica only (not binlogged there), then the primary updates it.
    const local = await replica!.connect();
    connections.push(local);
    await local.query('SET SESSION sql_log_bin = 0');
    await local.query('DELETE FROM bed.t WHERE id = 2');
    await primary!.query('UPDATE bed.t SET v = v + 10 WHERE id = 2');
    const status = await waitFor('the applier to stop', async () => {
      const st = await replica!.slaveStatus();
      return st.Slave_SQL_Running === 'No' ? st : undefined;
    });
    expect(Number(status.Last_SQL_Errno)).toBe(1032);
    try {
      const threads = findingsOf(await daily(replica!, 'bed-replica', 'replica'), mysqlReplicationThreads.id);
      expect(threads.map((f) => [f.severity, f.object])).toEqual([['critical', 'bed-replica']]);
      expect(threads[0]!.message).toBe(
        `replication from 127.0.0.1:${primary!.port} is not running: SQL thread No; last SQL error 1032: ${String(
          status.Last_SQL_Error,
        )}`,
      );
      expect(threads[0]!.evidence?.[0]).toMatchObject({ io_running: 'Yes', sql_running: 'No', last_sql_errno: 1032 });
    } finally {
      await local.query('INSERT INTO bed.t VALUES (2, 0)');
      await replica!.query('START SLAVE SQL_THREAD');
    }
    await replica!.sync();
    expect(await replica!.query('SELECT v FROM bed.t WHERE id = 2')).toEqual([{ v: 10 }]);
    expect(replicationOf(await daily(replica!, 'bed-replica', 'replica'))).toEqual([]);
  });

  it('MY-D03: the replication account locked on the primary leaves the IO thread reconnecting, critical', async () => {
    const admin = await primary!.connect();
    connections.push(admin);
    await admin.query('SET SESSION sql_log_bin = 0');
    await admin.query('ALTER USER ?@? ACCOUNT LOCK', [replica!.replicationUser, '127.0.0.1']);
    let status: Record<string, unknown>;
    try {
      await replica!.query('STOP SLAVE IO_THREAD');
      await replica!.query('START SLAVE IO_THREAD');
      status = await waitFor('the IO thread to fail', async () => {
        const st = await replica!.slaveStatus();
        return Number(st.Last_IO_Errno) !== 0 && st.Slave_IO_Running !== 'Yes' ? st : undefined;
      });
      const threads = findingsOf(await daily(replica!, 'bed-replica', 'replica'), mysqlReplicationThreads.id);
      expect(threads.map((f) => [f.severity, f.object])).toEqual([['critical', 'bed-replica']]);
      expect(threads[0]!.message).toMatch(
        new RegExp(
          `^replication from 127\\.0\\.0\\.1:${primary!.port} is not running: IO thread ${String(
            status.Slave_IO_Running,
          )}; last IO error ${Number(status.Last_IO_Errno)}: `,
        ),
      );
      expect(threads[0]!.message).toMatch(/locked/i);
    } finally {
      await admin.query('ALTER USER ?@? ACCOUNT UNLOCK', [replica!.replicationUser, '127.0.0.1']);
    }
    await waitFor('the IO thread to reconnect', async () =>
      (await replica!.slaveStatus()).Slave_IO_Running === 'Yes' ? true : undefined,
    );
    // A successful reconnection clears Last_IO_Error: nothing left to report.
    expect((await replica!.slaveStatus()).Last_IO_Errno).toBe(0);
    expect(replicationOf(await daily(replica!, 'bed-replica', 'replica'))).toEqual([]);
  });

  it('MY-D04: an applier stuck behind a 10-minute-old transaction is critical lag', async () => {
    // The replica's own session holds row 1; the primary's update of it (binlogged with a timestamp 600 s old)
    // waits in the applier, so Seconds_Behind_Master counts from that timestamp. That holds for the serial applier:
    // with slave_parallel_threads > 0, MariaDB 10.11 counts from when the event was queued (0, 1, 2 … s), so the
    // replica runs serially for this test.
    await setParallelThreads(0);
    const holder = await replica!.connect();
    connections.push(holder);
    await holder.query('SET SESSION innodb_lock_wait_timeout = 120');
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM bed.t WHERE id = 1 FOR UPDATE');
    const writer = await primary!.connect();
    connections.push(writer);
    await writer.query('SET SESSION timestamp = UNIX_TIMESTAMP() - 600');
    await writer.query('UPDATE bed.t SET v = v + 1 WHERE id = 1');
    try {
      const behind = await waitFor('Seconds_Behind_Master', async () => {
        const s = await replica!.slaveStatus();
        const n = s.Seconds_Behind_Master === null ? NaN : Number(s.Seconds_Behind_Master);
        return n >= 590 ? n : undefined;
      });
      const lag = findingsOf(await daily(replica!, 'bed-replica', 'replica'), mysqlReplicationLag.id);
      expect(lag.map((f) => [f.severity, f.object, f.threshold])).toEqual([['critical', 'bed-replica', 300]]);
      expect(lag[0]!.value).toBeGreaterThanOrEqual(behind);
      expect(lag[0]!.value).toBeLessThan(700);
      expect(lag[0]!.message).toMatch(
        new RegExp(`^replication from 127\\.0\\.0\\.1:${primary!.port} is \\d+ s behind \\(`),
      );
    } finally {
      await holder.query('ROLLBACK');
      await setParallelThreads(4);
    }
    await replica!.sync();
    expect(await replica!.query('SELECT v FROM bed.t WHERE id = 1')).toEqual([{ v: 1 }]);
    expect(findingsOf(await daily(replica!, 'bed-replica', 'replica'), mysqlReplicationLag.id)).toEqual([]);
  });

  it('MY-M11 reports the planted slave_skip_errors on the replica only; MY-M02 the short retention on the primary', async () => {
    const onReplica = await runChecks(targetOf(replica!), MYSQL_MONTHLY_CHECKS, {
      tier: 'monthly',
      instance: { name: 'bed-replica', engine: 'mariadb', expectedRole: 'replica' },
    });
    const safety = findingsOf(onReplica, mysqlReplicaSafety.id);
    expect(safety.map((f) => [f.severity, f.object, f.message])).toEqual([
      [
        'critical',
        'slave_skip_errors',
        'slave_skip_errors=1062: replication errors are skipped silently and the replica drifts from its source',
      ],
    ]);
    expect(outcomeOf(onReplica, mysqlBinlogRetention.id)?.status).toBe('pass');

    const onPrimary = await runChecks(targetOf(primary!), MYSQL_MONTHLY_CHECKS, {
      tier: 'monthly',
      instance: { name: 'bed-primary', engine: 'mariadb', expectedRole: 'primary' },
    });
    expect(outcomeOf(onPrimary, mysqlReplicaSafety.id)).toMatchObject({
      status: 'skipped',
      reason: 'the server is not a replica',
    });
    const retention = findingsOf(onPrimary, mysqlBinlogRetention.id);
    expect(retention.map((f) => [f.severity, f.object])).toEqual([['warning', 'binlog retention']]);
    expect(retention[0]!.message).toMatch(/: binary logs are kept 2 days, less than 7 days$/);
  });

  it('MY-D04: a configured MASTER_DELAY is not lag, while the threads keep running', async () => {
    await replica!.query('STOP SLAVE');
    await replica!.query('CHANGE MASTER TO MASTER_DELAY = 3600');
    await replica!.query('START SLAVE');
    await primary!.query('UPDATE bed.t SET v = v + 1 WHERE id = 2');
    await sleep(2_500);
    const status = await replica!.slaveStatus();
    expect(status).toMatchObject({ SQL_Delay: 3600, Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes' });
    expect(Number(status.Seconds_Behind_Master)).toBeGreaterThanOrEqual(1);
    expect(await replica!.query('SELECT v FROM bed.t WHERE id = 2')).toEqual([{ v: 10 }]);
    expect(replicationOf(await daily(replica!, 'bed-replica', 'replica'))).toEqual([]);
  });
});
