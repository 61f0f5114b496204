import { execFile, execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { markBed, sweepOrphanBeds } from './bed-sweep.js';

const run = promisify(execFile);

/** Debian's server binaries; override with DBPATROL_TEST_PG_BIN (a directory holding initdb and pg_ctl). */
export const PG_BIN = process.env.DBPATROL_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throw-away PostgreSQL cluster in a temporary directory, on a free port, with its Unix socket in that directory. */
export interface PgCluster {
  readonly port: number;
  /** The directory holding the data directory and the socket. */
  readonly dir: string;
  /** A connection string for `database` as the cluster's superuser `postgres`, over the Unix socket. */
  url(database?: string): string;
  /** The same over TCP on 127.0.0.1 (for clients that cannot use a socket). */
  tcpUrl(database?: string): string;
  running(): boolean;
  /** `pg_ctl stop -m fast`: sessions are terminated (57P01), as a failover or a maintenance restart does. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops it (immediate) and removes its directory. */
  remove(): Promise<void>;
  /** Runs one statement on a short-lived superuser connection and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
}

/** Server settings written to `postgresql.auto.conf` (they hold at every start), e.g. `{ wal_level: 'logical' }`. */
export type PgSettings = Record<string, string | number | boolean>;

export interface PgClusterOptions {
  /** Prefix of the temporary directory. */
  name?: string;
  /** More settings, e.g. `{ shared_preload_libraries: 'pg_stat_statements', max_wal_senders: 5 }`. */
  settings?: PgSettings;
}

/** A streaming standby of another test cluster (`pg_basebackup -R`). */
export interface PgStandby extends PgCluster {
  readonly primary: PgCluster;
  /** The physical replication slot it streams from, when one was asked for. */
  readonly slot?: string;
  /** Waits until the standby has replayed everything the primary had written when called. */
  sync(timeoutMs?: number): Promise<void>;
}

export interface PgStandbyOptions extends PgClusterOptions {
  /** Streams through a physical replication slot of this name, created on the primary by pg_basebackup (-C -S). */
  slot?: string;
  /** recovery_min_apply_delay, e.g. '30s': a standby that receives but applies late. */
  applyDelay?: string;
}

/** initdb refuses to run as root: when the tests run as root, the cluster's processes run as the `postgres` user. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const live = new Set<string>();
let exitHook = false;

/** Whatever ends the test process, no cluster keeps running or stays on disk. */
function installExitHook(owner: { uid: number; gid: number } | undefined): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const dir of live) {
      try {
        execFileSync(path.join(PG_BIN, 'pg_ctl'), ['stop', '-D', path.join(dir, 'data'), '-m', 'immediate'], {
          stdio: 'ignore',
          ...(owner ?? {}),
        });
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** One `name = 'value'` line per setting; a later value of the same name replaces an earlier one. */
function settingLines(...layers: PgSettings[]): string[] {
  const merged = new Map<string, string>();
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (!/^[a-z_][a-z0-9_.]*$/i.test(key)) throw new Error(`not a setting name: ${key}`);
      const text = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
      merged.delete(key.toLowerCase());
      merged.set(key.toLowerCase(), `${key} = '${text.replaceAll("'", "''")}'`);
    }
  }
  return [...merged.values()];
}

/** The settings of a `postgresql.auto.conf` (as pg_basebackup copied and extended it), in order. */
function parseAutoConf(text: string): PgSettings {
  const settings: PgSettings = {};
  for (const line of text.split('\n')) {
    const m =
      /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=?\s*'((?:[^']|'')*)'\s*$/.exec(line) ??
      /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=?\s*(\S+)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) settings[m[1]!] = m[2]!.replaceAll("''", "'");
  }
  return settings;
}

/** Settings that keep a test cluster small and quick (no durability needed across a machine crash). */
const QUICK: PgSettings = {
  listen_addresses: '127.0.0.1',
  max_connections: 60,
  shared_buffers: '16MB',
  fsync: false,
  synchronous_commit: false,
  full_page_writes: false,
  logging_collector: false,
};

type Owner = { uid: number; gid: number } | undefined;

