import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import { startPgCluster, type PgCluster } from '../../test/pg-cluster.js';
import { randomSuffix } from '../../test/pg-fixtures.js';
import { findingsOf, outcomeOf, postgresSuperTarget, runChecks } from '../../test/targets-fixture.js';
import type { Target } from '../../targets/target-spec.js';
import { POSTGRES_MONTHLY_CHECKS } from './monthly.list.js';

const suffix = randomSuffix();
const SLOT = `dbp_m08_${suffix}`;
const ROLE = `dbp_m01_${suffix}`;
/** A line the server cannot apply, written into postgresql.conf of the throw-away cluster (no reload). */
const BOGUS = `dbpatrol_bogus_${suffix}`;

let cluster: PgCluster;
let admin: pg.Client;
const targets: Target[] = [];
let report: InspectionReport;

const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> =>
  (await admin.query<R>(sql, params)).rows;

async function connect(): Promise<void> {
  admin = new pg.Client({ connectionString: cluster.url() });
  admin.on('error', () => undefined);
  await admin.connect();
}

/** A target on the throw-away cluster (trust over TCP on 127.0.0.1). */
const clusterTarget = (user = 'postgres'): Target => {
  const t = postgresSuperTarget({ host: '127.0.0.1', port: cluster.port, user, database: 'postgres' });
  targets.push(t);
  return t;
};

