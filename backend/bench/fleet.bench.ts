import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MARIADB_ROOT } from '../src/test/mysql-fixtures.js';
import { startMariaDb, type MariaDbServer } from '../src/test/mariadb-server.js';
import { startPgCluster, type PgCluster } from '../src/test/pg-cluster.js';
import { createScratchDatabase, PG_ADMIN_URL } from '../src/test/pg-fixtures.js';
import {
  ensureCliBuilt,
  startApiProcess,
  startWorkerProcess,
  stopAllProcesses,
  type ApiProcess,
  type DbPatrolProcess,
} from '../src/test/worker-process.js';

/** The backend's limits (InstanceInspector defaults): instances at once per worker, and per server per worker. */
const FLEET_LIMIT_PER_WORKER = 8;
const SERVER_LIMIT_PER_WORKER = 2;
const GOAL_WALL_S = 60;
const FINISHED = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'missed']);

export interface FleetOptions {
  /** Instance counts inspected in turn (the largest is the inventory's size). */
  sizes: number[];
  /** Extra PostgreSQL clusters and MariaDB servers started by the bench (besides the two local servers). */
  pgClusters: number;
  mariaDbs: number;
  /** Databases (PostgreSQL) or schemas (MariaDB) per server; instances of a server use them in turn. */
  databasesPerServer: number;
  /** Instances per POST /inspections (the daily inspection of the fleet is posted in chunks both workers claim). */
  chunk: number;
  workers: number;
}

interface Server {
  label: string;
  engine: 'postgres' | 'mariadb';
  port: number;
  /** Every monitoring account of this server's instances starts with it. */
  accountPrefix: string;
  databases: string[];
  /** The distinct monitoring accounts of this server's instances in inspection right now. */
  sample(): Promise<{ accounts: number; sessions: number }>;
  createAccount(user: string): Promise<void>;
  close(): Promise<void>;
}

export interface SizeResult {
  instances: number;
  inspections: number;
  wallMs: number;
  states: Record<string, number>;
  reportStates: Record<string, number>;
  /** Checks that ended in error, with one of their reasons and in how many reports (the most frequent first). */
  checkErrors: { checkId: string; reason: string; reports: number }[];
  /** Per server: the most monitoring accounts seen in inspection at once, and the most sessions. */
  concurrency: { label: string; instances: number; maxAccounts: number; maxSessions: number }[];
  samples: number;
  workerRssMb: { name: string; peak: number; end: number }[];
  store: { commits: number; inserted: number; updated: number; deleted: number };
  perWorker: Record<string, number>;
}

export interface FleetResult {
  options: FleetOptions;
  servers: { label: string; engine: string; databases: number; instances: number }[];
  setupMs: { servers: number; inventory: number };
  sizes: SizeResult[];
  storeRowsPerInstance?: number;
}