/** Starts the data directory `dir/data` (its configuration written) and wraps it as a PgCluster. */
async function launch(dir: string, port: number, owner: Owner): Promise<PgCluster> {
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const as = owner ?? {};
  const pgctl = (...args: string[]) => run(path.join(PG_BIN, 'pg_ctl'), args, { ...as, timeout: 60_000 });
  let up = false;
  const start = async () => {
    await pgctl('start', '-D', data, '-l', logFile, '-w', '-t', '60');
    up = true;
  };
  const stop = async () => {
    await pgctl('stop', '-D', data, '-m', 'fast', '-w', '-t', '60');
    up = false;
  };
  try {
    await start();
  } catch (err) {
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const database = (db: string) => `/${encodeURIComponent(db)}`;
  const url = (db = 'postgres') => `postgres://postgres@${encodeURIComponent(dir)}:${port}${database(db)}`;
  return {
    port,
    dir,
    url,
    tcpUrl: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}${database(db)}`,
    running: () => up,
    stop,
    start,
    async remove() {
      if (existsSync(data)) {
        await pgctl('stop', '-D', data, '-m', 'immediate', '-w').catch(() => undefined);
      }
      up = false;
      live.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
    async query<T>(sql: string, values?: unknown[]) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        return (await client.query(sql, values)).rows as T[];
      } finally {
        await client.end();
      }
    },
  };
}

async function writeConf(file: string, lines: string[], owner: Owner): Promise<void> {
  await writeFile(file, ['# Written by the DB Patrol test bed.', ...lines, ''].join('\n'));
  if (owner) await chown(file, owner.uid, owner.gid);
}

/** Creates and starts a cluster. Never touches the shared server on 5432. */
export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const owner = clusterOwner();
  installExitHook(owner);
  sweepOrphanBeds();
  const dir = await mkdtemp(path.join(tmpdir(), `${options.name ?? 'dbpatrol-pgcluster'}-`));
  markBed(dir);
  live.add(dir);
  const data = path.join(dir, 'data');
  const as = owner ?? {};
  let port: number;
  try {
    if (owner) await chown(dir, owner.uid, owner.gid);
    await run(
      path.join(PG_BIN, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      { ...as, timeout: 120_000 },
    );
    port = await freePort();
    await writeConf(
      path.join(data, 'postgresql.auto.conf'),
      settingLines({ port, unix_socket_directories: dir }, QUICK, options.settings ?? {}),
      owner,
    );
  } catch (err) {
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return launch(dir, port, owner);
}

/**
 * A hot standby of `primary`: `pg_basebackup -R -X stream` (with `-C -S slot` when a slot is asked for) into a new
 * temporary directory, started on a free port; returns once it is in recovery and its WAL receiver is streaming.
 * The primary needs wal_level replica or logical (15's default) and a free WAL sender; initdb's pg_hba.conf already
 * trusts local replication connections.
 */
export async function startPgStandby(primary: PgCluster, options: PgStandbyOptions = {}): Promise<PgStandby> {
  const owner = clusterOwner();
  installExitHook(owner);
  sweepOrphanBeds();
  const dir = await mkdtemp(path.join(tmpdir(), `${options.name ?? 'dbpatrol-pgstandby'}-`));
  markBed(dir);
  live.add(dir);
  const data = path.join(dir, 'data');
  const as = owner ?? {};
  let port: number;
  try {
    if (owner) await chown(dir, owner.uid, owner.gid);
    await run(
      path.join(PG_BIN, 'pg_basebackup'),
      [
        '-D',
        data,
        // Over TCP, as a standby on another host would connect (client_addr and sender_host show 127.0.0.1).
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
        '--no-sync',
        ...(options.slot ? ['-C', '-S', options.slot] : []),
      ],
      { ...as, timeout: 120_000 },
    );
    port = await freePort();
    // pg_basebackup copied the primary's postgresql.auto.conf (its port and socket) and added primary_conninfo and
    // primary_slot_name: the standby's own values replace the copied ones instead of following them.
    const autoConf = path.join(data, 'postgresql.auto.conf');
    await writeConf(
      autoConf,
      settingLines(
        parseAutoConf(await readFile(autoConf, 'utf8')),
        { port, unix_socket_directories: dir, hot_standby: true },
        options.applyDelay ? { recovery_min_apply_delay: options.applyDelay } : {},
        options.settings ?? {},
      ),
      owner,
    );
  } catch (err) {
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
    if (options.slot) {
      await primary
        .query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
          options.slot,
        ])
        .catch(() => undefined);
    }
    throw err;
  }
  const cluster = await launch(dir, port, owner);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await cluster.query<{ recovery: boolean; status: string | null }>(
        'SELECT pg_is_in_recovery() AS recovery, (SELECT status FROM pg_stat_wal_receiver) AS status',
      );
      if (row?.recovery && row.status === 'streaming') break;
      if (Date.now() > deadline) {
        throw new Error(`standby not streaming after 60 s (in recovery: ${row?.recovery}, receiver: ${row?.status})`);
      }
      await sleep(100);
    }
  } catch (err) {
    await cluster.remove();
    throw err;
  }
  // The insert position: with synchronous_commit off a commit may not be written yet, the WAL writer sends it soon.
  const sync = async (timeoutMs = 30_000) => {
    const [{ lsn } = { lsn: '' }] = await primary.query<{ lsn: string }>(
      'SELECT pg_current_wal_insert_lsn()::text AS lsn',
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await cluster.query<{ done: boolean }>(
        'SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS done',
        [lsn],
      );
      if (row?.done) return;
      if (Date.now() > deadline) throw new Error(`standby did not replay up to ${lsn} within ${timeoutMs} ms`);
      await sleep(50);
    }
  };
  return { ...cluster, primary, ...(options.slot ? { slot: options.slot } : {}), sync };
}
