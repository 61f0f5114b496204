import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchExport, formatExportResults } from './export.bench.js';
import { benchInspect, formatInspectResults } from './inspect.bench.js';
import { benchMemory, formatMemoryResults } from './memory.bench.js';
import { benchMetrics, formatMetricsResults } from './metrics.bench.js';
import { benchSchedules, formatSchedulesResults } from './schedules.bench.js';
import { benchGrafana, formatGrafanaResults } from './grafana.bench.js';

const DOC = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
const BUILT_IN = new Set(['inspect', 'schedules', 'metrics', 'export', 'grafana', 'memory']);

/** Benchmarks found as bench/<name>.bench.ts beyond the built-in ones. */
const pluggable = (): string[] =>
  readdirSync(new URL('.', import.meta.url))
    .map((f) => /^([a-z][a-z-]*)\.bench\.ts$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined && !BUILT_IN.has(n))
    .sort();

const VALUED = [
  '--runs',
  '--schedules',
  '--burst',
  '--instances',
  '--days',
  '--findings',
  '--lang',
  '--requests',
  '--points',
  // load, fleet
  '--seconds',
  '--clients',
  '--seed',
  '--baseline-seconds',
  '--sizes',
  '--pg-clusters',
  '--mariadbs',
  '--databases',
  '--chunk',
];

/**
 * `npm run bench [-- inspect] [--runs N] [--record]`: prints ratios against baselines measured in the same run.
 * `npm run bench -- schedules [--schedules N] [--burst N] [--record]`: dispatch lateness, duplicates and losses with
 * two worker processes, and the schedule API's latency, against their goals.
 * `npm run bench -- export [--instances N] [--findings N] [--runs N] [--lang en|zh] [--record]`: every export format
 * of one inspection against producing its JSON document.
 * `npm run bench -- metrics [--instances N] [--schedules N] [--days N] [--runs N] [--record]`: scrape cost of
 * `/metrics` against `GET /readyz`.
 * `npm run bench -- grafana [--instances N] [--days N] [--requests N] [--points N] [--record]`: the datasource's
 * queries over generated daily reports (default 500 instances × 365 days) against p95 ≤ 50 ms.
 * `npm run bench -- memory [--runs N] [--record]`: resident memory of `dbpatrol serve`, idle and after a weekly inspection, on the
 * embedded store (goal ≤ 250 MB) and on PostgreSQL.
 */
async function main(argv: string[]): Promise<void> {
  const valueAt = new Set(VALUED.map((f) => argv.indexOf(f)).filter((i) => i >= 0));
  const which = argv.find((a, i) => !a.startsWith('--') && !valueAt.has(i - 1)) ?? 'inspect';
  const int = (flag: string, fallback: number, min: number): number => {
    const at = argv.indexOf(flag);
    const value = at >= 0 ? Number(argv[at + 1]) : fallback;
    if (!Number.isInteger(value) || value < min) throw new Error(`${flag} takes a whole number ≥ ${min}`);
    return value;
  };
  let table: string;
  if (which === 'inspect') {
    const runs = int('--runs', 7, 1);
    table = formatInspectResults(await benchInspect(runs), runs);
  } else if (which === 'schedules') {
    const schedules = int('--schedules', 10_000, 2);
    const burst = int('--burst', 1000, 1);
    if (burst >= schedules) throw new Error('--burst must be smaller than --schedules');
    table = formatSchedulesResults(
      await benchSchedules({ schedules, burst, workers: 2, apiRequests: 200, drainTimeoutMs: 300_000 }),
    );
  } else if (which === 'metrics') {
    table = formatMetricsResults(
      await benchMetrics({
        instances: int('--instances', 500, 1),
        schedules: int('--schedules', 200, 1),
        historyDays: int('--days', 30, 1),
        runs: int('--runs', 30, 1),
      }),
    );
  } else if (which === 'export') {
    const lang = argv[argv.indexOf('--lang') + 1] === 'en' ? 'en' : 'zh';
    table = formatExportResults(
      await benchExport({
        instances: int('--instances', 50, 1),
        findings: int('--findings', 500, 0),
        runs: int('--runs', 5, 1),
        lang,
      }),
    );
  } else if (which === 'grafana') {
    table = formatGrafanaResults(
      await benchGrafana({
        instances: int('--instances', 500, 10),
        days: int('--days', 365, 1),
        requests: int('--requests', 40, 5),
        maxDataPoints: int('--points', 1000, 1),
      }),
    );
  } else if (which === 'memory') {
    table = formatMemoryResults(await benchMemory(int('--runs', 3, 1)));
  } else if (/^[a-z][a-z-]*$/.test(which) && existsSync(new URL(`./${which}.bench.ts`, import.meta.url))) {
    // Newer benchmarks live in bench/<name>.bench.ts and export `bench(argv)`, which parses its own flags.
    const mod = (await import(`./${which}.bench.js`)) as { bench?: (argv: string[]) => Promise<string> };
    if (typeof mod.bench !== 'function') throw new Error(`bench/${which}.bench.ts exports no bench(argv)`);
    table = await mod.bench(argv);
  } else {
    throw new Error(
      `unknown benchmark "${which}" (known: inspect, schedules, metrics, export, grafana, memory, ${pluggable().join(', ')})`,
    );
  }
  process.stdout.write(table);
  if (argv.includes('--record')) {
    const doc = await readFile(DOC, 'utf8').catch(() => '# Benchmarks\n');
    const marker = `<!-- bench:${which} -->`;
    const section = `${marker}\n${table}${marker}`;
    const next = doc.includes(marker)
      ? doc.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), () => section)
      : `${doc}\n${section}\n`;
    await writeFile(DOC, next);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
