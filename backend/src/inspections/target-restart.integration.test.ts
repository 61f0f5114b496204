import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { CHECKS } from '../checks/registry.js';
import { openTarget } from '../targets/open-target.js';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { startPgCluster, type PgCluster } from '../test/pg-cluster.js';
import { waitFor } from '../test/silent-server.js';
import { inspectChecks, outcomeOf } from '../test/targets-fixture.js';

/**
 * Fault: the inspected PostgreSQL server restarts (`pg_ctl stop -m fast`, then start: a failover or a maintenance
 * restart) while an inspection of it runs. The backup evidence query of the instance sleeps, so that a check is
 * certainly under way when the server goes: that check ends `error` with the server's reason (57P01), every other
 * check has its outcome (run, or started while the server was down: `error` saying so, at once), the report says
 * which checks were cut off, the pools reconnect for the next inspection, and nothing crashes (an unhandled error or
 * rejection fails the run).
 */

const SLEEP_SECONDS = 6;
/** Evidence SQL that takes SLEEP_SECONDS and then reports a backup one hour old. */
const SLOW_EVIDENCE = `SELECT now() - interval '1 hour' AS last_backup_end FROM pg_sleep(${SLEEP_SECONDS})`;
const BACKUP = 'postgres.backup-age';
const FAST_EVIDENCE = `SELECT now() - interval '1 hour' AS last_backup_end`;
/** What the check under way reports: PostgreSQL's 57P01 as the server shuts down (or the socket closing under it). */
const TERMINATED = /terminating connection due to administrator command|connection terminated|ECONNRESET/i;
/**
 * What a check started during the restart may still report: a pooled session the restart killed, handed out before
 * its close was seen. A refused connection or "starting up" must not appear: new sessions wait for a server that
 * answered before (up to the connect timeout).
 */
const DOWN = /closed by the server|terminat|ECONNRESET/i;

