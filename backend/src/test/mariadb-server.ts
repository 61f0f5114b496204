import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import { markBed, sweepOrphanBeds } from './bed-sweep.js';

const run = promisify(execFile);

/** Debian's server binary; override with DBPATROL_TEST_MARIADBD. */
export const MARIADBD = process.env.DBPATROL_TEST_MARIADBD ?? '/usr/sbin/mariadbd';
/** Debian's bootstrap script; override with DBPATROL_TEST_MARIADB_INSTALL_DB. */
export const MARIADB_INSTALL_DB = process.env.DBPATROL_TEST_MARIADB_INSTALL_DB ?? '/usr/bin/mariadb-install-db';

/** Server options: `--name=value`; `true` gives `--name`, `false` gives `--skip-name`. */
export type MariaDbSettings = Record<string, string | number | boolean>;

export interface MariaDbOptions {
  /** Prefix of the temporary directory (shows in `ps` and in /tmp). */
  name?: string;
  /** performance_schema=ON (the default here is OFF: it costs memory and start time). */
  performanceSchema?: boolean;
  /** A binary log (ROW format) in the data directory, so the server can be a primary. */
  binlog?: boolean;
  /** server_id; a unique one is chosen when absent. */
  serverId?: number;
  /** More server options, given on the command line at every start (e.g. `{ 'slave-skip-errors': '1062' }`). */
  settings?: MariaDbSettings;
  /** When given, root gets this password (TCP and socket); otherwise root has an empty password. */
  rootPassword?: string;
}

/** A throw-away `mariadbd` in a temporary directory: own datadir, port on 127.0.0.1 and socket. */
export interface MariaDbServer {
  readonly port: number;
  readonly host: '127.0.0.1';
  /** The directory holding the data directory, the socket, the error log and the pid file. */
  readonly dir: string;
  readonly dataDir: string;
  readonly socket: string;
  readonly errorLog: string;
  readonly serverId: number;
  readonly user: 'root';
  /** Root's password ('' unless `rootPassword` was given). */
  readonly password: string;
  /** `mariadb://root:…@127.0.0.1:port/db` */
  url(database?: string): string;
  /** mysql2 options for root over TCP. */
  connectionOptions(database?: string): ConnectionOptions;
  /** A new root connection over TCP (the caller ends it). */
  connect(database?: string): Promise<Connection>;
  /** Runs one statement on a short-lived root connection and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  running(): boolean;
  /** SIGTERM (a clean shutdown) and waits until the process has exited. */
  stop(): Promise<void>;
  /** Starts it again with the same options and port and waits until it accepts connections. */
  start(): Promise<void>;
  /** Kills it (if running) and removes its directory. */
  remove(): Promise<void>;
}

export interface MariaDbReplica extends MariaDbServer {
  readonly primary: MariaDbServer;
  /** The account (on the primary, host 127.0.0.1) the replica connects with; its password is not exposed. */
  readonly replicationUser: string;
  /** Waits until the replica has applied everything the primary has binlogged so far. */
  sync(timeoutSeconds?: number): Promise<void>;
  /** SHOW SLAVE STATUS as one row (empty object when the server is no replica). */
  slaveStatus(): Promise<Record<string, unknown>>;
}

export interface MariaDbReplicaOptions extends Omit<MariaDbOptions, 'binlog'> {
  /** The replica's own binary log (log_slave_updates too), e.g. for chained replicas. Default off. */
  binlog?: boolean;
  /** MASTER_USE_GTID mode (default slave_pos). */
  useGtid?: 'slave_pos' | 'current_pos';
  /** MASTER_DELAY in seconds: a delayed SQL thread. */
  delaySeconds?: number;
}

/** mariadbd refuses to run as root unless told which user to switch to: as root, the server runs as `mysql`. */
function serverOwner(): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'mysql']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'mysql']).toString().trim());
  return { uid, gid, name: 'mysql' };
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