beforeAll(async () => {
  cluster = await startPgCluster({ name: 'dbpatrol-monthly' });
  await connect();
  // fsync, full_page_writes and synchronous_commit are already off in this cluster; say so explicitly all the same.
  await admin.query(`ALTER SYSTEM SET fsync = off`);
  await admin.query(`ALTER SYSTEM SET autovacuum = off`);
  await admin.query(`ALTER SYSTEM SET max_connections = 400`);
  await admin.end();
  // max_connections is a restart-only setting.
  await cluster.stop();
  await cluster.start();
  await connect();
  // Restart-only again, but reloaded without a restart: a pending restart.
  await admin.query(`ALTER SYSTEM SET shared_buffers = '32MB'`);
  await admin.query(`SELECT pg_reload_conf()`);
  for (let i = 0; i < 100; i++) {
    const rows = await query(`SELECT 1 FROM pg_settings WHERE name = 'shared_buffers' AND pending_restart`);
    if (rows.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // pg_file_settings reads the files when queried: the broken line shows without a reload.
  await appendFile(path.join(cluster.dir, 'data', 'postgresql.conf'), `\n${BOGUS} = 1\n`);
  await admin.query(`SELECT pg_create_physical_replication_slot($1, true)`, [SLOT]);
  await admin.query(`CREATE ROLE ${ROLE} LOGIN`);
  // Requested checkpoints (CHECKPOINT counts as requested), more than minCheckpoints.
  for (let i = 0; i < 12; i++) await admin.query('CHECKPOINT');
  report = await runChecks(clusterTarget(), POSTGRES_MONTHLY_CHECKS, { tier: 'monthly' });
}, 180_000);

afterAll(async () => {
  await Promise.all(targets.map((t) => t.close().catch(() => undefined)));
  await admin?.end().catch(() => undefined);
  await cluster?.remove();
});

describe('PostgreSQL monthly settings checks on a throw-away cluster', () => {
  it('runs every monthly check without an error', () => {
    expect(report.checks.map((c) => c.checkId)).toEqual(POSTGRES_MONTHLY_CHECKS.map((c) => c.id));
    expect(report.checks.filter((c) => c.status === 'error')).toEqual([]);
  });

  it('PG-M01: shared_buffers pending restart (warning), the broken postgresql.conf line (critical)', () => {
    const mine = findingsOf(report, 'postgres.pending-restart');
    expect(mine.find((f) => f.object === 'shared_buffers')).toMatchObject({ severity: 'warning' });
    // Only the broken line: the "could not be applied" line of the pending shared_buffers is not a file error.
    const critical = mine.filter((f) => f.severity === 'critical');
    expect(critical).toHaveLength(1);
    const broken = critical[0];
    expect(broken!.object).toMatch(/postgresql\.conf:\d+$/);
    expect(broken!.message).toContain(BOGUS);
    // max_connections was restarted into effect: it is not pending.
    expect(mine.some((f) => f.object === 'max_connections')).toBe(false);
  });

  it('PG-M01 without the privilege to read pg_file_settings says so and does not fail', async () => {
    const r = await runChecks(clusterTarget(ROLE), POSTGRES_MONTHLY_CHECKS, {
      tier: 'monthly',
      only: ['postgres.pending-restart'],
    });
    expect(outcomeOf(r, 'postgres.pending-restart')).toMatchObject({ status: 'fail' });
    const mine = findingsOf(r, 'postgres.pending-restart');
    expect(mine.map((f) => [f.severity, f.object])).toEqual([
      ['warning', 'shared_buffers'],
      ['info', 'pg_file_settings'],
    ]);
    expect(mine[1]!.message).toMatch(/^configuration file errors were not checked/);
  });

  it('PG-M02: fsync off is critical; full_page_writes and synchronous_commit off are warnings', () => {
    const mine = findingsOf(report, 'postgres.durability-settings').map((f) => [f.severity, f.object]);
    expect(mine).toContainEqual(['critical', 'fsync']);
    expect(mine).toContainEqual(['warning', 'full_page_writes']);
    expect(mine).toContainEqual(['warning', 'synchronous_commit']);
  });

  it('PG-M03 says the RAM is unknown without a host metrics source', () => {
    const mine = findingsOf(report, 'postgres.memory-settings');
    const ram = mine.find((f) => f.object === 'RAM');
    expect(ram!.message).toMatch(/^host RAM unknown \(no host metrics source is configured\): shared_buffers = 16MB/);
  });

  it('PG-M04: max_connections = 400 after the restart', () => {
    expect(findingsOf(report, 'postgres.max-connections')).toMatchObject([
      { severity: 'warning', object: 'max_connections', value: 400, threshold: 300 },
    ]);
  });

  it('PG-M05: autovacuum off is critical', () => {
    expect(findingsOf(report, 'postgres.autovacuum-settings').map((f) => [f.severity, f.object])).toContainEqual([
      'critical',
      'autovacuum',
    ]);
  });

  it('PG-M06: CHECKPOINTs count as requested, since the statistics reset', () => {
    const f = findingsOf(report, 'postgres.checkpoint-settings').find((x) => x.object === 'max_wal_size');
    expect(f).toMatchObject({ severity: 'warning', threshold: 10 });
    expect(Number(f!.value)).toBeGreaterThan(50);
    expect(f!.message).toMatch(/were requested rather than timed \(threshold 10 %\) since .*window start not covered/);
  });

  it('PG-M06 over the window from a snapshot', async () => {
    const [c] = await query<{ timed: string; req: string; reset_ms: number }>(
      'SELECT checkpoints_timed AS timed, checkpoints_req AS req, (extract(epoch FROM stats_reset) * 1000)::float8 AS reset_ms FROM pg_stat_bgwriter',
    );
    // After the statistics' last reset (the restarts above may have been less than a second ago), before now.
    const takenAt = new Date(Math.max(Date.now() - 1000, Math.ceil(Number(c!.reset_ms)) + 1)).toISOString();
    for (let i = 0; i < 11; i++) await admin.query('CHECKPOINT');
    const r = await runChecks(clusterTarget(), POSTGRES_MONTHLY_CHECKS, {
      tier: 'monthly',
      only: ['postgres.checkpoint-settings'],
      counterBaseline: {
        takenAt,
        coversWindowStart: true,
        counters: {
          'checkpointer.checkpoints_timed': Number(c!.timed),
          'checkpointer.checkpoints_req': Number(c!.req),
        },
      },
    });
    const f = findingsOf(r, 'postgres.checkpoint-settings').find((x) => x.object === 'max_wal_size');
    expect(f!.message).toMatch(/^1[12] of 1[12] checkpoints \(\d+(\.\d)? %\) were requested/);
    expect(f!.message).toContain(`in the window since ${takenAt}`);
  });

  it('PG-M08: max_slot_wal_keep_size = -1 with the planted slot', () => {
    const [f] = findingsOf(report, 'postgres.wal-retention');
    expect(f).toMatchObject({ severity: 'warning', object: 'max_slot_wal_keep_size', value: '-1' });
    expect(f!.message).toContain(SLOT);
  });

  it('gives every finding in Chinese when the report is in Chinese', async () => {
    const zh = await runChecks(clusterTarget(), POSTGRES_MONTHLY_CHECKS, { tier: 'monthly', language: 'zh' });
    expect(zh.findings.length).toBeGreaterThan(8);
    for (const f of zh.findings) expect(f.message, f.checkId).toMatch(/\p{Script=Han}/u);
  });
});

describe('PG-M10 on the local default server', () => {
  it('names what to enable, as the server is configured', async () => {
    const target = postgresSuperTarget();
    targets.push(target);
    const settings = new Map(
      (
        await target.query<{ name: string; setting: string }>(
          `SELECT name, setting FROM pg_settings WHERE name IN ('shared_preload_libraries', 'track_io_timing',
            'track_activity_query_size', 'log_min_duration_statement')`,
        )
      ).map((r) => [r.name, r.setting]),
    );
    const r = await runChecks(target, POSTGRES_MONTHLY_CHECKS, {
      tier: 'monthly',
      only: ['postgres.observability-prerequisites'],
    });
    expect(outcomeOf(r, 'postgres.observability-prerequisites')!.status).not.toBe('error');
    const objects = findingsOf(r, 'postgres.observability-prerequisites').map((f) => f.object);
    const expected = [
      ...(settings.get('shared_preload_libraries')!.includes('pg_stat_statements') ? [] : ['shared_preload_libraries']),
      ...(settings.get('track_io_timing') === 'on' ? [] : ['track_io_timing']),
      ...(Number(settings.get('track_activity_query_size')) < 4096 ? ['track_activity_query_size'] : []),
      ...(settings.get('log_min_duration_statement') === '-1' ? ['log_min_duration_statement'] : []),
      'host metrics',
    ];
    // The extension finding depends on whether pg_stat_statements is preloaded and created: not graded here.
    expect(objects.filter((o) => o !== 'pg_stat_statements')).toEqual(expected);
    // Debian's PostgreSQL 15 as installed here: nothing of it is enabled.
    expect(expected).toEqual([
      'shared_preload_libraries',
      'track_io_timing',
      'track_activity_query_size',
      'log_min_duration_statement',
      'host metrics',
    ]);
  });
});

describe('PostgreSQL 18 (PGlite): the newest SQL variants', () => {
  it('runs every monthly check without an error, pg_stat_checkpointer included', async () => {
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 20 });
    await server.start();
    try {
      const [host, port] = server.getServerConn().split(':');
      const target = postgresSuperTarget({ host: host!, port: Number(port), user: 'postgres', database: 'postgres' });
      targets.push(target);
      const r = await runChecks(target, POSTGRES_MONTHLY_CHECKS, { tier: 'monthly' });
      expect(r.server?.version).toMatch(/^18\./);
      expect(r.checks.filter((c) => c.status === 'error')).toEqual([]);
      expect(outcomeOf(r, 'postgres.checkpoint-settings')!.status).not.toBe('skipped');
      await target.close();
    } finally {
      await server.stop();
      await db.close();
    }
  }, 120_000);
});
