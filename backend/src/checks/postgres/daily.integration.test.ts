import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Reports as a reader shows them: texts in the language the test ran in.
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import { PG_ADMIN_URL, pgUrlFor, randomSuffix } from '../../test/pg-fixtures.js';
import { findingsOf, outcomeOf, postgresSuperTarget, runChecks } from '../../test/targets-fixture.js';
import type { Target } from '../../targets/target-spec.js';
import type { AnyCheck } from '../check.types.js';
import { pgIdent, pgQualified } from '../quote.js';
import { NO_BACKUP_EVIDENCE } from './backup/backup-evidence.js';
import { POSTGRES_DAILY_CHECKS } from './daily.list.js';
import { postgresTablesWithoutPrimaryKey } from './objects/tables-without-primary-key.check.js';

const suffix = randomSuffix();
const DB = `dbp 巡检 "d" Mixed_${suffix}`;
const TABLE = `订单 "o" Items ${suffix}`;
const TRAP = `trap "t" 表 ${suffix}`;
const SLOT = `dbp_slot_${suffix}`;
const T = pgIdent(TABLE);

const lowered: Record<string, Record<string, unknown>> = {
  'postgres.long-transactions': { warnIdleSeconds: 1 },
  'postgres.blocked-sessions': { warnSeconds: 0 },
  'postgres.replication-slots': { warnRatio: 0 },
  'postgres.xid-wraparound': { warnXidAgeCount: 1 },
};
const thresholds = (c: AnyCheck) => ({ ...c.thresholds.defaults, ...lowered[c.id] });

const clients: pg.Client[] = [];
const plantedPids: number[] = [];
const targets: Target[] = [];
let admin: pg.Client;
let slotCreated = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sessionObject = (pid: number) => `pid ${pid} (postgres@${DB})`;

/** A planted session; its backend is terminated in afterAll. */
async function session(database = DB): Promise<{ client: pg.Client; pid: number }> {
  const client = new pg.Client({ connectionString: pgUrlFor(database) });
  client.on('error', () => undefined);
  clients.push(client);
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = rows[0]!.pid;
  plantedPids.push(pid);
  return { client, pid };
}

/** Sends a statement that will block; its eventual failure (terminate, deadlock victim) is kept, not thrown. */
function background(client: pg.Client, sql: string): Promise<PromiseSettledResult<unknown>> {
  return client.query(sql).then(
    (value) => ({ status: 'fulfilled' as const, value }),
    (reason: unknown) => ({ status: 'rejected' as const, reason }),
  );
}

async function untilLockWait(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [
      pid,
    ]);
    if (rows.length) return;
    await sleep(50);
  }
  throw new Error(`pid ${pid} never waited for a lock`);
}

