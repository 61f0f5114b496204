import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalizedReport } from '../../reports/localize.js';
import { collectCounters } from '../../snapshots/collect-counters.js';
import { collectStatements } from '../../snapshots/collect-statements.js';
import { startPgCluster, type PgCluster } from '../../test/pg-cluster.js';
import { randomSuffix } from '../../test/pg-fixtures.js';
import { findingsOf, outcomeOf, postgresSuperTarget, runChecks } from '../../test/targets-fixture.js';
import type { Target } from '../../targets/target-spec.js';
import type { AnyCheck, CounterBaseline } from '../check.types.js';
import { POSTGRES_ANNUAL_CHECKS } from './annual.list.js';
import { postgresWaitEvents } from './performance/wait-events.check.js';
import { statementVariants } from './performance/statement-window.js';

// A cluster of its own: pg_stat_statements needs shared_preload_libraries, which the shared server must keep.
const DB = `dbp_annual_${randomSuffix()}`;
const lowered: Record<string, Record<string, unknown>> = {
  'postgres.cache-hit-ratio': { warnPercent: 100, critPercent: 0, minBlocks: 1 },
  'postgres.temp-spills': { warnTempFilesCount: 0 },
  'postgres.buffer-writes': { minWrites: 1 },
  'postgres.large-table-seq-scans': { warnScansPerDay: 1440, critScansPerDay: 1e9 },
  'postgres.rollback-ratio': { minTransactions: 100 },
  'postgres.index-candidates': { minSeqScans: 1 },
};
const thresholds = (c: AnyCheck) => ({ ...c.thresholds.defaults, ...lowered[c.id] });

let cluster: PgCluster;
let work: pg.Client;
let target: Target;
let baseline: CounterBaseline;
let windowStart: Date;
let report: LocalizedReport;
let cumulative: LocalizedReport;

/** Pending statistics reach the shared counters when the backend goes idle; make that happen now. */
async function flush(c: pg.Client): Promise<void> {
  await c.query('SELECT pg_stat_force_next_flush()');
  await c.query('SELECT 1');
  await new Promise((r) => setTimeout(r, 300));
}

const SPILL = 'SELECT count(*) FROM (SELECT * FROM big ORDER BY payload DESC OFFSET 0) s';
const rollbacks = (n: number) => 'BEGIN; SELECT 1; ROLLBACK; '.repeat(n);
const commits = (n: number) => 'BEGIN; SELECT 1; COMMIT; '.repeat(n);

beforeAll(async () => {
  cluster = await startPgCluster({ name: 'dbpatrol-annual' });
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await admin.end();
  await cluster.stop();
  await cluster.start();
  const setup = new pg.Client({ connectionString: cluster.url() });
  await setup.connect();
  await setup.query(`CREATE DATABASE ${DB}`);
  await setup.end();
  work = new pg.Client({ connectionString: cluster.url(DB) });
  await work.connect();
  await work.query('CREATE EXTENSION pg_stat_statements');
  await work.query(`CREATE TABLE big AS SELECT g AS id, md5(g::text) AS payload,
    CASE WHEN g % 20 = 0 THEN g END AS rare FROM generate_series(1, 150000) g`);
  await work.query('CREATE INDEX big_rare_idx ON big (rare)');
  await work.query('ANALYZE big');
  await work.query(`SET work_mem = '64kB'`);
  await work.query('SET max_parallel_workers_per_gather = 0');

  // History before the window: it must not be counted.
  for (let i = 0; i < 3; i++) await work.query('SELECT count(*) FROM big');
  await work.query(SPILL);
  await work.query('SELECT 1 FROM pg_sleep(1.1)');
  await work.query(rollbacks(1000));
  await flush(work);

  target = postgresSuperTarget({ host: '127.0.0.1', port: cluster.port, database: DB });
  const facts = await target.facts();
  windowStart = new Date();
  const statements = await collectStatements(target, facts);
  expect(statements?.length).toBeGreaterThan(0);
  baseline = {
    takenAt: windowStart.toISOString(),
    coversWindowStart: true,
    counters: await collectCounters(target, facts),
    ...(statements ? { statements } : {}),
  };
  expect(baseline.counters['table.' + DB + '.public.big.seq_scan']).toBeGreaterThanOrEqual(4);
  expect(baseline.counters).toHaveProperty('bgwriter.buffers_backend');
  expect(baseline.counters).toHaveProperty('pgss.dealloc');

  // Planted work inside the window.
  for (let i = 0; i < 5; i++) await work.query('SELECT count(*) FROM big');
  await work.query(SPILL);
  await work.query(SPILL);
  await work.query('SELECT pg_sleep(1.05)');
  await work.query(commits(1000));
  await work.query('CREATE TABLE scratch AS SELECT g FROM generate_series(1, 20000) g');
  await work.query('CHECKPOINT');
  await flush(work);

  const now = new Date();
  const options = {
    tier: 'annual' as const,
    now,
    window: { from: windowStart, to: now },
    thresholds,
    databases: { include: [DB] },
  };
  report = await runChecks(target, POSTGRES_ANNUAL_CHECKS, { ...options, counterBaseline: baseline });
  cumulative = await runChecks(target, POSTGRES_ANNUAL_CHECKS, options);
}, 240_000);

