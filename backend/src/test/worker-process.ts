import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The backend workspace, and the CLI that runs its compiled `dist`. */
export const BACKEND_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_BIN = path.join(BACKEND_DIR, 'bin', 'dbpatrol.js');

/** One line a child wrote: its JSON log entry when it is one, always the raw text. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  json?: Record<string, unknown>;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessOptions {
  /** The shared store, e.g. `postgres://postgres@127.0.0.1:5432/dbpatrol_x`. */
  storeUrl: string;
  /** DBPATROL_WORKER_NAME (also the Agenda lock holder); defaults to a random one. */
  name?: string;
  /** DBPATROL_POLL_MS. */
  pollMs?: number;
  /** DBPATROL_LOCK_LIFETIME_MS. */
  lockLifetimeMs?: number;
  /** DBPATROL_LOG_LEVEL (default info: readiness is read from the info lines). */
  logLevel?: string;
  /** DBPATROL_DATA_DIR; by default a fresh temporary directory, removed when the process is gone. */
  dataDir?: string;
  /** Any other DBPATROL_* variables (they win over the ones above). */
  env?: Record<string, string>;
  /** How long to wait for the ready line (default 30 s). */
  readyTimeoutMs?: number;
}

/** A `dbpatrol` child process; `kill` and `stop` resolve once it has exited. */
export interface DbPatrolProcess {
  readonly kind: 'worker' | 'api';
  readonly name: string;
  readonly pid: number;
  /** The most recent lines it wrote (stdout and stderr). */
  readonly lines: LogLine[];
  readonly exited: Promise<ExitStatus>;
  readonly alive: boolean;
  /** Sends a signal and waits for the exit (SIGKILL: no drain, nothing cleaned up: a crash). */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /** SIGTERM (the worker drains), then SIGKILL if it has not exited after `graceMs` (default 30 s). */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** Resolves with the first log entry (past or future) that matches. */
  waitForLog(match: (entry: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<LogLine>;
  /** The last lines, for error messages. */
  tail(n?: number): string;
}

export interface ApiProcess extends DbPatrolProcess {
  url: string;
  /** An admin token (DBPATROL_API_TOKEN) accepted by this process. */
  token: string;
  call(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

const MAX_LINES = 5000;
const live = new Set<ChildProcess>();
/** Data directories this module created, removed when their process has gone. */
const ownDirs = new Set<string>();
let exitHookInstalled = false;

/** Whatever ends the test or bench process (an exit, or a signal), no child outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of ownDirs) rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      // Nobody else handles it: end the way the signal would have without this hook.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Kills every child this module started and still running (afterAll and finally blocks). */
export async function stopAllProcesses(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill(signal);
        }),
    ),
  );
}

function newestMtime(dir: string, keep: (file: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, keep));
    else if (keep(full)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * The child processes run the compiled backend: build it when `dist` is missing or older than a source file, so a
 * test never exercises stale code. Type errors do not stop the build (tsc still emits); a broken one shows when a
 * child fails to start, with its output.
 */
export async function ensureCliBuilt(): Promise<void> {
  const src = path.join(BACKEND_DIR, 'src');
  const main = path.join(BACKEND_DIR, 'dist', 'main.js');
  const isSource = (f: string) =>
    f.endsWith('.ts') &&
    !f.endsWith('.test.ts') &&
    !f.endsWith('.contract.ts') &&
    !path.relative(src, f).startsWith(`test${path.sep}`);
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(src, isSource)) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: BACKEND_DIR, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) process.stderr.write(`worker-process: tsc reported errors; running what it emitted\n${out}`);
      if (existsSync(main)) resolve();
      else reject(new Error(`building the backend failed:\n${out}`));
    });
  });
}

/** The environment of a child: nothing inherited from DBPATROL_* or NODE_OPTIONS, so each test decides. */
function childEnv(o: ProcessOptions, name: string, dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('DBPATROL_') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  return {
    ...env,
    DBPATROL_STORE_URL: o.storeUrl,
    DBPATROL_WORKER_NAME: name,
    DBPATROL_DATA_DIR: dataDir,
    DBPATROL_LOG_LEVEL: o.logLevel ?? 'info',
    ...(o.pollMs !== undefined ? { DBPATROL_POLL_MS: String(o.pollMs) } : {}),
    ...(o.lockLifetimeMs !== undefined ? { DBPATROL_LOCK_LIFETIME_MS: String(o.lockLifetimeMs) } : {}),
    ...extra,
    ...o.env,
  };
}

