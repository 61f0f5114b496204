import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TargetUnreachableError } from '../errors/domain-errors.js';

import { openTarget } from './open-target.js';
import { missingPrivileges } from './privileges.js';
import { classifyQueryError, TargetQueryError } from './query-error.js';
import type { Target, TargetSpec } from './target-spec.js';

const suffix = randomBytes(4).toString('hex');
const monRole = `dbp_mon_${suffix}`;
const plainRole = `dbp_plain_${suffix}`;
const oddDb = `dbp 巡检 "q" o'k Mixed_${suffix}`;

const superuser: TargetSpec = { engine: 'postgres', host: '127.0.0.1', port: 5432, user: 'postgres' };
const mon: TargetSpec = { ...superuser, user: monRole, password: `pw-${suffix}` };
const plain: TargetSpec = { ...superuser, user: plainRole, password: `pw-${suffix}` };

const id = (name: string) => pg.escapeIdentifier(name);

let admin: pg.Client;
let adminInOddDb: pg.Client;
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
  admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE ROLE ${id(monRole)} LOGIN PASSWORD ${pg.escapeLiteral(`pw-${suffix}`)}`);
  await admin.query(`CREATE ROLE ${id(plainRole)} LOGIN PASSWORD ${pg.escapeLiteral(`pw-${suffix}`)}`);
  await admin.query(`GRANT pg_monitor TO ${id(monRole)}`);
  await admin.query(`CREATE DATABASE ${id(oddDb)}`);
  await admin.query(`REVOKE CONNECT ON DATABASE ${id(oddDb)} FROM PUBLIC`);
  await admin.query(`GRANT CONNECT ON DATABASE ${id(oddDb)} TO ${id(monRole)}`);
  adminInOddDb = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: oddDb });
  await adminInOddDb.connect();
  await adminInOddDb.query('CREATE TABLE t (id int)');
  await adminInOddDb.query(`GRANT SELECT ON t TO ${id(monRole)}`);
});

afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
  await adminInOddDb.end();
  await admin.query(`DROP DATABASE IF EXISTS ${id(oddDb)} WITH (FORCE)`);
  await admin.query(`DROP ROLE IF EXISTS ${id(monRole)}`);
  await admin.query(`DROP ROLE IF EXISTS ${id(plainRole)}`);
  await admin.end();
});

describe('PostgresTarget', () => {
  it('reads the server facts', async () => {
    const facts = await open(mon).facts();
    expect(facts).toMatchObject({ engine: 'postgres', flavor: 'postgres', role: 'primary', readOnly: false });
    expect(facts.version).toMatch(/^15\.\d+$/);
    expect(facts.versionNum).toBeGreaterThanOrEqual(150000);
    expect(facts.versionNum).toBeLessThanOrEqual(159999);
    expect(facts.versionString.startsWith(facts.version)).toBe(true);
    expect(facts.uptimeSeconds).toBeGreaterThan(0);
  });

  it('opens a session in a database with an awkward name', async () => {
    const session = await open(mon).session(oddDb);
    try {
      expect(session.database).toBe(oddDb);
      expect(await session.query('SELECT current_database() AS db, current_user AS who')).toEqual([
        { db: oddDb, who: monRole },
      ]);
    } finally {
      await session.release();
    }
  });

  it('lists the databases that accept connections, without templates', async () => {
    const databases = await open(mon).listDatabases();
    expect(databases).toContain(oddDb);
    expect(databases).toContain('postgres');
    expect(databases).not.toContain('template0');
    expect(databases).not.toContain('template1');
  });

  it('sets read-only, timeouts and the application name on every session', async () => {
    const target = open({ ...mon, statementTimeoutMs: 2500, lockTimeoutMs: 1200 });
    const rows = await target.query(`SELECT current_setting('transaction_read_only') AS ro,
      current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt,
      current_setting('idle_in_transaction_session_timeout') AS it, current_setting('application_name') AS app`);
    expect(rows).toEqual([{ ro: 'on', st: '2500ms', lt: '1200ms', it: '2500ms', app: 'dbpatrol' }]);
  });

  it('refuses writes even to a superuser', async () => {
    const err = await rejection(
      open(superuser)
        .session(oddDb)
        .then((s) => s.query('CREATE TABLE t2 (id int)')),
    );
    expect(err).toBeInstanceOf(TargetQueryError);
    expect(err).toMatchObject({ sqlState: '25006', message: 'cannot execute CREATE TABLE in a read-only transaction' });
  });

  it('stops a statement at the statement timeout', async () => {
    const target = open({ ...mon, statementTimeoutMs: 500 });
    await target.facts();
    const started = Date.now();
    const err = await rejection(target.query('SELECT pg_sleep(5)', [], { tag: 'sleepy' }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(classifyQueryError(err)).toEqual({
      kind: 'timeout',
      message: 'canceling statement due to statement timeout',
    });
    expect(err).toMatchObject({ sqlState: '57014', tag: 'sleepy' });
  });

  it('applies a per-statement timeout to that statement only', async () => {
    const session = await open(mon).session();
    try {
      const started = Date.now();
      const err = await rejection(session.query('SELECT pg_sleep(5)', [], { timeoutMs: 300 }));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(classifyQueryError(err).kind).toBe('timeout');
      const rows = await session.query("SELECT current_setting('statement_timeout') AS st", [], { timeoutMs: 2000 });
      expect(rows).toEqual([{ st: '2s' }]);
      expect(await session.query("SELECT current_setting('statement_timeout') AS st")).toEqual([{ st: '15s' }]);
    } finally {
      await session.release();
    }
  });

  it('gives up waiting for a lock after the lock timeout', async () => {
    const target = open({ ...mon, lockTimeoutMs: 500, statementTimeoutMs: 10_000 });
    const locker = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: oddDb });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
      const session = await target.session(oddDb);
      const started = Date.now();
      const err = await rejection(session.query('SELECT * FROM t'));
      await session.release();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(classifyQueryError(err)).toEqual({
        kind: 'lock-timeout',
        message: 'canceling statement due to lock timeout',
      });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  it('marks every statement with the dbpatrol comment', async () => {
    const sql = 'SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()';
    expect(await open(mon).query(sql, [], { tag: 'postgres.activity' })).toEqual([
      { query: `/* dbpatrol:postgres.activity */ ${sql}` },
    ]);
  });

  it('runs one statement per call', async () => {
    const err = await rejection(open(mon).query('SELECT 1; SELECT 2'));
    expect(err).toMatchObject({ sqlState: '42601' });
  });

  it('returns int8 and numeric as strings and binds parameters', async () => {
    const rows = await open(mon).query(
      'SELECT 9007199254740993::int8 AS big, 1.50::numeric AS amount, $1::text AS echoed',
      [`o'k "x" 巡检`],
    );
    expect(rows).toEqual([{ big: '9007199254740993', amount: '1.50', echoed: `o'k "x" 巡检` }]);
  });

  it('keeps one pool per database', async () => {
    const target = open({ ...mon, poolSize: 1 });
    const [a, b] = await Promise.all([target.session('postgres'), target.session(oddDb)]);
    try {
      const [ra] = await a.query<{ db: string }>('SELECT current_database() AS db');
      const [rb] = await b.query<{ db: string }>('SELECT current_database() AS db');
      expect([ra?.db, rb?.db]).toEqual(['postgres', oddDb]);
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
  });

  it('classifies a missing privilege with what to grant', async () => {
    const target = open(plain);
    expect(classifyQueryError(await rejection(target.query("SELECT current_setting('data_directory')")))).toMatchObject(
      {
        kind: 'permission',
        privilege: 'pg_read_all_settings',
      },
    );
    expect(classifyQueryError(await rejection(target.query("SELECT pg_ls_dir('.')")))).toMatchObject({
      kind: 'permission',
      privilege: 'EXECUTE on function pg_ls_dir',
    });
  });

  it('lists what an account lacks', async () => {
    const target = open(plain);
    const missing = await missingPrivileges(target, await target.facts());
    expect(missing).toEqual(
      expect.arrayContaining([
        'pg_monitor',
        'pg_read_all_settings',
        'pg_read_all_stats',
        `CONNECT on database "${oddDb.replace(/"/g, '""')}"`,
      ]),
    );
    const monTarget = open(mon);
    const monMissing = await missingPrivileges(monTarget, await monTarget.facts());
    expect(monMissing.filter((p) => !p.startsWith('CONNECT on database'))).toEqual([]);
    expect(monMissing.join('\n')).not.toContain(suffix);
  });

  it('reports a database the account may not connect to as unreachable', async () => {
    const err = await rejection(open(plain).session(oddDb));
    expect(err).toBeInstanceOf(TargetUnreachableError);
    expect((err as Error).message).toBe(`user '${plainRole}' may not use database '${oddDb}'`);
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
});