afterAll(async () => {
  await work?.end().catch(() => undefined);
  await target?.close().catch(() => undefined);
  await cluster?.remove();
}, 60_000);

describe('annual performance diagnosis on a live PostgreSQL with pg_stat_statements', () => {
  it('runs every check without error', () => {
    for (const c of POSTGRES_ANNUAL_CHECKS) {
      const outcome = outcomeOf(report, c.id);
      expect(outcome?.status, `${c.id}: ${JSON.stringify(outcome?.reason)}`).not.toBe('error');
      expect(outcome?.status).not.toBe('skipped');
    }
  });

  it('PG-A01: the statement slow in the window is a warning, the one slow only before it is not', () => {
    const found = findingsOf(report, 'postgres.top-sql');
    const info = found.find((f) => f.severity === 'info');
    expect(info?.message).toContain(`in the window since ${windowStart.toISOString()}`);
    const warned = found.filter((f) => f.severity === 'warning').map((f) => JSON.stringify(f.evidence));
    expect(warned.some((e) => e.includes('SELECT pg_sleep($1)'))).toBe(true);
    expect(warned.some((e) => e.includes('FROM pg_sleep'))).toBe(false);
    // without the snapshot the old statement's cumulative mean (1.1 s) is a warning: the window made the difference
    const old = findingsOf(cumulative, 'postgres.top-sql').filter((f) => f.severity === 'warning');
    expect(old.some((f) => JSON.stringify(f.evidence).includes('FROM pg_sleep'))).toBe(true);
  });

  it('PG-A03: counts the temporary files of the window and names the spilling statement', async () => {
    const { rows } = await work.query<{ n: string }>(
      'SELECT temp_files AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    const total = Number(rows[0]!.n);
    const inWindow = total - baseline.counters[`db.${DB}.temp_files`]!;
    expect(inWindow).toBeGreaterThan(0);
    expect(inWindow).toBeLessThan(total);
    const [f] = findingsOf(report, 'postgres.temp-spills').filter((x) => x.object === `"${DB}"`);
    expect(f?.message).toMatch(new RegExp(`^${inWindow} temporary files, .* in the window since`));
    expect(f?.message).toContain('most by SELECT count(*) FROM (SELECT * FROM big ORDER BY payload DESC');
    const [old] = findingsOf(cumulative, 'postgres.temp-spills').filter((x) => x.object === `"${DB}"`);
    expect(old?.message).toMatch(new RegExp(`^${total} temporary files`));
  });

  it('PG-A05: sequential scans of the window only, per minute', async () => {
    const { rows } = await work.query<{ n: string }>(
      `SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relid = 'big'::regclass`,
    );
    const total = Number(rows[0]!.n);
    const inWindow = total - baseline.counters[`table.${DB}.public.big.seq_scan`]!;
    // 5 counts and 2 spilling sorts in the window (no parallel workers); 3 counts and 1 sort before it
    expect(inWindow).toBe(7);
    const [f] = findingsOf(report, 'postgres.large-table-seq-scans');
    expect(f?.object).toBe('"public"."big"');
    expect(f?.message).toMatch(
      /^7 sequential scans of "public"\."big" .*\/min \(threshold 1440\/day, 1\/min\) in the window since/,
    );
    expect(findingsOf(cumulative, 'postgres.large-table-seq-scans')[0]?.message).toMatch(
      new RegExp(`^${total} sequential scans`),
    );
  });

  it('PG-A07: the rollbacks before the window do not count', () => {
    expect(findingsOf(report, 'postgres.rollback-ratio').filter((f) => f.object === `"${DB}"`)).toEqual([]);
    const [old] = findingsOf(cumulative, 'postgres.rollback-ratio').filter((f) => f.object === `"${DB}"`);
    expect(old?.severity).toBe('critical');
  });

  it('PG-A02 and PG-A04: ratios over the window', () => {
    const [hit] = findingsOf(report, 'postgres.cache-hit-ratio').filter((f) => f.object === `"${DB}"`);
    expect(hit?.message).toContain('in the window since');
    const [writes] = findingsOf(report, 'postgres.buffer-writes');
    expect(writes?.message).toContain('blocks written (pg_stat_bgwriter)');
    expect(writes?.message).toContain('in the window since');
  });

  it('PG-A09: the mostly-NULL index is a partial-index candidate, the scanned table an index candidate', () => {
    const found = findingsOf(report, 'postgres.index-candidates');
    expect(found.find((f) => f.object === '"public"."big_rare_idx"')?.message).toContain('WHERE "rare" IS NOT NULL');
    expect(found.find((f) => f.object === '"public"."big"')?.severity).toBe('info');
  });

  it('PG-A01/A03: the pg_stat_statements SELECTs for 12 (total_time) and 13 (exec + plan time, wal_bytes) run', async () => {
    // A stand-in relation with the older view's columns, first on the search path, lets the server run each variant.
    const client = new pg.Client({ connectionString: cluster.url(DB) });
    await client.connect();
    try {
      await client.query('CREATE SCHEMA standin');
      await client.query('SET search_path = standin, public');
      const common = `userid oid, dbid oid, queryid bigint, query text, calls bigint, rows bigint,
        shared_blks_hit bigint, shared_blks_read bigint, temp_blks_written bigint`;
      for (const [since, columns] of [
        [0, 'total_time float8'],
        [130000, 'total_exec_time float8, total_plan_time float8, wal_bytes numeric'],
      ] as const) {
        await client.query('DROP TABLE IF EXISTS standin.pg_stat_statements');
        await client.query(`CREATE TABLE standin.pg_stat_statements (${common}, ${columns})`);
        await client.query(`INSERT INTO standin.pg_stat_statements (userid, dbid, queryid, query, calls, rows,
          shared_blks_hit, shared_blks_read, temp_blks_written) VALUES (10, 1, 7, 'SELECT 1', 3, 3, 1, 1, 2)`);
        for (const order of ['time', 'temp'] as const) {
          const sql = statementVariants(order).find((v) => v.since === since)!.sql;
          const { rows } = await client.query(sql);
          expect(rows).toHaveLength(1);
          expect(rows[0]).toMatchObject({ id: '7', calls: 3, temp_blks_written: 2 });
        }
      }
    } finally {
      await client.end();
    }
  });

  it('PG-A06: a session sleeping during the burst shows as Timeout:PgSleep', async () => {
    const sleeper = new pg.Client({ connectionString: cluster.url(DB) });
    await sleeper.connect();
    try {
      const sleeping = sleeper.query('SELECT pg_sleep(4)::text');
      for (let i = 0; i < 50; i++) {
        const { rows } = await work.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'`);
        if (rows.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const burst = await runChecks(target, [postgresWaitEvents], { tier: 'annual' });
      const [f] = findingsOf(burst, 'postgres.wait-events');
      expect(f?.message).toMatch(/Timeout:PgSleep 1\.00/);
      await sleeping;
    } finally {
      await sleeper.end();
    }
  }, 30_000);
});

describe('PostgreSQL 18 (PGlite): the newest SQL variants', () => {
  it('every annual check runs; snapshots and PG-A04 read pg_stat_io and pg_stat_checkpointer', async () => {
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 20 });
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    const t = postgresSuperTarget({ host: host!, port: Number(port), user: 'postgres', database: 'postgres' });
    try {
      const facts = await t.facts();
      expect(facts.version).toMatch(/^18\./);
      const counters = await collectCounters(t, facts);
      expect(counters).toHaveProperty(['io.client backend.writes']);
      expect(counters).toHaveProperty(['bgwriter.buffers_checkpoint']);
      expect(counters).not.toHaveProperty(['bgwriter.buffers_backend']);
      const r = await runChecks(t, POSTGRES_ANNUAL_CHECKS, {
        tier: 'annual',
        thresholds: (c) => ({
          ...c.thresholds.defaults,
          ...(c.id === 'postgres.buffer-writes' ? { minWrites: 0 } : {}),
        }),
      });
      expect(r.checks.filter((c) => c.status === 'error')).toEqual([]);
      expect(findingsOf(r, 'postgres.buffer-writes')[0]?.message).toContain('blocks written (pg_stat_io)');
    } finally {
      await t.close();
      await server.stop();
      await db.close();
    }
  }, 120_000);
});