/** Running servers and their directories: killed and removed whatever ends the test process. */
const live = new Map<string, { process?: ChildProcess }>();
let exitHook = false;

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const [dir, entry] of live) {
      if (entry.process?.pid && entry.process.exitCode === null && entry.process.signalCode === null) {
        try {
          process.kill(entry.process.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

let nextServerId = 1000 + (process.pid % 1000) * 10;

function optionArgs(settings: MariaDbSettings): string[] {
  return Object.entries(settings).map(([key, value]) => {
    const name = key.replaceAll('_', '-');
    if (value === true) return `--${name}`;
    if (value === false) return `--skip-${name}`;
    return `--${name}=${value}`;
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no error log)';
  }
}

/** Creates (mariadb-install-db) and starts a server. Never touches the shared server on 3306. */
export async function startMariaDb(options: MariaDbOptions = {}): Promise<MariaDbServer> {
  const owner = serverOwner();
  installExitHook();
  sweepOrphanBeds();
  const dir = await mkdtemp(path.join(tmpdir(), `${options.name ?? 'dbpatrol-mariadb'}-`));
  markBed(dir);
  live.set(dir, {});
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const errorLog = path.join(dir, 'error.log');
  const serverId = options.serverId ?? nextServerId++;
  const password = options.rootPassword ?? '';
  const cleanup = async () => {
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
  };
  // The same InnoDB sizes at bootstrap and at start: a 8 MB redo log instead of 96 MB, a 16 MB buffer pool.
  const small = [
    '--innodb-buffer-pool-size=16M',
    '--innodb-log-file-size=8M',
    '--innodb-log-buffer-size=2M',
    '--skip-name-resolve',
  ];
  try {
    if (owner) await chown(dir, owner.uid, owner.gid);
    await run(
      MARIADB_INSTALL_DB,
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        ...(owner ? [`--user=${owner.name}`] : []),
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        // Its own temporary directory: bootstraps running at the same time in /tmp remove each other's temp tables.
        `--tmpdir=${dir}`,
        ...small,
      ],
      { timeout: 120_000 },
    );
  } catch (err) {
    await cleanup();
    throw err;
  }
  const port = await freePort();
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    ...(owner ? [`--user=${owner.name}`] : []),
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${socket}`,
    `--pid-file=${path.join(dir, 'mysqld.pid')}`,
    `--log-error=${errorLog}`,
    `--tmpdir=${dir}`,
    `--server-id=${serverId}`,
    `--performance-schema=${options.performanceSchema ? 'ON' : 'OFF'}`,
    ...small,
    ...(options.binlog ? [`--log-bin=${path.join(dataDir, 'mariadb-bin')}`, '--binlog-format=ROW'] : []),
    ...optionArgs(options.settings ?? {}),
  ];
  const connectionOptions = (database?: string): ConnectionOptions => ({
    host: '127.0.0.1',
    port,
    user: 'root',
    password,
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 5_000,
    ...(database ? { database } : {}),
  });
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const isRunning = () => !!child && child.exitCode === null && child.signalCode === null;

  const start = async () => {
    if (isRunning()) return;
    const proc = spawn(MARIADBD, args, { stdio: 'ignore' });
    child = proc;
    live.set(dir, { process: proc });
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.once('error', () => undefined);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`mariadbd exited (${proc.exitCode ?? proc.signalCode}) at start:\n${tail(errorLog)}`);
      }
      try {
        const c = await mysql.createConnection(connectionOptions());
        await c.end();
        return;
      } catch (err) {
        // Before the root password is set, the first start must accept an empty one.
        if (password && (err as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR') {
          const c = await mysql.createConnection({ ...connectionOptions(), password: '' }).catch(() => undefined);
          if (c) {
            await c.end();
            return;
          }
        }
        if (Date.now() > deadline) {
          proc.kill('SIGKILL');
          throw new Error(`mariadbd did not accept connections within 60 s:\n${tail(errorLog)}`);
        }
        await sleep(100);
      }
    }
  };
  const stop = async () => {
    if (!isRunning()) return;
    child!.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(60_000).then(() => false)]);
    if (!done) {
      child!.kill('SIGKILL');
      await exited;
    }
  };

  try {
    await start();
    const c = await mysql.createConnection({ ...connectionOptions(), password: '' });
    try {
      // Not binlogged: a replica of this server keeps its own accounts.
      await c.query('SET SESSION sql_log_bin = 0');
      // mariadb-install-db also creates root@<this machine's name>, which skip-name-resolve ignores: dropped, so that
      // account checks see the same accounts on every machine.
      const [others] = await c.query(
        `SELECT Host AS host FROM mysql.user WHERE User = 'root' AND Host NOT IN ('localhost', '127.0.0.1', '::1')`,
      );
      for (const { host } of others as { host: string }[]) await c.query('DROP USER ?@?', ['root', host]);
      if (password) {
        for (const host of ['localhost', '127.0.0.1', '::1']) {
          await c.query('ALTER USER ?@? IDENTIFIED BY ?', ['root', host, password]);
        }
      }
    } finally {
      await c.end();
    }
  } catch (err) {
    if (isRunning()) child!.kill('SIGKILL');
    await exited;
    await cleanup();
    throw err;
  }

  const connect = (database?: string) => mysql.createConnection(connectionOptions(database));
  return {
    port,
    host: '127.0.0.1',
    dir,
    dataDir,
    socket,
    errorLog,
    serverId,
    user: 'root',
    password,
    url: (database = '') =>
      `mariadb://root${password ? `:${encodeURIComponent(password)}` : ''}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    connectionOptions,
    connect,
    async query<T>(sql: string, values?: unknown[]) {
      const c = await connect();
      try {
        const [rows] = await c.query(sql, values);
        return (Array.isArray(rows) ? rows : []) as T[];
      } finally {
        await c.end();
      }
    },
    running: isRunning,
    stop,
    start,
    async remove() {
      if (isRunning()) {
        child!.kill('SIGKILL');
        await exited;
      }
      await cleanup();
    },
  };
}

/**
 * A replica of `primary` (which needs `binlog: true`): a new server, a replication user on the primary,
 * CHANGE MASTER TO … MASTER_USE_GTID=slave_pos and START SLAVE; returns once both threads run.
 */
export async function startMariaDbReplica(
  primary: MariaDbServer,
  options: MariaDbReplicaOptions = {},
): Promise<MariaDbReplica> {
  const [bin] = await primary.query<{ log_bin: string | number }>('SELECT @@log_bin AS log_bin');
  if (Number(bin?.log_bin) !== 1) throw new Error('the primary has no binary log (start it with binlog: true)');
  const replUser = `repl_${randomBytes(4).toString('hex')}`;
  const replPassword = randomBytes(12).toString('hex');
  await primary.query('CREATE USER ?@? IDENTIFIED BY ?', [replUser, '127.0.0.1', replPassword]);
  await primary.query('GRANT REPLICATION SLAVE ON *.* TO ?@?', [replUser, '127.0.0.1']);

  const { binlog, useGtid, delaySeconds, ...rest } = options;
  const server = await startMariaDb({
    name: 'dbpatrol-mariadb-replica',
    ...rest,
    binlog: !!binlog,
    settings: { ...(binlog ? { 'log-slave-updates': true } : {}), ...(rest.settings ?? {}) },
  });
  const slaveStatus = async () => (await server.query('SHOW SLAVE STATUS'))[0] ?? {};
  const sync = async (timeoutSeconds = 30) => {
    const [pos] = await primary.query<{ pos: string }>('SELECT @@gtid_binlog_pos AS pos');
    const [waited] = await server.query<{ r: string | number }>('SELECT MASTER_GTID_WAIT(?, ?) AS r', [
      pos?.pos ?? '',
      timeoutSeconds,
    ]);
    if (Number(waited?.r) !== 0) {
      const s = await slaveStatus();
      throw new Error(
        `replica did not reach ${pos?.pos} within ${timeoutSeconds} s (IO ${String(s.Slave_IO_Running)}, SQL ${String(
          s.Slave_SQL_Running,
        )}: ${String(s.Last_IO_Error ?? '')} ${String(s.Last_SQL_Error ?? '')})`,
      );
    }
  };
  try {
    const c = await server.connect();
    try {
      await c.query(
        `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?,
           MASTER_CONNECT_RETRY = 1, MASTER_USE_GTID = ${useGtid ?? 'slave_pos'}${
             delaySeconds ? `, MASTER_DELAY = ${Math.floor(delaySeconds)}` : ''
           }`,
        [primary.port, replUser, replPassword],
      );
      await c.query('START SLAVE');
    } finally {
      await c.end();
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await slaveStatus();
      if (s.Slave_IO_Running === 'Yes' && s.Slave_SQL_Running === 'Yes') break;
      if (Date.now() > deadline) {
        throw new Error(
          `replication threads not running after 30 s (IO ${String(s.Slave_IO_Running)}, SQL ${String(
            s.Slave_SQL_Running,
          )}): ${String(s.Last_IO_Error ?? '')} ${String(s.Last_SQL_Error ?? '')}`,
        );
      }
      await sleep(100);
    }
  } catch (err) {
    await server.remove();
    throw err;
  }
  return { ...server, primary, replicationUser: replUser, sync, slaveStatus };
}

/** Whether this machine can start test servers (the binaries exist). */
export const mariadbAvailable = (): boolean => existsSync(MARIADBD) && existsSync(MARIADB_INSTALL_DB);
