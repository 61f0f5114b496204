import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { CLI_ACTOR } from '../http/actor.js';
import { createLogger } from '../logging/logger.js';
import { createContext, type AppContext } from '../runtime/context.js';
import { createScratchDatabase } from '../test/pg-fixtures.js';
import { waitFor } from '../test/silent-server.js';
import { ensureCliBuilt, startWorkerProcess, stopAllProcesses } from '../test/worker-process.js';
import { nextFireAfter, nextFires } from './fire-times.js';
import type { ScheduleSpec } from './schedule.model.js';
import { ruleOf } from './schedule-rules.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  id: string;
  fireAt: Date;
  createdAt: Date;
  state: string;
  attempt: number;
  worker: string | null;
  startedAt: string | null;
  error: string | null;
}

/** A TCP proxy to the local PostgreSQL that first swallows connections silently (a hung server), then forwards. */
async function startSwitchableProxy(upstreamPort = 5432) {
  let forwarding = false;
  let hung = 0;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server = net.createServer((client) => {
    track(client);
    if (!forwarding) {
      hung++;
      return;
    }
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    track(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get hung() {
      return hung;
    },
    forward() {
      forwarding = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Real `dbpatrol worker` processes sharing one PostgreSQL store: every occurrence runs exactly once across them, a
 * worker killed with SIGKILL mid-inspection loses nothing, and downtime is caught up per the schedule's policy.
 */
describe('worker processes on a shared PostgreSQL store', () => {
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dataDir: string;
  let ctx: AppContext;
  let sql: pg.Pool;
  let proxy: Awaited<ReturnType<typeof startSwitchableProxy>>;
  let pgInstance: string;
  let flakyInstance: string;
  const secretKey = randomBytes(32).toString('base64');
  const env = {
    DBPATROL_SECRET_KEY: secretKey,
    DBPATROL_SNAPSHOT_INTERVAL: '1h',
    // Long enough that the hung target is still hanging when its worker is killed.
    DBPATROL_CONNECT_TIMEOUT_MS: '20000',
  };
  const startWorker = (name: string) =>
    startWorkerProcess({ storeUrl: db.url, name, pollMs: 1000, lockLifetimeMs: 4000, env });

  beforeAll(async () => {
    await ensureCliBuilt();
    db = await createScratchDatabase('dbpatrol_workers');
    dataDir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-workers-'));
    // In-process services without a worker (an API process): they write schedules and queue occurrences only.
    ctx = await createContext(
      loadConfig({}, { DBPATROL_STORE_URL: db.url, DBPATROL_DATA_DIR: dataDir, DBPATROL_SECRET_KEY: secretKey }),
      createLogger({ level: 'silent' }),
    );
    sql = new pg.Pool({ connectionString: db.url, max: 2 });
    proxy = await startSwitchableProxy();
    const biz = await ctx.inventory.createBusiness(CLI_ACTOR, { name: 'workers' });
    const host = await ctx.inventory.createHost(CLI_ACTOR, {
      name: 'workers-host',
      businessId: biz.id,
      address: '127.0.0.1',
    });
    const instance = (name: string, port: number) =>
      ctx.inventory.createInstance(CLI_ACTOR, { name, hostId: host.id, engine: 'postgres', port, user: 'postgres' });
    pgInstance = (await instance('local-pg', 5432)).id;
    flakyInstance = (await instance('flaky-pg', proxy.port)).id;
  }, 180_000);

  afterAll(async () => {
    await stopAllProcesses();
    await ctx?.close({ drainMs: 0 });
    await sql?.end();
    await proxy?.close();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const createSchedule = (name: string, extra: Partial<ScheduleSpec> & Pick<ScheduleSpec, 'frequency'>) =>
    ctx.schedules.create(CLI_ACTOR, {
      name,
      instanceIds: [pgInstance],
      tier: 'daily',
      time: '00:00:00',
      timezone: 'UTC',
      windowDays: 1,
      catchUp: 'latest',
      ...extra,
    });

  const rowsOf = async (scheduleIds: string[]): Promise<Map<string, Row[]>> => {
    const { rows } = await sql.query<{
      schedule_id: string;
      id: string;
      fire_at: Date;
      created_at: Date;
      state: string;
      attempt: number;
      worker: string | null;
      started: string | null;
      error: string | null;
    }>(
      `SELECT schedule_id, id, fire_at, created_at, state, attempt, document->>'worker' AS worker,
              document->>'startedAt' AS started, document->>'error' AS error
       FROM inspections WHERE schedule_id = ANY($1) ORDER BY fire_at`,
      [scheduleIds],
    );
    const out = new Map<string, Row[]>(scheduleIds.map((id) => [id, []]));
    for (const r of rows) {
      out.get(r.schedule_id)!.push({
        id: r.id,
        fireAt: r.fire_at,
        createdAt: r.created_at,
        state: r.state,
        attempt: Number(r.attempt),
        worker: r.worker,
        startedAt: r.started,
        error: r.error,
      });
    }
    return out;
  };
  const finished = (r: Row) => !['queued', 'running'].includes(r.state);
  /** Reports per inspection and instance (with the fire time the report carries). */
  const reportsOf = async (inspectionIds: string[]) =>
    (
      await sql.query<{ inspection_id: string; instance_id: string; n: string; fire_at: string; reachable: boolean }>(
        `SELECT inspection_id, instance_id, count(*) AS n, min(document->>'fireAt') AS fire_at,
                bool_and((document->>'reachable')::boolean) AS reachable
         FROM reports WHERE inspection_id = ANY($1) GROUP BY inspection_id, instance_id`,
        [inspectionIds],
      )
    ).rows;

  it('runs each of at least 100 occurrences exactly once across two worker processes', async () => {
    const [a, b] = await Promise.all([startWorker('worker-a'), startWorker('worker-b')]);
    const schedules = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        createSchedule(`every-3s-${i}`, {
          frequency: { kind: 'cron', expression: '*/3 * * * * *' },
          // Lateness from a busy machine must not turn an occurrence into "missed" here; that is tested below.
          maxLatenessSeconds: 60,
        }),
      ),
    );
    const ids = schedules.map((s) => s.id);
    await waitFor(
      async () => {
        const byId = await rowsOf(ids);
        const done = [...byId.values()].map((rows) => rows.filter(finished).length);
        return done.every((n) => n >= 8);
      },
      75_000,
      'at least 8 finished occurrences of each of the 15 schedules',
    );
    // Both drain together: what runs finishes, nothing new starts, so the chains stop cleanly.
    const exits = await Promise.all([a!.stop(), b!.stop()]);
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);

    const byId = await rowsOf(ids);
    const all = [...byId.values()].flat();
    expect(all.length).toBeGreaterThanOrEqual(120);
    // One inspection per (schedule, fireAt), claimed once (a second execution would have raised the attempt).
    for (const [id, rows] of byId) {
      expect(new Set(rows.map((r) => r.fireAt.getTime())).size).toBe(rows.length);
      expect(rows.map((r) => [r.state, r.attempt])).toEqual(rows.map(() => ['succeeded', 1]));
      // No tick between the first and the last is missing.
      const s = schedules.find((x) => x.id === id)!;
      const expected = nextFires(ruleOf(s), new Date(rows[0]!.fireAt.getTime() - 1), rows.length);
      expect(rows.map((r) => r.fireAt.toISOString())).toEqual(expected.map((d) => d.toISOString()));
    }
    // Exactly one report per inspection and instance, carrying the occurrence's fire time.
    const reports = await reportsOf(all.map((r) => r.id));
    expect(reports).toHaveLength(all.length);
    const fireById = new Map(all.map((r) => [r.id, r.fireAt.toISOString()]));
    for (const r of reports) {
      expect(r).toMatchObject({ instance_id: pgInstance, n: '1', reachable: true });
      expect(new Date(r.fire_at).toISOString()).toBe(fireById.get(r.inspection_id));
    }
    const total = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM reports WHERE schedule_id = ANY($1)`, [
      ids,
    ]);
    expect(Number(total.rows[0]!.n)).toBe(all.length);
    // Both workers took part.
    const perWorker = new Map<string, number>();
    for (const r of all) perWorker.set(r.worker ?? '?', (perWorker.get(r.worker ?? '?') ?? 0) + 1);
    expect([...perWorker.keys()].sort()).toEqual(['worker-a', 'worker-b']);
    // Agenda's side agrees: one finished job per inspected occurrence, and each chain holds its next one.
    const jobs = await sql.query<{ finished: string; pending: string }>(
      `SELECT count(*) FILTER (WHERE last_finished_at IS NOT NULL) AS finished,
              count(*) FILTER (WHERE last_finished_at IS NULL AND next_run_at IS NOT NULL) AS pending
       FROM agenda_jobs WHERE name = 'inspection:occurrence' AND data->>'scheduleId' = ANY($1)`,
      [ids],
    );
    expect(Number(jobs.rows[0]!.finished)).toBe(all.length);
    expect(Number(jobs.rows[0]!.pending)).toBe(ids.length);
    for (const id of ids) await ctx.schedules.cancel(CLI_ACTOR, id);
  }, 120_000);

  it('finishes on the other worker, with one report, an occurrence whose worker was killed with SIGKILL', async () => {
    const workers = await Promise.all([startWorker('worker-c'), startWorker('worker-d')]);
    const fireAt = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    const s = await createSchedule('killed-mid-run', {
      instanceIds: [flakyInstance],
      // Once a year, at fireAt.
      frequency: {
        kind: 'cron',
        expression: `${fireAt.getUTCSeconds()} ${fireAt.getUTCMinutes()} ${fireAt.getUTCHours()} ${fireAt.getUTCDate()} ${fireAt.getUTCMonth() + 1} *`,
      },
      maxLatenessSeconds: 300,
    });
    const running = await waitFor(
      async () => {
        const row = (await rowsOf([s.id])).get(s.id)![0];
        return row?.state === 'running' && row.worker && proxy.hung > 0 ? row : undefined;
      },
      20_000,
      'the occurrence running against the hung target',
    );
    expect(running).toMatchObject({ fireAt, attempt: 1 });
    const victim = workers.find((w) => w.name === running.worker)!;
    const survivor = workers.find((w) => w !== victim)!;
    await sleep(1000); // mid-inspection: it has renewed its lock at least once
    expect(await victim.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();
    proxy.forward(); // the target answers again

    const done = await waitFor(
      async () => {
        const row = (await rowsOf([s.id])).get(s.id)![0];
        return row && finished(row) ? row : undefined;
      },
      40_000,
      'the occurrence finished by the surviving worker',
    );
    expect(done).toMatchObject({ fireAt, state: 'succeeded', attempt: 2, worker: survivor.name });
    // It waited for the dead worker's lock to expire (4 s after its last renewal), not less.
    const finishedAt = await sql.query<{ at: string }>(
      `SELECT document->>'finishedAt' AS at FROM inspections WHERE id = $1`,
      [done.id],
    );
    expect(new Date(finishedAt.rows[0]!.at).getTime() - killedAt).toBeGreaterThan(2000);
    const reports = await reportsOf([done.id]);
    expect(reports).toEqual([
      { inspection_id: done.id, instance_id: flakyInstance, n: '1', fire_at: fireAt.toISOString(), reachable: true },
    ]);
    expect((await rowsOf([s.id])).get(s.id)).toHaveLength(1);
    const job = await sql.query<{ by: string; finished: Date | null }>(
      `SELECT last_modified_by AS by, last_finished_at AS finished FROM agenda_jobs
       WHERE name = 'inspection:occurrence' AND data->>'scheduleId' = $1 AND data->>'fireAt' = $2`,
      [s.id, fireAt.toISOString()],
    );
    expect(job.rows).toEqual([{ by: survivor.name, finished: expect.any(Date) }]);
    expect(survivor.alive).toBe(true);
    await ctx.schedules.cancel(CLI_ACTOR, s.id);
    expect(await survivor.stop()).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('hands back on SIGTERM the occurrence it locked ahead of its fire time: another worker runs it on time', async () => {
    // The default lock lifetime (a minute): an occurrence left locked would wait that long, and be recorded missed.
    const start = (name: string) => startWorkerProcess({ storeUrl: db.url, name, pollMs: 3000, env });
    const workers = await Promise.all([start('worker-g'), start('worker-h')]);
    const s = await createSchedule('rolling-restart', { frequency: { kind: 'cron', expression: '*/5 * * * * *' } });
    // Workers lock an occurrence up to one poll (3 s) before its fire time; catch one locked over a second ahead.
    const locked = await waitFor(
      async () => {
        const { rows } = await sql.query<{ fire: string; by: string }>(
          `SELECT data->>'fireAt' AS fire, last_modified_by AS by FROM agenda_jobs
           WHERE name = 'inspection:occurrence' AND data->>'scheduleId' = $1
             AND locked_at IS NOT NULL AND next_run_at IS NOT NULL AND last_finished_at IS NULL`,
          [s.id],
        );
        const row = rows[0];
        return row && new Date(row.fire).getTime() - Date.now() > 1200 ? row : undefined;
      },
      40_000,
      'an occurrence locked more than a second before its fire time',
    );
    const fireAt = new Date(locked.fire);
    const holder = workers.find((w) => w.name === locked.by)!;
    const other = workers.find((w) => w !== holder)!;
    expect(await holder.stop()).toEqual({ code: 0, signal: null });
    expect(Date.now()).toBeLessThan(fireAt.getTime());

    const ran = await waitFor(
      async () => {
        const row = (await rowsOf([s.id])).get(s.id)!.find((r) => r.fireAt.getTime() === fireAt.getTime());
        return row && finished(row) ? row : undefined;
      },
      30_000,
      'the handed-back occurrence to run',
    );
    expect(ran).toMatchObject({ state: 'succeeded', attempt: 1, worker: other.name });
    // At the other worker's next poll at the latest, not after the lock lifetime.
    expect(new Date(ran.startedAt!).getTime() - fireAt.getTime()).toBeLessThan(4500);
    await ctx.schedules.cancel(CLI_ACTOR, s.id);
    expect(await other.stop()).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('catches up after downtime per policy: the pending occurrence once or missed, then future ticks only', async () => {
    const every3s = { kind: 'cron', expression: '*/3 * * * * *' } as const;
    const [latest, tooLate, skip] = await Promise.all([
      createSchedule('catch-up-latest', { frequency: every3s, catchUp: 'latest', maxLatenessSeconds: 600 }),
      createSchedule('catch-up-too-late', { frequency: every3s, catchUp: 'latest', maxLatenessSeconds: 3 }),
      // skip: punctual only (five minutes, at most one period: 3 s here).
      createSchedule('catch-up-skip', { frequency: every3s, catchUp: 'skip' }),
    ]);
    const schedules = [latest!, tooLate!, skip!];
    const pending = await Promise.all(schedules.map((s) => ctx.scheduler.pendingOccurrences(s.id)));
    expect(pending.map((p) => p.length)).toEqual([1, 1, 1]);
    const firstFire = new Map(schedules.map((s, i) => [s.id, new Date(pending[i]![0]!.fireAt)]));
    // No worker runs while three more ticks pass.
    const oldest = Math.max(...[...firstFire.values()].map((d) => d.getTime()));
    await sleep(oldest + 7000 - Date.now());
    const launchedAt = new Date();
    const workers = await Promise.all([startWorker('worker-e'), startWorker('worker-f')]);

    await waitFor(
      async () => [...(await rowsOf(schedules.map((s) => s.id))).values()].every((r) => r.filter(finished).length >= 3),
      30_000,
      'the catch-up and two future occurrences of each schedule',
    );
    await Promise.all(workers.map((w) => w.stop()));
    const byId = await rowsOf(schedules.map((s) => s.id));
    for (const s of schedules) {
      const rows = byId.get(s.id)!;
      const [first, ...later] = rows;
      // The oldest pending occurrence is handled once; none of the ticks that passed while down is replayed.
      expect(first!.fireAt).toEqual(firstFire.get(s.id));
      expect(first!.createdAt.getTime() - first!.fireAt.getTime()).toBeGreaterThan(6000);
      expect(rows.filter((r) => r.fireAt < launchedAt)).toHaveLength(1);
      // The chain resumes at the first tick after the catch-up ran, then follows every tick.
      expect(later[0]!.fireAt).toEqual(nextFireAfter(ruleOf(s), first!.createdAt));
      expect(later.map((r) => r.fireAt.toISOString())).toEqual(
        nextFires(ruleOf(s), new Date(later[0]!.fireAt.getTime() - 1), later.length).map((d) => d.toISOString()),
      );
      expect(later.map((r) => r.state)).toEqual(later.map(() => 'succeeded'));
      const skipped = await sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM agenda_jobs WHERE name = 'inspection:occurrence' AND data->>'scheduleId' = $1
           AND (data->>'fireAt')::timestamptz > $2 AND (data->>'fireAt')::timestamptz < $3`,
        [s.id, first!.fireAt, later[0]!.fireAt],
      );
      expect(Number(skipped.rows[0]!.n)).toBe(0);
    }
    const firstOf = (id: string) => byId.get(id)![0]!;
    // latest, within its lateness: runs once, late, with its report.
    expect(firstOf(latest!.id)).toMatchObject({ state: 'succeeded', attempt: 1 });
    expect(await reportsOf([firstOf(latest!.id).id])).toMatchObject([{ n: '1', reachable: true }]);
    // latest beyond its lateness, and skip: recorded missed, nothing inspected.
    for (const s of [tooLate!, skip!]) {
      expect(firstOf(s.id)).toMatchObject({
        state: 'missed',
        error: expect.stringMatching(/^started \d+ s after its fire time \(catch-up (latest|skip)\)$/),
      });
      expect(await reportsOf([firstOf(s.id).id])).toEqual([]);
    }
    for (const s of schedules) await ctx.schedules.cancel(CLI_ACTOR, s.id);
  }, 90_000);

  it('starts an immediate run queued by an API process at once on a worker polling only every 30 s', async () => {
    // The worker learns of the job through PostgreSQL LISTEN/NOTIFY, not by its poll.
    const worker = await startWorkerProcess({ storeUrl: db.url, name: 'worker-g', pollMs: 30_000, env });
    await sleep(500);
    const queuedAt = Date.now();
    const window = { from: new Date(queuedAt - 86_400_000), to: new Date(queuedAt) };
    const { inspection } = await ctx.inspections.runNow(CLI_ACTOR, {
      instanceIds: [pgInstance],
      tier: 'daily',
      window,
    });
    const done = await waitFor(
      async () => {
        const i = await ctx.inspections.get(inspection.id);
        return i.state === 'succeeded' ? i : undefined;
      },
      20_000,
      'the immediate run to finish',
    );
    await worker.stop();
    expect(done.worker).toBe('worker-g');
    expect(Date.parse(done.startedAt!) - queuedAt).toBeLessThan(5000);
  }, 60_000);
});
