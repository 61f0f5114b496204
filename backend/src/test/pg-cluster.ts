import { execFile, execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

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

/** Creates and starts a cluster. Never touches the shared server on 5432. */
export async function startPgCluster(options: { name?: string } = {}): Promise<PgCluster> {
  const owner = clusterOwner();
  installExitHook(owner);
  const dir = await mkdtemp(path.join(tmpdir(), `${options.name ?? 'dbpatrol-pgcluster'}-`));
  live.add(dir);
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const as = owner ?? {};
  const pgctl = (...args: string[]) => run(path.join(PG_BIN, 'pg_ctl'), args, { ...as, timeout: 60_000 });
  try {
    await run(
      path.join(PG_BIN, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      { ...as, timeout: 120_000 },
    );
  } catch (err) {
    live.delete(dir);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const port = await freePort();
  // Small and quick: the store of a few test processes, no durability needed across a machine crash.
  await writeFile(
    path.join(data, 'postgresql.auto.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'max_connections = 60',
      'shared_buffers = 16MB',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'logging_collector = off',
      '',
    ].join('\n'),
  );
  if (owner) await chown(path.join(data, 'postgresql.auto.conf'), owner.uid, owner.gid);
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
  return {
    port,
    dir,
    url: (db = 'postgres') => `postgres://postgres@${encodeURIComponent(dir)}:${port}${database(db)}`,
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
  };
}
