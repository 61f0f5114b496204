import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../test/pg-fixtures.js';
import { startSilentServer, waitFor } from '../test/silent-server.js';
import {
  ensureCliBuilt,
  startApiProcess,
  startWorkerProcess,
  stopAllProcesses,
  type ApiProcess,
  type DbPatrolProcess,
} from '../test/worker-process.js';

/**
 * SIGTERM drains, on real child processes (`dbpatrol serve --no-worker` and `dbpatrol worker` on a PostgreSQL store):
 * sent while an inspection runs (one of its targets hangs for the connect timeout), the API stops listening and the
 * worker takes no new job, finishes the one it runs, and both exit 0 within the bound; nothing is left `running`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const CONNECT_TIMEOUT_MS = 6000;
const DRAIN_BOUND_MS = 30_000;

describe('SIGTERM drains dbpatrol serve and worker', () => {
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let api: ApiProcess;
  let worker: DbPatrolProcess;
  const env = { DBPATROL_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) };

  beforeAll(async () => {
    await ensureCliBuilt();
    db = await createScratchDatabase('dbpatrol_sigterm');
    silent = await startSilentServer();
    api = await startApiProcess({ storeUrl: db.url, env });
    worker = await startWorkerProcess({ storeUrl: db.url, pollMs: 500, env });
  }, 400_000); // the first run may compile the backend (ensureCliBuilt), slow on a busy machine
  afterAll(async () => {
    await stopAllProcesses();
    await silent?.close();
    await db?.drop();
  });

  it('finishes the running inspection, loses nothing, and exits 0 in time', { timeout: 120_000 }, async () => {
    const post = async (route: string, body: unknown) => (await api.call('POST', `/api/v1${route}`, body)).body as Json;
    const biz = await post('/businesses', { name: 'sigterm' });
    const host = await post('/hosts', { name: 'sigterm-host', businessId: biz.id, address: '127.0.0.1' });
    const pgInst = await post('/instances', {
      name: 'sigterm-pg',
      hostId: host.id,
      engine: 'postgres',
      port: 5432,
      user: 'postgres',
    });
    const hung = await post('/instances', {
      name: 'sigterm-hung',
      hostId: host.id,
      engine: 'mariadb',
      port: silent.port,
      user: 'nobody',
    });
    const run = await post('/inspections', { instanceIds: [pgInst.id, hung.id], tier: 'daily' });
    await waitFor(
      async () => ((await api.call('GET', `/api/v1/inspections/${run.id}`)).body as Json).state === 'running',
      30_000,
      'the inspection to start',
    );
    // A second inspection behind it.
    const queued = await post('/inspections', { instanceIds: [pgInst.id], tier: 'daily' });

    const t0 = Date.now();
    const [apiExit, workerExit] = await Promise.all([api.stop(DRAIN_BOUND_MS), worker.stop(DRAIN_BOUND_MS)]);
    const drainMs = Date.now() - t0;
    console.info(`SIGTERM drain: api and worker exited after ${drainMs} ms`);
    expect(apiExit).toEqual({ code: 0, signal: null });
    expect(workerExit).toEqual({ code: 0, signal: null });
    expect(drainMs).toBeLessThan(DRAIN_BOUND_MS);
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    expect(worker.lines.some((l) => l.json?.msg?.toString().startsWith('draining'))).toBe(true);

    // A fresh API reads what the drained worker left: the running inspection finished.
    const after = await startApiProcess({ storeUrl: db.url, env });
    const first = (await after.call('GET', `/api/v1/inspections/${run.id}`)).body as Json;
    expect(['partial', 'failed', 'succeeded']).toContain(first.state);
    const byName = Object.fromEntries(first.progress.map((p: { instanceName: string }) => [p.instanceName, p]));
    expect(byName['sigterm-hung']).toMatchObject({ state: 'failed', error: 'instance unreachable' });
    expect(byName['sigterm-pg']).toMatchObject({ state: 'done', reportId: expect.any(String) });
    // The second one either ran on the draining worker before the signal (it runs several at once) or is still
    // queued: never stuck `running`, never lost — a new worker runs whatever is left.
    const next = await startWorkerProcess({ storeUrl: db.url, pollMs: 500, env });
    await waitFor(
      async () =>
        ['succeeded', 'partial'].includes(
          ((await after.call('GET', `/api/v1/inspections/${queued.id}`)).body as Json).state,
        ),
      60_000,
      'the second inspection to have run',
    );
    expect(await next.stop(DRAIN_BOUND_MS)).toEqual({ code: 0, signal: null });
    expect(await after.stop(DRAIN_BOUND_MS)).toEqual({ code: 0, signal: null });
  });
});
