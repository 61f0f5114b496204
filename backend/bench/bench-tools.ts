import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

export const execFileP = promisify(execFile);

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in MB, when measured with /usr/bin/time. */
  rssMb?: number;
}

/** Runs a command to completion, timing it from spawn to exit; with `measureRss`, through GNU time. */
export function timed(
  cmd: string,
  args: string[],
  o: { env?: NodeJS.ProcessEnv; input?: string; measureRss?: boolean } = {},
): Promise<Timed> {
  const argv = o.measureRss ? ['-f', '__RSS_KB__=%M', cmd, ...args] : args;
  const bin = o.measureRss ? '/usr/bin/time' : cmd;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(bin, argv, { env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rss = /__RSS_KB__=(\d+)/.exec(stderr);
      resolve({ ms, code, stdout, stderr, ...(rss ? { rssMb: Number(rss[1]) / 1024 } : {}) });
    });
    child.stdin.end(o.input ?? '');
  });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Runs each of `fns` once to warm up, then all of them in turn `runs` times, so that a machine whose speed drifts
 * during the bench slows every contender alike; returns every measurement per function.
 */
export async function interleave<T extends readonly (() => Promise<Timed>)[]>(
  runs: number,
  fns: T,
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>>[] }> {
  for (const fn of fns) await fn();
  const out = fns.map(() => [] as Timed[]);
  for (let i = 0; i < runs; i++) for (const [k, fn] of fns.entries()) out[k]!.push(await fn());
  return out as { [K in keyof T]: Awaited<ReturnType<T[K]>>[] };
}

/** Runs `fn` once to warm up, then `runs` times; returns every measurement. */
export async function repeat<T extends Timed>(runs: number, fn: () => Promise<T>): Promise<T[]> {
  await fn();
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn());
  return out;
}

export async function ensureDebianPackage(binary: string, pkg: string): Promise<void> {
  try {
    await execFileP('sh', ['-c', `command -v ${binary}`]);
  } catch {
    process.stderr.write(`bench: installing ${pkg} (apt-get)\n`);
    await execFileP('sh', [
      '-c',
      `apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg} >/dev/null`,
    ]);
  }
}