const log = (msg: string) => process.stderr.write(`bench fleet: ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function rssMb(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/** A PostgreSQL server (the local one or a throw-away cluster): databases, pg_monitor accounts, pg_stat_activity. */
async function pgServer(
  label: string,
  adminUrl: (db?: string) => string,
  port: number,
  prefix: string,
  databases: number,
  shared: boolean,
  into: Server[],
): Promise<void> {
  const admin = new pg.Pool({ connectionString: adminUrl('postgres'), max: 1 });
  admin.on('error', () => undefined);
  const dbs: string[] = [];
  const accounts: string[] = [];
  const server: Server = {
    label,
    engine: 'postgres',
    port,
    accountPrefix: prefix,
    databases: dbs,
    async sample() {
      const { rows } = await admin.query<{ accounts: number; sessions: number }>(
        `SELECT count(DISTINCT usename)::int AS accounts, count(*)::int AS sessions FROM pg_stat_activity
         WHERE usename LIKE $1`,
        [`${prefix}\\_u%`],
      );
      return rows[0]!;
    },
    async createAccount(user: string) {
      accounts.push(user);
      await admin.query(`CREATE ROLE ${quoteIdent(user)} LOGIN IN ROLE pg_monitor`);
    },
    async close() {
      if (shared) {
        for (const db of dbs) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`);
        for (const user of accounts) await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(user)}`);
      }
      await admin.end();
    },
  };
  into.push(server);
  for (let i = 0; i < databases; i++) {
    const name = `${prefix}_db${String(i).padStart(2, '0')}`;
    dbs.push(name);
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    // Something in each database, so that the database-scope checks have a table to read.
    const c = new pg.Client({ connectionString: adminUrl(name) });
    await c.connect();
    try {
      await c.query(`CREATE TABLE t (id int PRIMARY KEY, v text);
        INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 200) g; CREATE INDEX t_v ON t (v); ANALYZE t`);
    } finally {
      await c.end();
    }
  }
}

/** A MariaDB server (the local one or a throw-away one): schemas, monitoring accounts, PROCESSLIST. */
async function mariaServer(
  label: string,
  options: mysql.PoolOptions,
  prefix: string,
  databases: number,
  shared: boolean,
  into: Server[],
): Promise<void> {
  const admin = mysql.createPool({ ...options, connectionLimit: 1 });
  const dbs: string[] = [];
  const accounts: string[] = [];
  const server: Server = {
    label,
    engine: 'mariadb',
    port: options.port!,
    accountPrefix: prefix,
    databases: dbs,
    async sample() {
      const [rows] = await admin.query(
        `SELECT COUNT(DISTINCT USER) AS accounts, COUNT(*) AS sessions FROM information_schema.PROCESSLIST
         WHERE USER LIKE ?`,
        [`${prefix}\\_u%`],
      );
      const r = (rows as { accounts: number | string; sessions: number | string }[])[0]!;
      return { accounts: Number(r.accounts), sessions: Number(r.sessions) };
    },
    async createAccount(user: string) {
      accounts.push(user);
      await admin.query(`CREATE USER ?@'%'`, [user]);
      await admin.query(`GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT, SHOW VIEW ON *.* TO ?@'%'`, [user]);
    },
    async close() {
      if (shared) {
        for (const db of dbs) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
        for (const user of accounts) await admin.query(`DROP USER IF EXISTS ?@'%'`, [user]);
      }
      await admin.end();
    },
  };
  into.push(server);
  for (let i = 0; i < databases; i++) {
    const name = `${prefix}_db${String(i).padStart(2, '0')}`;
    dbs.push(name);
    await admin.query(`CREATE DATABASE \`${name}\``);
    await admin.query(`CREATE TABLE \`${name}\`.t (id int PRIMARY KEY, v varchar(64), KEY (v)) ENGINE=InnoDB`);
    await admin.query(`INSERT INTO \`${name}\`.t SELECT seq, md5(seq) FROM \`${name}\`.seq_1_to_200`);
  }
}

/**
 * A fleet of `max(sizes)` inventory instances over the two local servers and the throw-away PostgreSQL clusters and
 * MariaDB servers the bench starts: each instance is one server with a database (schema) of its own among
 * `databasesPerServer` and a monitoring account of its own (so that the servers' session lists show which instances
 * are in inspection). Two `dbpatrol worker` processes and a `serve --no-worker` on a fresh PostgreSQL store; for each
 * size, the first N instances get a daily inspection posted in chunks, timed to the last one finished, while each
 * server's sessions are sampled.
 */
