import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median } from './bench-tools.js';

/**
 * `npm run bench -- cli [--runs N] [--record]`: start-up of the shipped `dbpatrol` (bin/dbpatrol.js → dist, run with the
 * node flags of its shebang, as the installed command runs) for `--help` and `inspect --help`, against a bare
 * `node -e 0` on the same machine, interleaved run by run so that load on a shared machine hits every contender
 * alike. Goal (issue 10): `dbpatrol --help` within 150 ms of `node -e 0`. Wall time is the goal's measure; CPU time
 * (user + system, from GNU time) is shown too, as it moves less with the machine's load.
 */

const BIN = fileURLToPath(new URL('../bin/dbpatrol.js', import.meta.url));
const GOAL_MS = 150;

/** The node flags of the bin's `#!/usr/bin/env -S node …` line. */
export function shebangNodeFlags(text: string): string[] {
  const first = text.split('\n', 1)[0] ?? '';
  const m = /^#!\S*env\s+(?:-S\s+)?node((?:\s+\S+)*)\s*$/.exec(first) ?? /^#!\S*\/node((?:\s+\S+)*)\s*$/.exec(first);
  return m?.[1]?.trim() ? m[1].trim().split(/\s+/) : [];
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function once(args: string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '__CPU__=%U %S', process.execPath, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = /__CPU__=([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !cpu)
        return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 300)}`));
      resolve({ wallMs, cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000 });
    });
  });
}

export async function bench(argv: string[]): Promise<string> {
  const at = argv.indexOf('--runs');
  const runs = at >= 0 ? Number(argv[at + 1]) : 21;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1');
  const flags = shebangNodeFlags(readFileSync(BIN, 'utf8'));
  const contenders = [
    { name: '`node -e 0`', args: ['-e', '0'] },
    { name: `\`dbpatrol --help\``, args: [...flags, BIN, '--help'] },
    { name: `\`dbpatrol inspect --help\``, args: [...flags, BIN, 'inspect', '--help'] },
  ];
  const load = loadavg()[0]!;
  for (const c of contenders) await once(c.args); // warm the file cache
  const samples: Sample[][] = contenders.map(() => []);
  for (let i = 0; i < runs; i++) for (const [k, c] of contenders.entries()) samples[k]!.push(await once(c.args));
  const loadAfter = loadavg()[0]!;

  const wall = samples.map((s) => median(s.map((x) => x.wallMs)));
  const cpu = samples.map((s) => median(s.map((x) => x.cpuMs)));
  const base = wall[0]!;
  const baseCpu = cpu[0]!;
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(0)} ms`;
  const rows = contenders.map((c, k) => {
    const diff = wall[k]! - base;
    const verdict =
      k === 0 ? '—' : diff <= GOAL_MS ? `met (${ms(GOAL_MS - diff)} to spare)` : `missed by ${ms(diff - GOAL_MS)}`;
    return `| ${c.name} | ${ms(wall[k]!)} | ${(wall[k]! / base).toFixed(2)}× | ${k === 0 ? '—' : signed(diff)} | ${ms(cpu[k]!)} | ${k === 0 ? '—' : signed(cpu[k]! - baseCpu)} | ${verdict} |`;
  });
  return [
    '## CLI start-up (`npm run bench -- cli`)',
    '',
    `Median of ${runs} interleaved runs each, after one warm-up, of the shipped bin (\`node ${flags.join(' ')} bin/dbpatrol.js\`, dist built by \`npm run bench\`) against a bare \`node -e 0\`; node ${process.version}, ${cpus().length} cores, load average ${load.toFixed(1)} → ${loadAfter.toFixed(1)} (shared machine). Goal: \`dbpatrol --help\` within ${GOAL_MS} ms of \`node -e 0\`. \`--help\` and \`inspect --help\` load commander, the entry and four small constant modules of DB Patrol (no zod, pino, config or catalog: \`src/cli/module-load.integration.test.ts\`).`,
    '',
    '| command | wall (median) | × node -e 0 | wall − node -e 0 | CPU user+sys (median) | CPU − node -e 0 | goal: ≤ 150 ms over node -e 0 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
  ].join('\n');
}
