import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { benchInspect, formatInspectResults } from './inspect.bench.js';

const DOC = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

/** `npm run bench [-- inspect] [--runs N] [--record]`: prints ratios against baselines measured in the same run. */
async function main(argv: string[]): Promise<void> {
  const runsAt = argv.indexOf('--runs');
  const which = argv.find((a, i) => !a.startsWith('--') && i !== runsAt + 1) ?? 'inspect';
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1');
  if (which !== 'inspect') throw new Error(`unknown benchmark "${which}" (known: inspect)`);
  const table = formatInspectResults(await benchInspect(runs), runs);
  process.stdout.write(table);
  if (argv.includes('--record')) {
    const doc = await readFile(DOC, 'utf8').catch(() => '# Benchmarks\n');
    const marker = '<!-- bench:inspect -->';
    const section = `${marker}\n${table}${marker}`;
    const next = doc.includes(marker)
      ? doc.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), section)
      : `${doc}\n${section}\n`;
    await writeFile(DOC, next);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
