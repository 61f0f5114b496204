import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Reports as a reader shows them: texts in the language the test ran in.
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';
import { randomSuffix } from '../../test/pg-fixtures.js';
import { findingsOf, mariadbRootTarget, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import type { AnyCheck } from '../check.types.js';
import { myIdent, myQualified } from '../quote.js';
import { mysqlBackupAge } from './backup/backup-age.check.js';
import { NO_BACKUP_EVIDENCE } from './backup/backup-evidence.js';
import { mysqlBinlogEnabled } from './backup/binlog-enabled.check.js';
import { mysqlBinlogSequence } from './backup/binlog-sequence.check.js';
import { mysqlAbortedConnections } from './connections/aborted-connections.check.js';
import { MYSQL_DAILY_CHECKS } from './daily.list.js';
import { mysqlErrorLog } from './errors/error-log.check.js';
import { mysqlDeadlocks } from './locks/deadlocks.check.js';
import { mysqlLockWaits } from './locks/lock-waits.check.js';
import { mysqlReplicationLag } from './replication/replication-lag.check.js';
import { mysqlReplicationRole } from './replication/replication-role.check.js';
import { mysqlReplicationThreads } from './replication/replication-threads.check.js';
import { mysqlFilesystemFreeSpace } from './storage/filesystem-free-space.check.js';
import { mysqlLongTransactions } from './transactions/long-transactions.check.js';

const suffix = randomSuffix();
const DB = `dbp 巡检 d\`x_${suffix}`;
const T = {
  idle: "Idle 'trx' `t` 表",
  mdl: "Mdl Tbl `x` 'y' 表",
  row: "row Lock `r` 'q' 行",
  clean: 'Clean "tbl" 表',
  deadlock: 'Dead `lock` 死锁',
  backups: "backup 'History'",
};
const table = (t: string) => myQualified(DB, t);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The planted waits and open transactions must be older than this (seconds) when the checks run. */
const LOWERED = { warnSeconds: 1, critSeconds: 600 };

const connections: Connection[] = [];
const pending: Promise<unknown>[] = [];

async function connect(database?: string): Promise<Connection> {
  const c = await mysql.createConnection({
    host: MARIADB_ROOT.host,
    port: MARIADB_ROOT.port,
    user: MARIADB_ROOT.user,
    password: MARIADB_ROOT.password,
    supportBigNumbers: true,
    bigNumberStrings: true,
    ...(database ? { database } : {}),
  });
  connections.push(c);
  return c;
}

async function threadOf(c: Connection): Promise<string> {
  const [rows] = await c.query('SELECT CONNECTION_ID() AS id');
  return String((rows as { id: string | number }[])[0]!.id);
}

/** Sends a statement that is expected to block, without waiting for it; its error (KILL) is swallowed. */
function sendBlocking(c: Connection, sql: string): void {
  pending.push(c.query(sql).catch(() => undefined));
}

const thresholds = (c: AnyCheck) =>
  c.id === mysqlLockWaits.id || c.id === mysqlLongTransactions.id ? LOWERED : c.thresholds.defaults;

let admin: Connection;
const threads = { idle: '', cleanSession: '', mdlHolder: '', alter: '', rowHolder: '', rowWaiter: '' };
let logBin = 1;
let trap: { report: InspectionReport; ms: number };
/** The same checks on the same planted problems, reported in Chinese. */
let inChinese: InspectionReport;

beforeAll(async () => {
  admin = await connect();
  await admin.query(`CREATE DATABASE ${myIdent(DB)} CHARACTER SET utf8mb4`);
  for (const t of [T.idle, T.mdl, T.row, T.clean, T.deadlock]) {
    await admin.query(`CREATE TABLE ${table(t)} (id INT PRIMARY KEY, v INT NOT NULL) ENGINE = InnoDB`);
    await admin.query(`INSERT INTO ${table(t)} VALUES (1, 1), (2, 2)`);
  }
  const [[bin]] = (await admin.query('SELECT @@log_bin AS log_bin')) as unknown as [{ log_bin: number | string }[]];
  logBin = Number(bin!.log_bin);

  // An idle-in-transaction session: modified a row, then nothing (it "sleeps").
  const idle = await connect(DB);
  threads.idle = await threadOf(idle);
  await idle.query('BEGIN');
  await idle.query(`UPDATE ${myIdent(T.idle)} SET v = v + 1 WHERE id = 1`);

  // A session with no open transaction must not be flagged.
  const cleanSession = await connect(DB);
  threads.cleanSession = await threadOf(cleanSession);
  await cleanSession.query(`SELECT * FROM ${myIdent(T.clean)}`);

  // The trap: an open transaction holds a metadata lock on the table, an ALTER queues behind it.
  const mdlHolder = await connect();
  threads.mdlHolder = await threadOf(mdlHolder);
  await mdlHolder.query('BEGIN');
  await mdlHolder.query(`SELECT * FROM ${table(T.mdl)}`);
  const alter = await connect();
  threads.alter = await threadOf(alter);
  await alter.query('SET SESSION lock_wait_timeout = 60');
  sendBlocking(alter, `ALTER TABLE ${table(T.mdl)} ADD COLUMN extra INT`);

  // A row-lock wait: the holder updated row 1 and keeps its transaction open, the waiter wants the same row.
  const rowHolder = await connect();
  threads.rowHolder = await threadOf(rowHolder);
  await rowHolder.query('BEGIN');
  await rowHolder.query(`UPDATE ${table(T.row)} SET v = v + 1 WHERE id = 1`);
  const rowWaiter = await connect();
  threads.rowWaiter = await threadOf(rowWaiter);
  await rowWaiter.query('SET SESSION innodb_lock_wait_timeout = 60');
  sendBlocking(rowWaiter, `UPDATE ${table(T.row)} SET v = v + 2 WHERE id = 1`);

  // Locks held on the clean table with nobody waiting for them are no lock wait.
  const cleanHolder = await connect();
  await cleanHolder.query('BEGIN');
  await cleanHolder.query(`UPDATE ${table(T.clean)} SET v = v + 1 WHERE id = 2`);

  await sleep(2_300);
  const target = mariadbRootTarget({ statementTimeoutMs: 3000, lockTimeoutMs: 1 });
  try {
    const started = Date.now();
    const report = await runChecks(target, MYSQL_DAILY_CHECKS, { tier: 'daily', thresholds });
    trap = { report, ms: Date.now() - started };
    inChinese = await runChecks(target, MYSQL_DAILY_CHECKS, { tier: 'daily', thresholds, language: 'zh' });
  } finally {
    await target.close();
  }
});

afterAll(async () => {
  const killer = await connect().catch(() => undefined);
  for (const id of [threads.alter, threads.rowWaiter]) {
    if (id && killer) await killer.query(`KILL ${Number(id)}`).catch(() => undefined);
  }
  await Promise.all(pending);
  for (const c of connections) if (c !== killer) c.destroy();
  await killer?.query(`DROP DATABASE IF EXISTS ${myIdent(DB)}`);
  killer?.destroy();
});

describe('MySQL daily checks on the live MariaDB', () => {
  it('finish within their timeouts while an ALTER waits for a metadata lock, none erroring', () => {
    expect(trap.ms).toBeLessThan(15_000);
    const errors = trap.report.checks.filter((c) => c.status === 'error' && c.checkId !== mysqlBinlogSequence.id);
    expect(errors).toEqual([]);
    expect(trap.report.checks.map((c) => c.checkId)).toEqual(MYSQL_DAILY_CHECKS.map((c) => c.id));
  });

  it('MY-D10 reports the ALTER waiting for the metadata lock on its table, naming the open transaction', () => {
    const f = findingsOf(trap.report, mysqlLockWaits.id).find((x) => x.message.startsWith(`thread ${threads.alter} `));
    expect(f).toMatchObject({ object: table(T.mdl), severity: 'warning' });
    expect(f!.message).toContain('"Waiting for table metadata lock"');
    expect(f!.message).toContain(`thread ${threads.mdlHolder} (root,`);
    expect(f!.value).toBeGreaterThan(1);
  });

  it('MY-D10 reports the row-lock wait with its blocker', () => {
    const f = findingsOf(trap.report, mysqlLockWaits.id).find((x) =>
      x.message.startsWith(`thread ${threads.rowWaiter} `),
    );
    expect(f).toMatchObject({ object: table(T.row), severity: 'warning' });
    expect(f!.message).toContain(`blocked by thread ${threads.rowHolder} (root, Sleep,`);
    expect(f!.message).toContain('(index PRIMARY)');
  });

  it('MY-D10 does not flag locks nobody waits for', () => {
    expect(findingsOf(trap.report, mysqlLockWaits.id).filter((x) => x.object === table(T.clean))).toEqual([]);
  });

  it('MY-D09 flags the idle-in-transaction session with its thread, user and database, not the clean one', () => {
    const mine = findingsOf(trap.report, mysqlLongTransactions.id);
    const f = mine.find((x) => x.object === `thread ${threads.idle}`);
    expect(f).toMatchObject({ severity: 'warning', threshold: 1 });
    expect(f!.message).toMatch(new RegExp(`^thread ${threads.idle} of root@127\\.0\\.0\\.1:\\d+ in `));
    expect(f!.message).toContain(`in ${myIdent(DB)} idle in transaction`);
    expect(f!.message).toContain('1 row(s) modified');
    expect(mine.find((x) => x.object === `thread ${threads.cleanSession}`)).toBeUndefined();
  });

  it('skips what this primary without sources cannot show, with the reason', () => {
    for (const c of [mysqlReplicationRole, mysqlReplicationThreads, mysqlReplicationLag]) {
      expect(outcomeOf(trap.report, c.id)).toMatchObject({
        status: 'skipped',
        reason: 'server is not a replica (no replication channel configured)',
      });
    }
    expect(outcomeOf(trap.report, mysqlErrorLog.id)).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('MariaDB has no SQL access'),
    });
    expect(outcomeOf(trap.report, mysqlBackupAge.id)).toMatchObject({
      status: 'skipped',
      reason: NO_BACKUP_EVIDENCE.en,
    });
    expect(outcomeOf(trap.report, mysqlFilesystemFreeSpace.id)).toMatchObject({
      status: 'skipped',
      // Names the paths it would have graded: datadir (and tmpdir; binlog directory when log_bin is on).
      reason: expect.stringMatching(/^no host metrics source for \S+/),
    });
  });

  it('says everything in Chinese when the report is in Chinese', () => {
    const han = /\p{Script=Han}/u;
    const skipped = inChinese.checks.filter((c) => c.status === 'skipped');
    expect(skipped.map((c) => c.checkId)).toEqual(
      expect.arrayContaining([
        mysqlReplicationRole.id,
        mysqlErrorLog.id,
        mysqlBackupAge.id,
        mysqlFilesystemFreeSpace.id,
      ]),
    );
    for (const c of skipped) expect(c.reason, c.checkId).toMatch(han);
    expect(inChinese.findings.length).toBeGreaterThan(0);
    for (const f of inChinese.findings) expect(f.message, f.checkId).toMatch(han);
    expect(outcomeOf(inChinese, mysqlBackupAge.id)?.reason).toBe(NO_BACKUP_EVIDENCE.zh);
    expect(
      findingsOf(inChinese, mysqlLockWaits.id).find((f) => f.message.startsWith(`线程 ${threads.rowWaiter} 已等待`)),
    ).toBeDefined();
  });

  it('MY-D11 reports binary logging off on this primary', () => {
    if (logBin !== 0) return;
    expect(findingsOf(trap.report, mysqlBinlogEnabled.id)).toEqual([
      expect.objectContaining({ severity: 'critical', object: 'log_bin', value: 'OFF' }),
    ]);
    // SHOW BINARY LOGS fails with ER_NO_BINARY_LOGGING: an error until the target layer counts it as a missing source.
    const sequence = outcomeOf(trap.report, mysqlBinlogSequence.id);
    expect(['skipped', 'error']).toContain(sequence?.status);
    expect(sequence?.reason).toMatch(/binary logging/i);
  });

  it('MY-D06 counts failed logins', async () => {
    const target = mariadbRootTarget();
    const aborted = async () => {
      const report = await runChecks(target, [mysqlAbortedConnections], {
        tier: 'daily',
        thresholds: () => ({ warnPercent: 0 }),
      });
      expect(outcomeOf(report, mysqlAbortedConnections.id)?.status).not.toBe('error');
      return Number(findingsOf(report, mysqlAbortedConnections.id)[0]?.evidence?.[0]?.Aborted_connects ?? 0);
    };
    try {
      const before = await aborted();
      for (let i = 0; i < 3; i++) {
        const denied = await mysql
          .createConnection({
            host: MARIADB_ROOT.host,
            port: MARIADB_ROOT.port,
            user: `dbp_nouser_${suffix}`,
            password: 'wrong',
          })
          .then(
            (c) => c.end().then(() => false),
            () => true,
          );
        expect(denied).toBe(true);
      }
      expect(await aborted()).toBeGreaterThanOrEqual(before + 3);
    } finally {
      await target.close();
    }
  });

  it('MY-D08 counts a deadlock', async () => {
    const target = mariadbRootTarget();
    const deadlocks = async () => {
      const report = await runChecks(target, [mysqlDeadlocks], { tier: 'daily' });
      expect(outcomeOf(report, mysqlDeadlocks.id)?.status).not.toBe('error');
      return Number(findingsOf(report, mysqlDeadlocks.id)[0]?.value ?? 0);
    };
    try {
      const before = await deadlocks();
      const [a, b] = [await connect(), await connect()];
      await a.query('BEGIN');
      await a.query(`UPDATE ${table(T.deadlock)} SET v = v + 1 WHERE id = 1`);
      await b.query('BEGIN');
      await b.query(`UPDATE ${table(T.deadlock)} SET v = v + 1 WHERE id = 2`);
      const errnoOf = (err: unknown) => (err as { errno?: number }).errno;
      const first = a.query(`UPDATE ${table(T.deadlock)} SET v = v + 1 WHERE id = 2`).then(() => 0, errnoOf);
      await sleep(200);
      const second = await b.query(`UPDATE ${table(T.deadlock)} SET v = v + 1 WHERE id = 1`).then(() => 0, errnoOf);
      expect([await first, second]).toContain(1213);
      await a.query('ROLLBACK');
      await b.query('ROLLBACK');
      const [f] = findingsOf(await runChecks(target, [mysqlDeadlocks], { tier: 'daily' }), mysqlDeadlocks.id);
      expect(f).toMatchObject({ object: 'test-instance' });
      expect(f!.value).toBeGreaterThanOrEqual(before + 1);
      expect(f!.message).toMatch(/InnoDB deadlocks? since .*\(server start/);
    } finally {
      await target.close();
    }
  });

  it('MY-D12 runs the instance backup evidence query', async () => {
    await admin.query(
      `CREATE TABLE ${table(T.backups)} (id INT PRIMARY KEY, end_time DATETIME NOT NULL, partial CHAR(1) NOT NULL)`,
    );
    await admin.query(
      `INSERT INTO ${table(T.backups)} VALUES (1, NOW() - INTERVAL 30 HOUR, 'N'), (2, NOW() - INTERVAL 1 HOUR, 'Y')`,
    );
    const target = mariadbRootTarget();
    const inspect = async (backupEvidenceSql: string) => {
      const report = await runChecks(target, [mysqlBackupAge], {
        tier: 'daily',
        instance: { name: 'bk-1', engine: 'mariadb', backupEvidenceSql },
      });
      return { outcome: outcomeOf(report, mysqlBackupAge.id), findings: findingsOf(report, mysqlBackupAge.id) };
    };
    try {
      const full = await inspect(
        `SELECT MAX(end_time) AS last_backup_end FROM ${table(T.backups)} WHERE partial = 'N'`,
      );
      expect(full.findings).toEqual([expect.objectContaining({ severity: 'warning', object: 'bk-1', threshold: 26 })]);
      expect(full.findings[0]!.value).toBeCloseTo(30, 0);

      const unix = await inspect(`SELECT UNIX_TIMESTAMP(MAX(end_time)) AS last_backup_end FROM ${table(T.backups)}`);
      expect(unix.outcome?.status).toBe('pass');

      const none = await inspect(
        `SELECT MAX(end_time) AS last_backup_end FROM ${table(T.backups)} WHERE partial = 'X'`,
      );
      expect(none.findings).toEqual([
        expect.objectContaining({
          severity: 'critical',
          message: 'the backup evidence query found no successful backup',
        }),
      ]);
    } finally {
      await target.close();
    }
  });
});
