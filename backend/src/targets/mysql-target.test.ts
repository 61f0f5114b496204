import { randomBytes } from 'node:crypto';

import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TargetUnreachableError } from '../errors/domain-errors.js';

import { mysqlSessionStatements } from './mysql-session.js';
import { openTarget } from './open-target.js';
import { classifyQueryError, TargetQueryError } from './query-error.js';
import type { Target, TargetSpec } from './target-spec.js';

const suffix = randomBytes(4).toString('hex');
const monUser = `dbp_mon_${suffix}`;
const monPassword = `Pw/@:${suffix}'"`;
const db = `dbp_test_${suffix}`;
const oddDb = `dbp 巡检 \`q\` o'k Mixed_${suffix}`;

const root: TargetSpec = { engine: 'mariadb', host: '127.0.0.1', port: 3306, user: 'root' };
const mon: TargetSpec = { ...root, user: monUser, password: monPassword };

const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;

let admin: Connection;
const targets: Target[] = [];
function open(spec: TargetSpec): Target {
  const target = openTarget(spec);
  targets.push(target);
  return target;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the statement to fail'),
    (err: unknown) => err,
  );
}

beforeAll(async () => {
  admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  for (const host of ['%', 'localhost']) {
    await admin.query(`CREATE USER ?@? IDENTIFIED BY ?`, [monUser, host, monPassword]);
    await admin.query(`GRANT PROCESS, REPLICATION CLIENT ON *.* TO ?@?`, [monUser, host]);
  }
  for (const name of [db, oddDb]) {
    await admin.query(`CREATE DATABASE ${q(name)}`);
    await admin.query(`GRANT SELECT ON ${q(name)}.* TO ?@'%'`, [monUser]);
  }
  await admin.query(`CREATE TABLE ${q(db)}.t (id INT PRIMARY KEY)`);
});

afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
  for (const host of ['%', 'localhost']) await admin.query('DROP USER IF EXISTS ?@?', [monUser, host]);
  for (const name of [db, oddDb]) await admin.query(`DROP DATABASE IF EXISTS ${q(name)}`);
  await admin.end();
});

describe('mysqlSessionStatements', () => {
  const timeouts = { statementTimeoutMs: 1500, lockTimeoutMs: 2500 };

  it.each([
    [
      { flavor: 'mariadb', version: '10.11.19', versionNum: 101119 },
      'SET SESSION max_statement_time = 1.500, SESSION lock_wait_timeout = 3, SESSION innodb_lock_wait_timeout = 3',
    ],
    [
      { flavor: 'mysql', version: '8.0.36', versionNum: 80036 },
      'SET SESSION max_execution_time = 1500, SESSION lock_wait_timeout = 3, SESSION innodb_lock_wait_timeout = 3',
    ],
    [
      { flavor: 'mysql', version: '5.6.51', versionNum: 50651 },
      'SET SESSION lock_wait_timeout = 3, SESSION innodb_lock_wait_timeout = 3',
    ],
  ] as const)('%j', (server, timeoutStatement) => {
    expect(mysqlSessionStatements(server, timeouts)).toEqual(['SET SESSION TRANSACTION READ ONLY', timeoutStatement]);
  });
});