export async function benchFleet(o: FleetOptions): Promise<FleetResult> {
  await ensureCliBuilt();
  const prefix = `flb${randomBytes(3).toString('hex')}`;
  const total = Math.max(...o.sizes);
  const clusters: PgCluster[] = [];
  const mariadbs: MariaDbServer[] = [];
  const servers: Server[] = [];
  const procs: DbPatrolProcess[] = [];
  const db = await createScratchDatabase('dbpatrol_fleetbench');
  const storeSql = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    const serversStarted = Date.now();
    log(`starting ${o.pgClusters} PostgreSQL clusters and ${o.mariaDbs} MariaDB servers`);
    const [pgs, mds] = await Promise.all([
      Promise.all(
        Array.from({ length: o.pgClusters }, (_, i) =>
          startPgCluster({ name: `dbpatrol-fleet-pg${i}`, settings: { max_connections: 200 } }),
        ),
      ),
      Promise.all(
        Array.from({ length: o.mariaDbs }, (_, i) =>
          startMariaDb({ name: `dbpatrol-fleet-my${i}`, settings: { max_connections: 300 } }),
        ),
      ),
    ]);
    clusters.push(...pgs);
    mariadbs.push(...mds);
    log('creating databases, schemas and accounts');
    await pgServer(
      'local PostgreSQL :5432',
      (d = 'postgres') => {
        const u = new URL(PG_ADMIN_URL);
        u.pathname = `/${d}`;
        return u.toString();
      },
      Number(new URL(PG_ADMIN_URL).port || 5432),
      `${prefix}a`,
      o.databasesPerServer,
      true,
      servers,
    );
    await mariaServer(
      'local MariaDB :3306',
      { host: MARIADB_ROOT.host, port: MARIADB_ROOT.port, user: MARIADB_ROOT.user, password: MARIADB_ROOT.password },
      `${prefix}b`,
      o.databasesPerServer,
      true,
      servers,
    );
    for (const [i, c] of clusters.entries()) {
      await pgServer(
        `PostgreSQL cluster :${c.port}`,
        c.url,
        c.port,
        `${prefix}p${i}`,
        o.databasesPerServer,
        false,
        servers,
      );
    }
    for (const [i, m] of mariadbs.entries()) {
      await mariaServer(
        `MariaDB server :${m.port}`,
        m.connectionOptions() as mysql.PoolOptions,
        `${prefix}m${i}`,
        o.databasesPerServer,
        false,
        servers,
      );
    }
    const setupServersMs = Date.now() - serversStarted;

    const env = { DBPATROL_SNAPSHOT_INTERVAL: '1h', DBPATROL_SECRET_KEY: randomBytes(32).toString('base64') };
    const api: ApiProcess = await startApiProcess({
      storeUrl: db.url,
      name: 'fleet-api',
      logLevel: 'warn',
      env,
      readyTimeoutMs: 120_000,
    });
    procs.push(api);
    const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
      const r = await api.call(method, `/api/v1${route}`, body);
      if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as T;
    };
    log(`creating ${total} instances`);
    const inventoryStarted = Date.now();
    const biz = await call<{ id: string }>('POST', '/businesses', { name: 'fleet' });
    const host = await call<{ id: string }>('POST', '/hosts', {
      name: 'fleet',
      businessId: biz.id,
      address: '127.0.0.1',
    });
    // Instance k on server k mod S: every prefix of the list spreads over every server.
    const instances: { id: string; server: Server }[] = [];
    for (let k = 0; k < total; k++) {
      const server = servers[k % servers.length]!;
      const n = Math.floor(k / servers.length);
      const account = `${server.accountPrefix}_u${String(k).padStart(4, '0')}`;
      await server.createAccount(account);
      const created = await call<{ id: string }>('POST', '/instances', {
        name: `fleet-${String(k).padStart(4, '0')}`,
        hostId: host.id,
        engine: server.engine,
        port: server.port,
        user: account,
        database: server.databases[n % server.databases.length],
        labels: { bench: 'fleet' },
      });
      instances.push({ id: created.id, server });
    }
    const setupInventoryMs = Date.now() - inventoryStarted;
    log(`inventory ready in ${(setupInventoryMs / 1000).toFixed(1)} s; starting ${o.workers} workers`);
    const workers = await Promise.all(
      Array.from({ length: o.workers }, (_, i) =>
        startWorkerProcess({
          storeUrl: db.url,
          name: `fleet-w${i + 1}`,
          logLevel: 'info',
          env,
          readyTimeoutMs: 120_000,
        }),
      ),
    );
    procs.push(...workers);
    // The workers' start-up work (reconcile, a first round of counter snapshots of every instance) is not the
    // inspection's: wait until the store has had no write for 3 s (at most a minute).
    const written = async () =>
      Number(
        (
          await storeSql.query<{ n: string }>(
            `SELECT tup_inserted + tup_updated + tup_deleted AS n FROM pg_stat_database WHERE datname = current_database()`,
          )
        ).rows[0]!.n,
      );
    for (let last = -1, quietSince = Date.now(), t0 = Date.now(); Date.now() - t0 < 60_000; await sleep(1000)) {
      const now = await written();
      if (now !== last) quietSince = Date.now();
      else if (Date.now() - quietSince >= 3000) break;
      last = now;
    }

    const sizes: SizeResult[] = [];
    for (const size of o.sizes) {
      const subset = instances.slice(0, size);
      const stats = async () =>
        (
          await storeSql.query<{ commits: string; inserted: string; updated: string; deleted: string }>(
            `SELECT xact_commit AS commits, tup_inserted AS inserted, tup_updated AS updated, tup_deleted AS deleted
             FROM pg_stat_database WHERE datname = current_database()`,
          )
        ).rows[0]!;
      await sleep(1500);
      const before = await stats();
      const peak = new Map<Server, { accounts: number; sessions: number }>(
        servers.map((s) => [s, { accounts: 0, sessions: 0 }]),
      );
      const rss = new Map(workers.map((w) => [w.name, 0]));
      let sampling = true;
      let samples = 0;
      const sampler = (async () => {
        while (sampling) {
          await Promise.all(
            servers.map(async (s) => {
              const now = await s.sample().catch(() => ({ accounts: 0, sessions: 0 }));
              const p = peak.get(s)!;
              p.accounts = Math.max(p.accounts, now.accounts);
              p.sessions = Math.max(p.sessions, now.sessions);
            }),
          );
          for (const w of workers) rss.set(w.name, Math.max(rss.get(w.name)!, await rssMb(w.pid)));
          samples++;
          await sleep(100);
        }
      })();

      log(`${size} instances: posting the daily inspection in chunks of ${o.chunk}`);
      const started = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < subset.length; i += o.chunk) {
        const chunk = subset.slice(i, i + o.chunk).map((x) => x.id);
        ids.push((await call<{ id: string }>('POST', '/inspections', { instanceIds: chunk, tier: 'daily' })).id);
      }
      // Progress read from the store in one query per poll (not through the API: the store's counters are measured).
      let benchQueries = 0;
      let rows: { state: string; worker: string | null; finished: string | null }[] = [];
      for (;;) {
        if (Date.now() - started > 1_800_000) throw new Error(`${size} instances: not finished in 30 minutes`);
        await sleep(250);
        rows = (
          await storeSql.query<{ state: string; worker: string | null; finished: string | null }>(
            `SELECT state, document->>'worker' AS worker, document->>'finishedAt' AS finished
             FROM inspections WHERE id = ANY($1)`,
            [ids],
          )
        ).rows;
        benchQueries++;
        if (rows.length === ids.length && rows.every((r) => FINISHED.has(r.state))) break;
      }
      const states: Record<string, number> = {};
      const perWorker: Record<string, number> = {};
      let lastFinish = started;
      for (const r of rows) {
        states[r.state] = (states[r.state] ?? 0) + 1;
        if (r.worker) perWorker[r.worker] = (perWorker[r.worker] ?? 0) + 1;
        lastFinish = Math.max(lastFinish, r.finished ? Date.parse(r.finished) : Date.now());
      }
      const wallMs = lastFinish - started;
      sampling = false;
      await sampler;
      const workerRssEnd = await Promise.all(workers.map((w) => rssMb(w.pid)));
      await sleep(1500);
      const after = await stats();
      const { rows: reportRows } = await storeSql.query<{ state: string; n: string }>(
        `SELECT CASE WHEN NOT (document->>'reachable')::boolean THEN 'unreachable'
                     WHEN document->'checks' @> '[{"status":"error"}]' THEN 'with a check in error'
                     ELSE 'every check ran' END AS state, count(*) AS n
         FROM reports WHERE inspection_id = ANY($1) GROUP BY 1`,
        [ids],
      );
      const { rows: errorRows } = await storeSql.query<{ engine: string; check_id: string; reason: string; n: string }>(
        `SELECT i.engine, c->>'checkId' AS check_id, min(c->'reason'->>'en') AS reason, count(*) AS n
         FROM reports r JOIN LATERAL jsonb_array_elements(r.document->'checks') c ON true
         JOIN LATERAL (SELECT CASE WHEN c->>'checkId' LIKE 'postgres.%' THEN 'postgres' ELSE 'mysql' END AS engine) i ON true
         WHERE r.inspection_id = ANY($1) AND c->>'status' = 'error'
         GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 12`,
        [ids],
      );
      const perServer = new Map<Server, number>();
      for (const x of subset) perServer.set(x.server, (perServer.get(x.server) ?? 0) + 1);
      sizes.push({
        instances: size,
        inspections: ids.length,
        wallMs,
        states,
        reportStates: Object.fromEntries(reportRows.map((r) => [r.state, Number(r.n)])),
        checkErrors: errorRows.map((r) => ({ checkId: r.check_id, reason: r.reason, reports: Number(r.n) })),
        concurrency: servers.map((s) => ({
          label: s.label,
          instances: perServer.get(s) ?? 0,
          maxAccounts: peak.get(s)!.accounts,
          maxSessions: peak.get(s)!.sessions,
        })),
        samples,
        workerRssMb: workers.map((w, i) => ({ name: w.name, peak: rss.get(w.name)!, end: workerRssEnd[i]! })),
        store: {
          // Less the bench's own reads of the store (progress polls, the statistics before).
          commits: Number(after.commits) - Number(before.commits) - benchQueries - 1,
          inserted: Number(after.inserted) - Number(before.inserted),
          updated: Number(after.updated) - Number(before.updated),
          deleted: Number(after.deleted) - Number(before.deleted),
        },
        perWorker,
      });
      log(`${size} instances: ${(wallMs / 1000).toFixed(1)} s`);
    }
    return {
      options: o,
      servers: servers.map((s) => ({
        label: s.label,
        engine: s.engine,
        databases: s.databases.length,
        instances: instances.filter((x) => x.server === s).length,
      })),
      setupMs: { servers: setupServersMs, inventory: setupInventoryMs },
      sizes,
    };
  } finally {
    for (const p of procs.reverse()) await p.stop(30_000).catch(() => undefined);
    await stopAllProcesses();
    for (const s of servers) await s.close().catch((err: unknown) => log(`cleanup ${s.label}: ${String(err)}`));
    await Promise.all([...clusters.map((c) => c.remove()), ...mariadbs.map((m) => m.remove())]);
    await storeSql.end();
    await db.drop();
  }
}

