import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from '../src/test/pg-fixtures.js';

const CLI = fileURLToPath(new URL('../bin/dbpatrol.js', import.meta.url));
const TOKEN = 'dbp_memory_bench_token_0123456789';
const GOAL_MB = 250;

export interface MemoryResult {
  store: string;
  idleMb: number;
  busyMb: number;
  peakMb: number;
  inspectionMs: number;
  state: string;
  /** After-inspection RSS of every run, when several were made. */
  runs?: number[];
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Resident and peak resident memory of a process, in MiB (Linux /proc). */
async function rssOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

async function api<T>(base: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * V8's young generation grows to 16 MB semi-spaces under the inspection's allocation churn and keeps them; 1 MB ones
 * cost a little more minor GC and save ~20 MB resident. `dbpatrol` (its shebang) and `npm run demo` run with it.
 */
export const SMALL_YOUNG_GENERATION = '--max-semi-space-size=1';

async function measure(store: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<MemoryResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-membench-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, CLI, 'serve'], {
    env: {
      ...process.env,
      DBPATROL_DATA_DIR: dataDir,
      DBPATROL_PORT: String(port),
      DBPATROL_API_TOKEN: TOKEN,
      DBPATROL_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 240) throw new Error(`${store}: the API did not become ready`);
      const ok = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(500);
    }
    await sleep(3000);
    const idle = await rssOf(child.pid!);
    const biz = await api<{ id: string }>(base, 'POST', '/businesses', { name: 'bench' });
    const host = await api<{ id: string }>(base, 'POST', '/hosts', {
      name: 'local',
      businessId: biz.id,
      address: '127.0.0.1',
    });
    const instances = [
      { name: 'mariadb', hostId: host.id, engine: 'mysql', port: 3306, user: 'root' },
      { name: 'postgres', hostId: host.id, engine: 'postgres', port: 5432, user: 'postgres' },
    ];
    const ids: string[] = [];
    for (const i of instances) ids.push((await api<{ id: string }>(base, 'POST', '/instances', i)).id);
    const t0 = Date.now();
    const run = await api<{ id: string }>(base, 'POST', '/inspections', { instanceIds: ids, tier: 'weekly' });
    let state = 'queued';
    let peakSeen = idle.rss;
    while (!['succeeded', 'partial', 'failed', 'cancelled'].includes(state)) {
      if (Date.now() - t0 > 300_000) throw new Error(`${store}: the inspection did not finish in 5 minutes`);
      await sleep(250);
      peakSeen = Math.max(peakSeen, (await rssOf(child.pid!)).rss);
      state = (await api<{ state: string }>(base, 'GET', `/inspections/${run.id}`)).state;
    }
    const inspectionMs = Date.now() - t0;
    await sleep(2000);
    const busy = await rssOf(child.pid!);
    return { store, idleMb: idle.rss, busyMb: busy.rss, peakMb: Math.max(busy.peak, peakSeen), inspectionMs, state };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The run with the median resident memory after the inspection (RSS varies by tens of MB with GC timing). */
async function median(runs: number, once: () => Promise<MemoryResult>): Promise<MemoryResult> {
  const all: MemoryResult[] = [];
  for (let i = 0; i < runs; i++) all.push(await once());
  all.sort((a, b) => a.busyMb - b.busyMb);
  return { ...all[Math.floor((all.length - 1) / 2)]!, runs: all.map((r) => r.busyMb) };
}

/**
 * `dbpatrol serve` (API and worker in one process) idle and after a weekly inspection of the local servers, each
 * configuration started `runs` times (median shown, every run's figure beside it).
 */
export async function benchMemory(runs = 3): Promise<MemoryResult[]> {
  const results = [
    await median(runs, () =>
      measure(`embedded (PGlite), node ${SMALL_YOUNG_GENERATION} as shipped`, {}, [SMALL_YOUNG_GENERATION]),
    ),
    await median(runs, () => measure('embedded (PGlite), node defaults', {})),
  ];
  results.push(
    await median(runs, async () => {
      const db = await createScratchDatabase('dbpatrol_membench');
      try {
        return await measure('PostgreSQL (local server)', { DBPATROL_STORE_URL: db.url });
      } finally {
        await db.drop();
      }
    }),
  );
  return results;
}

export function formatMemoryResults(results: MemoryResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.store} | ${r.idleMb} MB | ${r.busyMb} MB${r.runs && r.runs.length > 1 ? ` (runs: ${r.runs.join(', ')})` : ''} | ${r.peakMb} MB | ${(r.inspectionMs / 1000).toFixed(1)} s (${r.state}) | ${
        r.store.includes('as shipped')
          ? r.busyMb <= GOAL_MB
            ? `≤ ${GOAL_MB} MB: met`
            : `≤ ${GOAL_MB} MB: MISSED`
          : '–'
      } |`,
  );
  return [
    '## Memory of `dbpatrol serve` (API + worker), idle and after a weekly inspection of the local MariaDB and PostgreSQL',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- memory\`: resident set (VmRSS) 3 s after`,
    'start, 2 s after the inspection finished, and the peak (VmHWM) over the whole run, each configuration started',
    'several times (the median run shown, every run after its inspection in brackets); the PostgreSQL store is the',
    'baseline measured in the same run.',
    '',
    '| store | idle | after a weekly inspection | peak | inspection | goal (embedded, after) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
