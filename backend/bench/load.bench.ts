import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from '../src/test/pg-fixtures.js';
import { ensureCliBuilt } from '../src/test/worker-process.js';
import { quantile } from './schedules.bench.js';

const CLI = fileURLToPath(new URL('../bin/dbpatrol.js', import.meta.url));
const TOKEN = 'dbp_load_bench_token_0123456789abcdef';
const GOAL_P99_MS = 200;
const FINISHED = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'missed']);

export interface LoadOptions {
  seconds: number;
  clients: number;
  inspections: number;
  /** Inspections run (and finished) before the load, so that lists and details have something to show. */
  seedInspections: number;
  /** Length of each baseline (one client; all clients without inspections). */
  baselineSeconds: number;
}

export interface EndpointResult {
  label: string;
  latencies: number[];
  errors: number;
  /** Up to three distinct error descriptions (status and start of the body, or the network error). */
  errorSamples: string[];
}

/** One stretch of load: its clients, how long it ran, every route's figures and the serve process's CPU use. */
export interface Phase {
  clients: number;
  seconds: number;
  endpoints: EndpointResult[];
  /** CPU time of `dbpatrol serve` (all its threads) per wall second, in percent (200 = both cores). */
  serveCpuPercent: number;
}

export interface StoreLoadResult {
  store: string;
  /** One client, no inspection running. */
  single: Phase;
  /** All clients, no inspection running. */
  idle: Phase;
  /** All clients while the inspections run: the measure with the goal. */
  busy: Phase;
  /** Inspections started during the load / finished by its end / their end states. */
  inspections: { started: number; finishedDuringLoad: number; states: Record<string, number> };
  reportsAtStart: number;
  reportsAtEnd: number;
  /** Resident memory of the serve process at the end of the load, MiB. */
  rssMb: number;
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

const log = (msg: string) => process.stderr.write(`bench load: ${msg}\n`);

interface Reply {
  status: number;
  body: string;
}

/** One request over a keep-alive agent; resolves with the status and the whole body (never rejects on a status). */
function request(
  agent: http.Agent,
  port: number,
  method: string,
  route: string,
  body?: unknown,
  token = TOKEN,
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path: route,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/**
 * `dbpatrol serve` (API and worker in one process, as shipped) on one store. Seeds the local MariaDB and
 * PostgreSQL as instances and a few finished inspections, then `clients` keep-alive clients request the four read
 * routes in turn for `seconds` while `inspections` inspections are posted at an even pace over the first half and
 * run on the same process.
 */
async function loadOneStore(
  store: string,
  env: Record<string, string>,
  o: LoadOptions,
  /** The compose stack's topology: `serve --no-worker` for the API and a separate `worker` process. */
  separateWorker = false,
): Promise<StoreLoadResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-loadbench-'));
  const port = await freePort();
  const childEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DBPATROL_'))),
    DBPATROL_DATA_DIR: dataDir,
    DBPATROL_PORT: String(port),
    DBPATROL_HOST: '127.0.0.1',
    DBPATROL_API_TOKEN: TOKEN,
    DBPATROL_LOG_LEVEL: 'warn',
    DBPATROL_SNAPSHOT_INTERVAL: '1h',
    ...env,
  };
  const child: ChildProcess = spawn(CLI, separateWorker ? ['serve', '--no-worker'] : ['serve'], {
    env: childEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Started once the API is ready, so that one process creates the data directory's key file.
  let worker: ChildProcess | undefined;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients + 4 });
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const r = await request(agent, port, method, `/api/v1${route}`, body);
    if (r.status >= 300) throw new Error(`${store}: ${method} ${route}: ${r.status} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body) as T;
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`${store}: serve exited (${child.exitCode}): ${stderr}`);
      if (i > 240) throw new Error(`${store}: the API did not become ready: ${stderr}`);
      const ok = await request(agent, port, 'GET', '/readyz').then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await sleep(500);
    }
    if (separateWorker) {
      worker = spawn(CLI, ['worker'], {
        env: { ...childEnv, DBPATROL_WORKER_NAME: 'load-bench-worker' },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
    }
    const biz = await call<{ id: string }>('POST', '/businesses', { name: 'load-bench' });
    const host = await call<{ id: string }>('POST', '/hosts', {
      name: 'local',
      businessId: biz.id,
      address: '127.0.0.1',
    });
    const instanceIds = [
      (
        await call<{ id: string }>('POST', '/instances', {
          name: 'mariadb',
          hostId: host.id,
          engine: 'mysql',
          port: 3306,
          user: 'root',
        })
      ).id,
      (
        await call<{ id: string }>('POST', '/instances', {
          name: 'postgres',
          hostId: host.id,
          engine: 'postgres',
          port: 5432,
          user: 'postgres',
        })
      ).id,
    ];
    const waitFinished = async (ids: string[], deadlineMs: number): Promise<Record<string, number>> => {
      const states: Record<string, number> = {};
      for (const id of ids) {
        for (;;) {
          const { state } = await call<{ state: string }>('GET', `/inspections/${id}`);
          if (FINISHED.has(state)) {
            states[state] = (states[state] ?? 0) + 1;
            break;
          }
          if (Date.now() > deadlineMs) {
            states[`unfinished (${state})`] = (states[`unfinished (${state})`] ?? 0) + 1;
            break;
          }
          await sleep(500);
        }
      }
      return states;
    };
    log(`${store}: seeding ${o.seedInspections} inspections`);
    const seeded: string[] = [];
    for (let i = 0; i < o.seedInspections; i++) {
      seeded.push((await call<{ id: string }>('POST', '/inspections', { instanceIds, tier: 'daily' })).id);
    }
    await waitFinished(seeded, Date.now() + 600_000);
    const reportIds = async () =>
      (await call<{ items: { id: string }[] }>('GET', '/reports?limit=100')).items.map((r) => r.id);
    let reports = await reportIds();
    const reportsAtStart = reports.length;
    if (reportsAtStart === 0) throw new Error(`${store}: no report after seeding`);

    // The readers use a stored viewer token, as Grafana's datasource does (each request looks it up in the store).
    const viewer = (await call<{ token: string }>('POST', '/tokens', { name: 'load-bench-viewer', role: 'viewer' }))
      .token;
    const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const datasourceBody = () => ({
      range: { from, to: new Date(Date.now() + 60_000).toISOString() },
      maxDataPoints: 500,
      queries: [
        { refId: 'A', queryType: 'scores' },
        { refId: 'B', queryType: 'findingCounts' },
      ],
    });
    const routes: { label: string; send: (i: number) => Promise<Reply> }[] = [
      {
        label: 'GET /api/v1/reports?limit=50 (report list)',
        send: () => request(agent, port, 'GET', '/api/v1/reports?limit=50', undefined, viewer),
      },
      {
        label: 'GET /api/v1/reports/{id} (report detail)',
        send: (i) => request(agent, port, 'GET', `/api/v1/reports/${reports[i % reports.length]}`, undefined, viewer),
      },
      {
        label: 'GET /api/v1/instances (inventory)',
        send: () => request(agent, port, 'GET', '/api/v1/instances', undefined, viewer),
      },
      {
        label: 'POST /api/v1/grafana/query (datasource: scores + findingCounts, 7 days)',
        send: () => request(agent, port, 'POST', '/api/v1/grafana/query', datasourceBody(), viewer),
      },
    ];
    /** `clients` closed-loop clients over the four routes for `seconds`; the serve process's CPU over that time. */
    const drive = async (clients: number, seconds: number): Promise<Phase> => {
      const results: EndpointResult[] = routes.map((r) => ({
        label: r.label,
        latencies: [],
        errors: 0,
        errorSamples: [],
      }));
      const fail = (k: number, what: string) => {
        const r = results[k]!;
        r.errors++;
        if (r.errorSamples.length < 3 && !r.errorSamples.includes(what)) r.errorSamples.push(what);
      };
      const cpu0 = await cpuSeconds(child.pid!);
      const t0 = Date.now();
      const until = t0 + seconds * 1000;
      let seq = 0;
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          for (let n = c; Date.now() < until; n++) {
            const k = n % routes.length;
            const sent = performance.now();
            try {
              const r = await routes[k]!.send(seq++);
              const ms = performance.now() - sent;
              if (r.status >= 200 && r.status < 300) results[k]!.latencies.push(ms);
              else fail(k, `${r.status} ${r.body.slice(0, 120)}`);
            } catch (err) {
              fail(k, err instanceof Error ? err.message : String(err));
            }
          }
        }),
      );
      const elapsed = (Date.now() - t0) / 1000;
      return {
        clients,
        seconds: elapsed,
        endpoints: results,
        serveCpuPercent: (100 * ((await cpuSeconds(child.pid!)) - cpu0)) / elapsed,
      };
    };

    // Baselines on the same data: one client (the routes' own time), then all clients without inspections.
    log(`${store}: baselines: 1 client, then ${o.clients} clients, ${o.baselineSeconds} s each, no inspection`);
    const single = await drive(1, o.baselineSeconds);
    const idle = await drive(o.clients, o.baselineSeconds);

    log(`${store}: ${o.clients} clients for ${o.seconds} s while ${o.inspections} inspections run`);
    const started = Date.now();
    const end = started + o.seconds * 1000;
    // The inspections: posted at an even pace over the first half, so that they run during the whole load.
    const posted: string[] = [];
    const poster = (async () => {
      const gap = (o.seconds * 1000) / 2 / Math.max(1, o.inspections);
      for (let i = 0; i < o.inspections; i++) {
        posted.push((await call<{ id: string }>('POST', '/inspections', { instanceIds, tier: 'daily' })).id);
        await sleep(Math.max(0, started + (i + 1) * gap - Date.now()));
      }
    })();
    const refresher = (async () => {
      while (Date.now() < end) {
        await sleep(5000);
        reports = await reportIds().catch(() => reports);
      }
    })();
    const busy = await drive(o.clients, o.seconds);
    const rss = await rssMb(child.pid!);
    await poster;
    await refresher;
    const finishedDuringLoad = (
      await Promise.all(posted.map((id) => call<{ state: string }>('GET', `/inspections/${id}`)))
    ).filter((i) => FINISHED.has(i.state)).length;
    log(`${store}: load done; waiting for the inspections to finish`);
    const states = await waitFinished(posted, Date.now() + 600_000);
    const reportsAtEnd = (await call<{ items: unknown[] }>('GET', '/reports?limit=500')).items.length;
    return {
      store,
      single,
      idle,
      busy,
      inspections: { started: posted.length, finishedDuringLoad, states },
      reportsAtStart,
      reportsAtEnd,
      rssMb: rss,
    };
  } finally {
    agent.destroy();
    for (const proc of [child, worker]) {
      if (!proc || proc.exitCode !== null) continue;
      proc.kill('SIGTERM');
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function benchLoad(o: LoadOptions): Promise<StoreLoadResult[]> {
  await ensureCliBuilt();
  const out: StoreLoadResult[] = [];
  const db = await createScratchDatabase('dbpatrol_loadbench');
  try {
    out.push(await loadOneStore('PostgreSQL (local server)', { DBPATROL_STORE_URL: db.url }, o));
  } finally {
    await db.drop();
  }
  // The production topology of docker-compose.yml: the API process does not run inspections itself.
  const split = await createScratchDatabase('dbpatrol_loadbench_split');
  try {
    out.push(
      await loadOneStore(
        'PostgreSQL, API (serve --no-worker) and a worker process',
        { DBPATROL_STORE_URL: split.url },
        o,
        true,
      ),
    );
  } finally {
    await split.drop();
  }
  out.push(await loadOneStore('embedded (PGlite, the default)', {}, o));
  return out;
}

export function formatLoadResults(results: StoreLoadResult[], o: LoadOptions): string {
  const ms = (x: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(x < 10 ? 1 : 0)} ms`);
  const count = (e: EndpointResult) => e.latencies.length + e.errors;
  const lines = [
    '## Load: 50 concurrent readers while inspections run',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- load\` (${o.clients} keep-alive clients, ` +
      `${o.seconds} s, each client requesting the four routes in turn with no pause (a closed loop) with a stored viewer token, as Grafana's datasource does; ${o.inspections} daily ` +
      `inspections of the local MariaDB and PostgreSQL posted at an even pace over the first half and run by the same ` +
      `\`dbpatrol serve\` process (API and worker, as shipped), after ${o.seedInspections} seeded ones). The clients run ` +
      `in the bench process on the same 2 cores as the server, the store and both inspected servers (load average at ` +
      `the start ${os.loadavg()[0]!.toFixed(1)}, other work on the machine included).`,
    '',
    '| store | route | requests | req/s | p50 | p95 | p99 (goal ≤ 200 ms) | errors (goal 0) | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    for (const e of r.busy.endpoints) {
      const p99 = quantile(e.latencies, 0.99);
      const ok = p99 <= GOAL_P99_MS && e.errors === 0;
      lines.push(
        `| ${r.store} | ${e.label} | ${count(e)} | ${(count(e) / r.busy.seconds).toFixed(0)} | ` +
          `${ms(quantile(e.latencies, 0.5))} | ${ms(quantile(e.latencies, 0.95))} | ${ms(p99)} (${(p99 / GOAL_P99_MS).toFixed(2)}×) | ` +
          `${e.errors}${e.errorSamples.length ? ` (${e.errorSamples.map((x) => x.replace(/\|/g, '/')).join('; ')})` : ''} | ${ok ? 'pass' : '**fail**'} |`,
      );
    }
  }
  lines.push(
    '',
    `Where the time goes: the same routes with one client (no inspection: the route's own time), with ${o.clients} clients ` +
      `and no inspection (${o.baselineSeconds} s each), and under the load above; all requests per second over the four ` +
      'routes, and the CPU time of `dbpatrol serve` per second (100 % = one core: its event loop is one thread).',
    '',
    `| store | route | 1 client p50 / p99 | ${o.clients} clients p50 / p99 | + inspections p50 / p99 |`,
    '| --- | --- | --- | --- | --- |',
  );
  for (const r of results) {
    r.busy.endpoints.forEach((e, k) => {
      const a = r.single.endpoints[k]!;
      const b = r.idle.endpoints[k]!;
      const pair = (x: EndpointResult) => `${ms(quantile(x.latencies, 0.5))} / ${ms(quantile(x.latencies, 0.99))}`;
      lines.push(`| ${r.store} | ${e.label} | ${pair(a)} | ${pair(b)} | ${pair(e)} |`);
    });
    const total = (p: Phase) => p.endpoints.reduce((n, e) => n + count(e), 0) / p.seconds;
    lines.push(
      `| ${r.store} | all four: requests/s, serve CPU | ${total(r.single).toFixed(0)}/s, ${r.single.serveCpuPercent.toFixed(0)} % | ` +
        `${total(r.idle).toFixed(0)}/s, ${r.idle.serveCpuPercent.toFixed(0)} % | ${total(r.busy).toFixed(0)}/s, ${r.busy.serveCpuPercent.toFixed(0)} % |`,
    );
  }
  lines.push('');
  for (const r of results) {
    lines.push(
      `- ${r.store}: ${r.inspections.started} inspections posted, ${r.inspections.finishedDuringLoad} finished within the load, ` +
        `end states ${Object.entries(r.inspections.states)
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )}; reports ${r.reportsAtStart} → ${r.reportsAtEnd}; serve resident memory at the end ${r.rssMb} MB.`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * `npm run bench -- load [--seconds 60] [--clients 50] [--inspections 30] [--seed 5] [--baseline-seconds 10] [--record]`.
 */
export async function bench(argv: string[]): Promise<string> {
  const int = (flag: string, fallback: number, min: number): number => {
    const at = argv.indexOf(flag);
    const value = at >= 0 ? Number(argv[at + 1]) : fallback;
    if (!Number.isInteger(value) || value < min) throw new Error(`${flag} takes a whole number ≥ ${min}`);
    return value;
  };
  const o: LoadOptions = {
    seconds: int('--seconds', 60, 1),
    clients: int('--clients', 50, 1),
    inspections: int('--inspections', 30, 0),
    seedInspections: int('--seed', 5, 1),
    baselineSeconds: int('--baseline-seconds', 10, 1),
  };
  return formatLoadResults(await benchLoad(o), o);
}
