import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Test servers (mariadb-server.ts, pg-cluster.ts) live in temporary directories marked with this file, which holds
 * the pid of the test process that owns them. A test process killed by a signal (no 'exit' event) leaves its servers
 * running; the next test process that starts a server stops and removes those whose owner is gone.
 */
const MARKER = '.dbpatrol-test-bed';

export function markBed(dir: string): void {
  writeFileSync(path.join(dir, MARKER), `${process.pid}\n`);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Signals the process in `pidFile` (first line), only if its command line names `dir` (no reused pid is hit). */
function signalPidFile(pidFile: string, dir: string, signal: NodeJS.Signals): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]?.trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  if (cmdline.includes(dir)) process.kill(pid, signal);
}

/** A left-over server: mariadbd is killed, a PostgreSQL postmaster gets SIGQUIT (immediate shutdown of its children). */
function stopBed(dir: string): void {
  signalPidFile(path.join(dir, 'mysqld.pid'), dir, 'SIGKILL');
  signalPidFile(path.join(dir, 'data', 'postmaster.pid'), dir, 'SIGQUIT');
}

let swept = false;

/** Once per process: stops and removes every marked directory whose owner process has exited. */
export function sweepOrphanBeds(): void {
  if (swept) return;
  swept = true;
  let entries: string[];
  try {
    entries = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = path.join(tmpdir(), entry);
    const marker = path.join(dir, MARKER);
    try {
      if (!existsSync(marker)) continue;
      const owner = Number(readFileSync(marker, 'utf8').trim());
      if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
      stopBed(dir);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // another process is sweeping it, or it is not ours to remove
    }
  }
}