async function launch(
  kind: 'worker' | 'api',
  args: string[],
  o: ProcessOptions,
  extraEnv: Record<string, string>,
  ready: (line: LogLine) => boolean,
): Promise<DbPatrolProcess> {
  installExitHook();
  const name = o.name ?? `${kind}-${randomBytes(3).toString('hex')}`;
  const ownDir = o.dataDir ? undefined : await mkdtemp(path.join(tmpdir(), `dbpatrol-${kind}-`));
  const dataDir = o.dataDir ?? ownDir!;
  if (ownDir) ownDirs.add(ownDir);
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: BACKEND_DIR,
    env: childEnv(o, name, dataDir, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const lines: LogLine[] = [];
  const listeners = new Set<(line: LogLine) => void>();
  const onLine = (stream: LogLine['stream']) => (text: string) => {
    let json: Record<string, unknown> | undefined;
    if (text.startsWith('{')) {
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // a plain line that happens to start with a brace
      }
    }
    const line: LogLine = json ? { stream, text, json } : { stream, text };
    lines.push(line);
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    for (const l of listeners) l(line);
  };
  createInterface({ input: child.stdout! }).on('line', onLine('stdout'));
  createInterface({ input: child.stderr! }).on('line', onLine('stderr'));

  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  }).then(async (status) => {
    if (ownDir) {
      await rm(ownDir, { recursive: true, force: true }).catch(() => undefined);
      ownDirs.delete(ownDir);
    }
    return status;
  });
  const tail = (n = 30) =>
    lines
      .slice(-n)
      .map((l) => l.text)
      .join('\n');

  const waitForLine = (match: (line: LogLine) => boolean, timeoutMs: number, what: string) =>
    new Promise<LogLine>((resolve, reject) => {
      const found = lines.find(match);
      if (found) return resolve(found);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      const listener = (line: LogLine) => {
        if (!match(line)) return;
        done();
        resolve(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${kind} ${name}: no ${what} after ${timeoutMs} ms; last output:\n${tail()}`));
      }, timeoutMs);
      listeners.add(listener);
      void exited.then((s) => {
        if (!listeners.has(listener)) return;
        done();
        reject(new Error(`${kind} ${name} exited (${s.signal ?? s.code}) before ${what}; last output:\n${tail()}`));
      });
    });

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const handle: DbPatrolProcess = {
    kind,
    name,
    pid: child.pid ?? -1,
    lines,
    exited,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill,
    async stop(graceMs = 30_000) {
      if (!handle.alive) return exited;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await kill('SIGTERM');
      } finally {
        clearTimeout(timer);
      }
    },
    waitForLog: (match, timeoutMs, what) => waitForLine((l) => l.json !== undefined && match(l.json), timeoutMs, what),
    tail,
  };
  try {
    await waitForLine(ready, o.readyTimeoutMs ?? 30_000, 'ready line');
  } catch (err) {
    await kill('SIGKILL');
    throw err;
  }
  return handle;
}

/** `dbpatrol worker` against the store; resolves once it logged 'DB Patrol worker started'. */
export function startWorkerProcess(o: ProcessOptions): Promise<DbPatrolProcess> {
  return launch('worker', ['worker'], o, {}, (l) => l.json?.msg === 'DB Patrol worker started');
}

/** `dbpatrol serve --no-worker --port 0` (API only) against the store; resolves once it listens. */
export async function startApiProcess(o: ProcessOptions): Promise<ApiProcess> {
  const token = `test-${randomBytes(24).toString('hex')}`;
  const proc = await launch(
    'api',
    ['serve', '--no-worker', '--port', '0', '--host', '127.0.0.1'],
    o,
    { DBPATROL_API_TOKEN: token },
    (l) => /is listening on http:\/\/\S+/.test(l.text),
  );
  const listening = proc.lines.find((l) => /is listening on http:\/\/\S+/.test(l.text))!;
  const url = /is listening on (http:\/\/\S+)/.exec(listening.text)![1]!;
  return Object.assign(proc, {
    url,
    token,
    async call(method: string, route: string, body?: unknown) {
      const res = await fetch(url + route, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed };
    },
  });
}
