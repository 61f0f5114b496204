import { execFile } from 'node:child_process';
import { access, mkdir, open, readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ConflictError } from '../../errors/domain-errors.js';
import { PostgresStore } from '../postgres/postgres-store.js';

export interface EmbeddedStoreOptions {
  dataDir: string;
  /** Loopback port for the socket server; 0 picks a free one. */
  port?: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PGlite allows one process per data directory; a pid lock file turns a second opener into a clear error. */
async function takeLock(lockPath: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (holder && pidAlive(holder)) {
        throw new ConflictError(
          `the embedded store in ${path.dirname(lockPath)} is in use by process ${holder}; ` +
            'stop it, use its REST API, or set DBPATROL_STORE_URL to a shared PostgreSQL or MongoDB',
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new ConflictError(`could not lock ${lockPath}`);
}

/**
 * Kept small so the embedded engine fits a newcomer's laptop: its WebAssembly memory grows with shared_buffers and
 * never shrinks. DB Patrol's working set (inventory, recent reports) is a few MiB.
 */
export const EMBEDDED_SETTINGS: readonly string[] = [
  'shared_buffers=16MB',
  'wal_buffers=1MB',
  'work_mem=4MB',
  'maintenance_work_mem=16MB',
  'temp_buffers=2MB',
];

/**
 * Creating a data directory runs initdb inside the engine, and the memory it touches stays with the process for good
 * (about 550 MB). A short-lived child process does it instead, so the serving process only ever opens the directory.
 */
async function initialiseDataDir(pgdata: string): Promise<void> {
  if (
    await access(path.join(pgdata, 'PG_VERSION')).then(
      () => true,
      () => false,
    )
  )
    return;
  const script = `import { PGlite } from ${JSON.stringify(import.meta.resolve('@electric-sql/pglite'))};
const db = await PGlite.create({ dataDir: process.argv[1], postgresqlconf: JSON.parse(process.argv[2]) });
await db.close();`;
  await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script, pgdata, JSON.stringify(EMBEDDED_SETTINGS)],
    { timeout: 120_000 },
  );
}

/**
 * The zero-install default: PostgreSQL compiled to WebAssembly (PGlite) with its data in `dataDir/pglite`,
 * served on a loopback socket so that the ordinary PostgreSQL adapter (and Agenda's PostgreSQL backend) use it
 * unchanged. Single process only.
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<PostgresStore> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const release = await takeLock(path.join(options.dataDir, 'embedded-store.lock'));
  try {
    const pgdata = path.join(options.dataDir, 'pglite');
    await initialiseDataDir(pgdata);
    const db = await PGlite.create({ dataDir: pgdata, postgresqlconf: [...EMBEDDED_SETTINGS] });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 32 });
    await server.start();
    const conn = server.getServerConn();
    return new PostgresStore({
      connectionString: `postgres://postgres@${conn}/postgres?sslmode=disable`,
      poolSize: 8,
      kind: 'embedded',
      singleProcess: true,
      description: `embedded PGlite in ${path.resolve(options.dataDir)} (loopback ${conn}, single process)`,
      onClose: async () => {
        await server.stop();
        await db.close();
        await release();
      },
    });
  } catch (err) {
    await release();
    throw err;
  }
}