export function formatFleetResults(r: FleetResult): string {
  const o = r.options;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const serverLimit = SERVER_LIMIT_PER_WORKER * o.workers;
  const lines = [
    '## Fleet scale: a daily inspection of 500 instances over 8 servers',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- fleet\`: ${r.servers.length} servers on this ` +
      `machine (the local PostgreSQL and MariaDB, ${o.pgClusters} throw-away PostgreSQL 15 clusters and ${o.mariaDbs} ` +
      `MariaDB 10.11 servers started by the bench), each with ${o.databasesPerServer} databases (schemas) holding a table; ` +
      `instance k is server k mod ${r.servers.length} with a database of its own among them and a monitoring account of its ` +
      `own (pg_monitor; PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SELECT, SHOW VIEW), so a server's session list shows which instances are in ` +
      `inspection. ${o.workers} \`dbpatrol worker\` processes and a \`serve --no-worker\` on a fresh PostgreSQL store (the ` +
      `local server), product defaults: at most ${FLEET_LIMIT_PER_WORKER} instances at once and ${SERVER_LIMIT_PER_WORKER} ` +
      `per server per worker (so ≤ ${serverLimit} per server with ${o.workers} workers). For each size the first N ` +
      `instances get a daily inspection through \`POST /api/v1/inspections\`, ${o.chunk} instances per request, timed ` +
      `from the first request to the last inspection finished; each server's sessions of the fleet's accounts are ` +
      `sampled every ~100 ms. Setup: servers, databases and accounts ${s(r.setupMs.servers)}, ${r.sizes.at(-1)?.instances ?? 0} ` +
      `instances through the API ${s(r.setupMs.inventory)}.`,
    '',
    `| instances | inspections (requests) | wall time (goal ≤ ${GOAL_WALL_S} s at 500) | per instance | inspection states | reports | max instances in inspection on one server (limit ${serverLimit}) | worker RSS peak / end | store commits per instance | store rows written per instance (ins + upd + del) | per worker |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const z of r.sizes) {
    const maxAcc = Math.max(...z.concurrency.map((c) => c.maxAccounts));
    const over = z.concurrency.filter((c) => c.maxAccounts > serverLimit);
    const goal = z.instances >= 500 ? (z.wallMs <= GOAL_WALL_S * 1000 ? ' pass' : ' **fail**') : '';
    lines.push(
      `| ${z.instances} | ${z.inspections} | ${s(z.wallMs)}${goal} | ${(z.wallMs / z.instances).toFixed(0)} ms | ` +
        `${Object.entries(z.states)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} | ${Object.entries(z.reportStates)
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )} | ${maxAcc}${over.length ? ` **over on ${over.map((c) => c.label).join(', ')}**` : ' (never over)'} | ` +
        `${z.workerRssMb.map((w) => `${w.peak} / ${w.end} MB`).join(', ')} | ${(z.store.commits / z.instances).toFixed(1)} | ` +
        `${((z.store.inserted + z.store.updated + z.store.deleted) / z.instances).toFixed(1)} (${z.store.inserted} + ${z.store.updated} + ${z.store.deleted}) | ` +
        `${Object.entries(z.perWorker)
          .sort()
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} |`,
    );
  }
  const last = r.sizes.at(-1);
  if (last) {
    lines.push(
      '',
      `Per server at ${last.instances} instances (${last.samples} samples): ` +
        last.concurrency
          .map(
            (c) =>
              `${c.label}: ${c.instances} instances, at most ${c.maxAccounts} in inspection at once (${c.maxSessions} sessions)`,
          )
          .join('; ') +
        '.',
    );
  }
  if (last?.checkErrors.length) {
    lines.push(
      '',
      `Checks in error at ${last.instances} instances (the monitoring accounts hold monitoring privileges only): ` +
        last.checkErrors.map((e) => `${e.checkId} in ${e.reports} reports (${e.reason})`).join('; ') +
        '.',
    );
  }
  if (r.sizes.length > 1) {
    const first = r.sizes[0]!;
    lines.push(
      '',
      `Growth: ${r.sizes
        .map(
          (z) =>
            `${z.instances} → ${s(z.wallMs)} (${(z.wallMs / first.wallMs).toFixed(1)}× for ${(z.instances / first.instances).toFixed(0)}× the instances)`,
        )
        .join(', ')}.`,
    );
  }
  return lines.join('\n') + '\n';
}

/** `npm run bench -- fleet [--sizes 50,200,500] [--pg-clusters 3] [--mariadbs 3] [--databases 6] [--chunk 25] [--record]`. */
export async function bench(argv: string[]): Promise<string> {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const int = (flag: string, fallback: number, min: number): number => {
    const v = value(flag);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes a whole number ≥ ${min}`);
    return n;
  };
  const sizes = (value('--sizes') ?? '50,200,500').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes takes whole numbers, e.g. 50,200,500');
  const o: FleetOptions = {
    sizes: [...sizes].sort((a, b) => a - b),
    pgClusters: int('--pg-clusters', 3, 0),
    mariaDbs: int('--mariadbs', 3, 0),
    databasesPerServer: int('--databases', 6, 1),
    chunk: int('--chunk', 25, 1),
    workers: 2,
  };
  return formatFleetResults(await benchFleet(o));
}