describe('MysqlTarget on MariaDB', () => {
  it('reads the server facts', async () => {
    const facts = await open(mon).facts();
    expect(facts).toMatchObject({ engine: 'mariadb', flavor: 'mariadb', role: 'primary', readOnly: false });
    expect(facts.version).toMatch(/^10\.11\.\d+$/);
    expect(facts.versionNum).toBeGreaterThanOrEqual(101100);
    expect(facts.versionNum).toBeLessThan(101200);
    expect(facts.versionString).toMatch(/MariaDB/);
    expect(facts.uptimeSeconds).toBeGreaterThan(0);
    expect(facts.hostname).toBeTruthy();
  });

  it('logs in as the % account over TCP (skip_name_resolve makes @localhost socket-only)', async () => {
    const [row] = await open(mon).query<{ who: string }>('SELECT CURRENT_USER() AS who');
    expect(row?.who).toBe(`${monUser}@%`);
  });

  it('puts every session in read-only mode with the configured timeouts', async () => {
    const target = open({ ...mon, statementTimeoutMs: 2500, lockTimeoutMs: 1200 });
    const [row] = await target.query(
      'SELECT @@tx_read_only AS ro, @@max_statement_time AS mst, @@lock_wait_timeout AS lwt, @@innodb_lock_wait_timeout AS ilwt',
    );
    expect(row).toEqual({ ro: '1', mst: 2.5, lwt: '2', ilwt: '2' });
  });

  it('refuses writes even to a superuser', async () => {
    const target = open(root);
    const err = await rejection(target.query(`INSERT INTO ${q(db)}.t VALUES (1)`));
    expect(err).toBeInstanceOf(TargetQueryError);
    expect(err).toMatchObject({ errno: 1792, message: 'Cannot execute statement in a READ ONLY transaction' });
    const ddl = await rejection(target.query(`CREATE TABLE ${q(db)}.t2 (id INT)`));
    expect(ddl).toMatchObject({ errno: 1792 });
    const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM ${q(db)}.t`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('stops a statement at the statement timeout', async () => {
    const target = open({ ...mon, statementTimeoutMs: 500 });
    await target.facts();
    const started = Date.now();
    const err = await rejection(target.query('SELECT SLEEP(5)', [], { tag: 'sleepy' }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(classifyQueryError(err)).toEqual({
      kind: 'timeout',
      message: 'Query execution was interrupted (max_statement_time exceeded)',
    });
    expect(err).toMatchObject({ errno: 1969, tag: 'sleepy' });
  });

  it('applies a per-statement timeout to that statement only', async () => {
    const session = await open(mon).session();
    try {
      const started = Date.now();
      const err = await rejection(session.query('SELECT SLEEP(5)', [], { timeoutMs: 300 }));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(classifyQueryError(err).kind).toBe('timeout');
      const [row] = await session.query('SELECT @@max_statement_time AS mst, SLEEP(0.4) AS slept', [], {
        timeoutMs: 2000,
      });
      expect(row).toEqual({ mst: 2, slept: 0 });
      const [after] = await session.query('SELECT @@max_statement_time AS mst');
      expect(after).toEqual({ mst: 15 });
    } finally {
      await session.release();
    }
  });

  it('gives up on a metadata lock after the lock timeout', async () => {
    const target = open({ ...root, lockTimeoutMs: 1000, statementTimeoutMs: 10_000 });
    const locker = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    try {
      await locker.query(`LOCK TABLES ${q(db)}.t WRITE`);
      const started = Date.now();
      const err = await rejection(target.query(`SELECT * FROM ${q(db)}.t`));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(classifyQueryError(err).kind).toBe('lock-timeout');
    } finally {
      await locker.end();
    }
  });

  it('marks every statement with the dbpatrol comment, tag made safe', async () => {
    const target = open(mon);
    const sql = 'SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()';
    expect(await target.query(sql, [], { tag: 'mariadb.processlist' })).toEqual([
      { info: `/* dbpatrol:mariadb.processlist */ ${sql}` },
    ]);
    expect(await target.query(sql)).toEqual([{ info: `/* dbpatrol */ ${sql}` }]);
    expect(await target.query(sql, [], { tag: 'x */ SELECT 1; /*' })).toEqual([
      { info: `/* dbpatrol:x____SELECT_1____ */ ${sql}` },
    ]);
  });

  it('returns big integers and decimals as strings and binds parameters', async () => {
    const rows = await open(mon).query(
      'SELECT CAST(9007199254740993 AS UNSIGNED) AS big, CAST(1.50 AS DECIMAL(10,2)) AS amount, ? AS echoed',
      ["o'k `x` 巡检"],
    );
    expect(rows).toEqual([{ big: '9007199254740993', amount: '1.50', echoed: "o'k `x` 巡检" }]);
  });

  it('lists user schemata only', async () => {
    const databases = await open(root).listDatabases();
    expect(databases).toEqual(expect.arrayContaining([db, oddDb]));
    for (const system of ['mysql', 'information_schema', 'performance_schema', 'sys']) {
      expect(databases).not.toContain(system);
    }
  });

  it('opens sessions in a given database, however it is spelled', async () => {
    const target = open({ ...mon, poolSize: 1 });
    for (const name of [oddDb, db, oddDb]) {
      const session = await target.session(name);
      try {
        expect(session.database).toBe(name);
        expect(await session.query('SELECT DATABASE() AS db')).toEqual([{ db: name }]);
      } finally {
        await session.release();
      }
    }
  });

  it('fails a session in a missing schema as a missing object and keeps the connection usable', async () => {
    const target = open({ ...root, poolSize: 1 });
    const err = await rejection(target.session(`dbp_none_${suffix}`));
    expect(classifyQueryError(err).kind).toBe('missing-object');
    expect(await target.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('classifies a missing privilege with what to grant', async () => {
    const target = open(mon);
    expect(classifyQueryError(await rejection(target.query('SELECT User FROM mysql.user')))).toMatchObject({
      kind: 'permission',
      privilege: 'SELECT on mysql.user',
    });
    expect(classifyQueryError(await rejection(target.query('SHOW ALL SLAVES STATUS')))).toMatchObject({
      kind: 'permission',
      privilege: 'SLAVE MONITOR',
    });
  });

  it('holds at most poolSize connections and hands a released one on', async () => {
    const target = open({ ...mon, poolSize: 2 });
    const a = await target.session();
    const b = await target.session();
    const ids = await Promise.all(
      [a, b].map(async (s) => (await s.query<{ id: string }>('SELECT CONNECTION_ID() AS id'))[0]?.id),
    );
    expect(new Set(ids).size).toBe(2);
    let third = false;
    const pending = target.session().then((s) => {
      third = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(third).toBe(false);
    await a.release();
    const c = await pending;
    expect((await c.query<{ id: string }>('SELECT CONNECTION_ID() AS id'))[0]?.id).toBe(ids[0]);
    await Promise.all([b.release(), c.release()]);
    await expect(c.query('SELECT 1')).rejects.toThrow('session was released');
  });

  it('falls back to plaintext under prefer while more sessions than the pool holds start at once', async () => {
    const target = open({ ...mon, tls: { mode: 'prefer' }, poolSize: 2 });
    const results = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const session = await target.session();
        try {
          return (await session.query<{ one: unknown }>('SELECT 1 AS one'))[0]?.one;
        } finally {
          await session.release();
        }
      }),
    );
    expect(results.map(Number)).toEqual([1, 1, 1, 1]);
  });

  it('closes with a session still held and refuses new ones', async () => {
    const target = openTarget(mon);
    await target.session();
    await target.close();
    await expect(target.session()).rejects.toThrow(/is closed/);
  });

  it('reports a wrong password as unreachable without repeating it', async () => {
    const wrong = `Wr0ng/@${suffix}`;
    const err = await rejection(open({ ...mon, password: wrong }).facts());
    expect(err).toBeInstanceOf(TargetUnreachableError);
    expect((err as Error).message).toBe(`authentication failed for user '${monUser}'`);
  });
});