type Planted = Awaited<ReturnType<typeof session>>;
let idle: Planted;
let clean: Planted;
let holder: Planted;
let waiter: Planted;
let report: InspectionReport;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  admin.on('error', () => undefined);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pgIdent(DB)}`);

  const owner = await session();
  await owner.client.query(`CREATE TABLE ${T} (id int PRIMARY KEY, v int NOT NULL)`);
  await owner.client.query(`INSERT INTO ${T} SELECT g, 0 FROM generate_series(1, 4) g`);
  await owner.client.query(`CREATE TABLE ${pgIdent(TRAP)} (id int, note text)`);

  const walLevel = (await admin.query<{ wal_level: string }>('SHOW wal_level')).rows[0]!.wal_level;
  if (walLevel === 'logical') {
    // Building the slot's snapshot waits for every running transaction; fall back if another test holds one open.
    await owner.client.query(`SET statement_timeout = 5000`);
    slotCreated = await owner.client
      .query(`SELECT pg_create_logical_replication_slot($1, 'test_decoding')`, [SLOT])
      .then(() => true)
      .catch(() => false);
    await owner.client.query(`RESET statement_timeout`);
  }
  if (!slotCreated) {
    await admin.query(`SELECT pg_create_physical_replication_slot($1, true)`, [SLOT]);
    slotCreated = true;
  }
  // WAL written after the slot reserved its restart_lsn is WAL the slot retains.
  await owner.client.query(`INSERT INTO ${T} SELECT g, g FROM generate_series(10, 500) g`);

  idle = await session();
  await idle.client.query('BEGIN');
  await idle.client.query(`UPDATE ${T} SET v = v + 1 WHERE id = 1`);

  clean = await session();
  await clean.client.query('SELECT 1');

  holder = await session();
  await holder.client.query('BEGIN');
  await holder.client.query(`SELECT v FROM ${T} WHERE id = 2 FOR UPDATE`);
  waiter = await session();
  void background(waiter.client, `UPDATE ${T} SET v = 7 WHERE id = 2`);
  await untilLockWait(waiter.pid);

  const a = await session();
  const b = await session();
  await a.client.query('BEGIN');
  await b.client.query('BEGIN');
  await a.client.query(`UPDATE ${T} SET v = 1 WHERE id = 3`);
  await b.client.query(`UPDATE ${T} SET v = 1 WHERE id = 4`);
  const first = background(a.client, `UPDATE ${T} SET v = 2 WHERE id = 4`);
  await untilLockWait(a.pid);
  const second = background(b.client, `UPDATE ${T} SET v = 2 WHERE id = 3`);
  const outcomes = await Promise.all([first, second]);
  const victims = outcomes.filter((o) => o.status === 'rejected' && (o.reason as { code?: string }).code === '40P01');
  expect(victims).toHaveLength(1);
  // Ending both backends flushes their pending statistics, deadlock count included.
  await a.client.end();
  await b.client.end();
  for (let i = 0; i < 100; i++) {
    const { rows } = await admin.query<{ deadlocks: string }>(
      'SELECT deadlocks FROM pg_stat_database WHERE datname = $1',
      [DB],
    );
    if (Number(rows[0]?.deadlocks ?? 0) >= 1) break;
    await sleep(50);
  }

  for (let i = 0; i < 60; i++) {
    const { rows } = await admin.query<{ s: number }>(
      'SELECT extract(epoch FROM now() - state_change)::float8 AS s FROM pg_stat_activity WHERE pid = $1',
      [idle.pid],
    );
    if ((rows[0]?.s ?? 0) > 1.5) break;
    await sleep(100);
  }

  const target = postgresSuperTarget();
  targets.push(target);
  report = await runChecks(target, POSTGRES_DAILY_CHECKS, { tier: 'daily', databases: { include: [DB] }, thresholds });
});

afterAll(async () => {
  try {
    await Promise.all(targets.map((t) => t.close()));
    if (plantedPids.length) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [plantedPids]);
    }
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    for (let i = 0; i < 50; i++) {
      const { rows } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY ($1::int[])', [plantedPids]);
      if (!rows.length) break;
      await sleep(50);
    }
    await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
      SLOT,
    ]);
    await admin.query(`DROP DATABASE IF EXISTS ${pgIdent(DB)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

describe('PostgreSQL daily checks on planted problems', () => {
  it('runs every daily check without an error', () => {
    const ids = POSTGRES_DAILY_CHECKS.map((c) => c.id);
    expect(report.checks.map((c) => c.checkId)).toEqual(ids);
    expect(report.checks.filter((c) => c.status === 'error')).toEqual([]);
    expect(outcomeOf(report, 'postgres.backup-age')).toMatchObject({
      status: 'skipped',
      reason: NO_BACKUP_EVIDENCE.en,
    });
    expect(outcomeOf(report, 'postgres.filesystem-free-space')).toMatchObject({
      status: 'skipped',
      reason: 'no host metrics source',
    });
  });

  it('gives every finding and skip reason in Chinese when the report is in Chinese', async () => {
    const zh = await runChecks(targets[0]!, POSTGRES_DAILY_CHECKS, {
      tier: 'daily',
      databases: { include: [DB] },
      thresholds,
      language: 'zh',
    });
    expect(zh.findings.length).toBeGreaterThan(3);
    for (const f of zh.findings) expect(f.message, f.checkId).toMatch(/\p{Script=Han}/u);
    for (const c of zh.checks.filter((x) => x.status === 'skipped'))
      expect(c.reason, c.checkId).toMatch(/\p{Script=Han}/u);
    expect(outcomeOf(zh, 'postgres.backup-age')).toMatchObject({ status: 'skipped', reason: NO_BACKUP_EVIDENCE.zh });
    const f = findingsOf(zh, 'postgres.long-transactions').find((x) => x.object === sessionObject(idle.pid));
    expect(f!.message).toMatch(/^处于 idle in transaction 状态已 \d+ 秒（阈值 1 秒）/);
  });

  it('PG-D06 names the session idle in transaction, not the idle one', () => {
    const mine = findingsOf(report, 'postgres.long-transactions');
    const f = mine.find((x) => x.object === sessionObject(idle.pid));
    expect(f).toMatchObject({ severity: 'warning', threshold: 1 });
    expect(f!.message).toMatch(/^idle in transaction for \d+ s \(threshold 1 s\)/);
    expect(mine.some((x) => x.object.startsWith(`pid ${clean.pid} `))).toBe(false);
  });

  it('PG-D07 names the blocked UPDATE and its blocker', () => {
    const mine = findingsOf(report, 'postgres.blocked-sessions');
    const f = mine.find((x) => x.object === sessionObject(waiter.pid));
    expect(f).toBeDefined();
    expect(f!.message).toContain(`blocked by pid ${holder.pid} (postgres@${DB}, idle in transaction`);
    expect(f!.message).toContain(`UPDATE ${T} SET v = 7`);
    expect(mine.some((x) => x.object === sessionObject(holder.pid))).toBe(false);
  });

  it('PG-D04 names the inactive slot retaining WAL', () => {
    const f = findingsOf(report, 'postgres.replication-slots').find((x) => x.object === SLOT);
    expect(f).toMatchObject({ severity: 'warning', threshold: 0 });
    expect(Number(f!.value)).toBeGreaterThan(0);
    expect(f!.message).toContain(`inactive`);
  });

  it('PG-D10 counts the deadlock in the database, since the statistics reset', () => {
    const f = findingsOf(report, 'postgres.error-counters').find(
      (x) => x.object === pgIdent(DB) && x.message.includes('deadlock'),
    );
    expect(f).toMatchObject({ severity: 'warning' });
    expect(Number(f!.value)).toBeGreaterThanOrEqual(1);
    expect(f!.message).toMatch(/ since .*window start not covered$/);
  });

  it('PG-D11 reads the age of every database (flagged only with a lowered threshold)', () => {
    expect(findingsOf(report, 'postgres.xid-wraparound').some((x) => x.object === pgIdent(DB))).toBe(true);
  });

  it('PG-D09 runs the instance backup evidence query', async () => {
    const target = postgresSuperTarget();
    targets.push(target);
    const r = await runChecks(target, POSTGRES_DAILY_CHECKS, {
      tier: 'daily',
      only: ['postgres.backup-age'],
      instance: {
        name: 'pg-test',
        engine: 'postgres',
        backupEvidenceSql: `SELECT now() - interval '30 hours' AS last_backup_end`,
      },
    });
    expect(findingsOf(r, 'postgres.backup-age')).toMatchObject([
      { severity: 'warning', object: 'pg-test', threshold: 26 },
    ]);
  });

  it('THE TRAP: a waiting ALTER TABLE neither hangs the inspection nor goes unreported', async () => {
    const reader = await session();
    await reader.client.query('BEGIN');
    await reader.client.query(`LOCK TABLE ${pgIdent(TRAP)} IN ACCESS SHARE MODE`);
    const alter = await session();
    const altered = background(alter.client, `ALTER TABLE ${pgIdent(TRAP)} ADD COLUMN extra int`);
    await untilLockWait(alter.pid);

    const target = postgresSuperTarget({ statementTimeoutMs: 3000, lockTimeoutMs: 500 });
    targets.push(target);
    const started = Date.now();
    const r = await runChecks(target, [...POSTGRES_DAILY_CHECKS, postgresTablesWithoutPrimaryKey], {
      databases: { include: [DB] },
      thresholds: (c) =>
        c.id === 'postgres.blocked-sessions' ? { ...c.thresholds.defaults, warnSeconds: 0 } : c.thresholds.defaults,
    });
    expect(Date.now() - started).toBeLessThan(15_000);

    expect(r.checks.filter((c) => c.status === 'error')).toEqual([]);
    const blocked = findingsOf(r, 'postgres.blocked-sessions').find((x) => x.object === sessionObject(alter.pid));
    expect(blocked).toBeDefined();
    expect(blocked!.message).toContain(`blocked by pid ${reader.pid} (postgres@${DB}, idle in transaction`);
    expect(blocked!.message).toContain(`ALTER TABLE ${pgIdent(TRAP)} ADD COLUMN extra int`);
    expect(findingsOf(r, 'postgres.tables-without-primary-key').map((f) => f.object)).toContain(
      pgQualified('public', TRAP),
    );
    expect(findingsOf(r, 'postgres.tables-without-primary-key').map((f) => f.object)).not.toContain(
      pgQualified('public', TABLE),
    );

    const still = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [
      alter.pid,
    ]);
    expect(still.rows).toHaveLength(1);
    await reader.client.query('ROLLBACK');
    expect((await altered).status).toBe('fulfilled');
  });
});