/** Whether a session of the cluster is inside the slow evidence query (a short-lived client, never kept). */
async function sleeping(cluster: PgCluster): Promise<boolean> {
  const client = new pg.Client({ connectionString: cluster.url() });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(${SLEEP_SECONDS})%'
         AND pid <> pg_backend_pid()`,
    );
    return rows[0]!.n > 0;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Waits until the slow query runs, then stops the cluster (fast) and starts it again; returns when it is back. */
async function restartDuringEvidence(cluster: PgCluster): Promise<{ stoppedAt: number; startedAt: number }> {
  await waitFor(() => sleeping(cluster), 60_000, 'the backup evidence query to run');
  const stoppedAt = Date.now();
  await cluster.stop();
  await new Promise((r) => setTimeout(r, 500));
  await cluster.start();
  return { stoppedAt, startedAt: Date.now() };
}

describe('a target restarted mid-inspection', () => {
  let cluster: PgCluster;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    cluster = await startPgCluster({ name: 'dbpatrol-target-restart' });
    // A few databases, so that database-scope checks keep pools on several of them when the server goes.
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    for (const db of ['app_a', 'app_b', 'app_c']) {
      await admin.query(`CREATE DATABASE ${db}`);
    }
    await admin.end();
  }, 120_000);
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await cluster?.remove();
  });

  it('in the runner: the check under way ends error with the reason, checks started while the server is down say so at once, the same target then inspects it cleanly', async () => {
    const target = openTarget({
      engine: 'postgres',
      host: '127.0.0.1',
      port: cluster.port,
      user: 'postgres',
      connectTimeoutMs: 3000,
    });
    try {
      // The slow check first and one check at a time: every other check starts after the stop.
      const daily = CHECKS.filter((c) => c.engine === 'postgres' && c.tier === 'daily');
      const ordered = [daily.find((c) => c.id === BACKUP)!, ...daily.filter((c) => c.id !== BACKUP)];
      expect(ordered[0]).toBeDefined();
      const started = Date.now();
      const [report, restart] = await Promise.all([
        inspectChecks(target, ordered, {
          tier: 'daily',
          concurrency: 1,
          instance: { name: 'restarted', engine: 'postgres', backupEvidenceSql: SLOW_EVIDENCE },
        }),
        restartDuringEvidence(cluster),
      ]);
      // The evidence query was cut off by the stop, not run to its end, and nothing waited on the dead sessions.
      expect(restart.stoppedAt - started).toBeLessThan(SLEEP_SECONDS * 1000);
      expect(Date.now() - started).toBeLessThan(SLEEP_SECONDS * 1000 + 10_000);

      const backup = outcomeOf(report, BACKUP)!;
      expect(backup.status).toBe('error');
      expect(JSON.stringify(backup.reason)).toMatch(TERMINATED);
      // Every other check has its outcome: run on the server (before the stop or once it is back: new sessions wait
      // for it), or an error naming the killed session it was handed (see docs/reliability.md).
      const others = report.checks.filter((c) => c.checkId !== BACKUP);
      expect(others.length).toBeGreaterThan(5);
      for (const c of others) {
        if (c.status === 'error') expect(JSON.stringify(c.reason)).toMatch(DOWN);
        else expect(['pass', 'fail', 'skipped']).toContain(c.status);
      }
      expect(report.reachable).toBe(true);
      console.info(
        `target restart (runner, one check at a time): ${BACKUP} error after ${restart.stoppedAt - started} ms; ` +
          `${others.filter((c) => c.status === 'error').length} of ${others.length} later checks started while the server was down ` +
          `(error: ${[...new Set(others.filter((c) => c.status === 'error').map((c) => c.reason?.en))].join('; ')}); ` +
          `server back ${restart.startedAt - restart.stoppedAt} ms after the stop`,
      );

      // The same target, its pools holding sessions the restart killed, inspects the restarted server without error.
      const next = await inspectChecks(target, ordered, {
        tier: 'daily',
        concurrency: 1,
        instance: { name: 'restarted', engine: 'postgres', backupEvidenceSql: FAST_EVIDENCE },
      });
      expect(next.checks.filter((c) => c.status === 'error')).toEqual([]);
      expect(next.checks).toHaveLength(report.checks.length);
    } finally {
      await target.close();
    }
    expect(rejections).toEqual([]);
  }, 120_000);

  describe('through the API and a worker', () => {
    let api: ApiHarness;
    let instanceId = '';
    beforeAll(async () => {
      api = await startApiHarness(
        { DBPATROL_CONNECT_TIMEOUT_MS: '3000', DBPATROL_POLL_MS: '500', DBPATROL_SNAPSHOT_INTERVAL: '1h' },
        { worker: true },
      );
      const biz = (await api.call('POST', '/api/v1/businesses', { body: { name: 'restart' } })).body.id;
      const host = (
        await api.call('POST', '/api/v1/hosts', {
          body: { name: 'restart-host', businessId: biz, address: '127.0.0.1' },
        })
      ).body.id;
      const created = await api.call('POST', '/api/v1/instances', {
        body: {
          name: 'restarted-pg',
          hostId: host,
          engine: 'postgres',
          port: cluster.port,
          user: 'postgres',
          backupEvidenceSql: SLOW_EVIDENCE,
        },
      });
      expect(created.status).toBe(201);
      instanceId = created.body.id;
    }, 120_000);
    afterAll(() => api?.close());

    const finished = (id: string) =>
      waitFor(
        async () => {
          const r = await api.call('GET', `/api/v1/inspections/${id}`);
          return ['succeeded', 'partial', 'failed', 'cancelled'].includes(r.body.state) ? r.body : undefined;
        },
        120_000,
        `inspection ${id} to finish`,
      );

    it('the report names the cut-off check with the reason, the others run, the next inspection is clean', async () => {
      const res = await api.call('POST', '/api/v1/inspections', { body: { instanceIds: [instanceId], tier: 'daily' } });
      expect(res.status).toBe(202);
      await restartDuringEvidence(cluster);
      const done = await finished(res.body.id);
      expect(done.progress[0]).toMatchObject({ state: 'done', reportId: expect.any(String) });

      const report = (await api.call('GET', `/api/v1/reports/${done.progress[0].reportId}`)).body;
      expect(report.reachable).toBe(true);
      const checks = report.checks as { checkId: string; status: string; reason?: unknown }[];
      const backup = checks.find((c) => c.checkId === BACKUP)!;
      expect(backup.status).toBe('error');
      expect(JSON.stringify(backup.reason)).toMatch(TERMINATED);
      const errors = checks.filter((c) => c.status === 'error');
      for (const e of errors) expect(JSON.stringify(e.reason)).toMatch(DOWN);
      for (const c of checks.filter((x) => x.status !== 'error'))
        expect(['pass', 'fail', 'skipped']).toContain(c.status);
      console.info(
        `target restart (API + worker): inspection ${done.state}, ${errors.length} of ${checks.length} checks error ` +
          `(${errors.map((e) => `${e.checkId}: ${(e.reason as { en?: string } | undefined)?.en}`).join('; ')})`,
      );

      // The API and its worker are still up, and the next inspection of the restarted server has no error at all.
      expect((await api.call('GET', '/readyz')).status).toBe(200);
      const again = await api.call('POST', '/api/v1/inspections', {
        body: { instanceIds: [instanceId], tier: 'daily' },
      });
      const second = await finished(again.body.id);
      expect(second.state).toBe('succeeded');
      const clean = (await api.call('GET', `/api/v1/reports/${second.progress[0].reportId}`)).body;
      expect(clean.checks.filter((c: { status: string }) => c.status === 'error')).toEqual([]);
      expect(clean.checks.find((c: { checkId: string }) => c.checkId === BACKUP).status).not.toBe('error');
      expect(rejections).toEqual([]);
    }, 240_000);
  });
});
