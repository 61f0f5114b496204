import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_ADMIN_URL } from '../test/pg-fixtures.js';

// Which modules the shipped `dbpatrol` (bin → dist, built by `npm test`'s pretest) loads per command, recorded by an
// --import hook: ES modules through a loader hook (appended to a file from the hooks thread), CommonJS ones from
// require.cache at exit. `inspect` must not load the stores, the HTTP server, Agenda or MongoDB; `--help` loads
// commander and a handful of constant modules, no zod, pino or check catalog.
const BIN = fileURLToPath(new URL('../../bin/dbpatrol.js', import.meta.url));
const BACKEND = path.dirname(path.dirname(BIN));
const run = promisify(execFile);

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (process.env.DBPATROL_MODULE_LOG) appendFileSync(process.env.DBPATROL_MODULE_LOG, url + '\\n');
  return next(url, context);
}
`;
const PRELOAD = `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register('./hooks.mjs', import.meta.url);
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const files = Object.keys(require.cache).map((f) => 'file://' + f);
  if (process.env.DBPATROL_MODULE_LOG) appendFileSync(process.env.DBPATROL_MODULE_LOG, files.join('\\n') + '\\n');
});
`;

let dir: string;
let runs = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-modules-'));
  await writeFile(path.join(dir, 'hooks.mjs'), HOOKS);
  await writeFile(path.join(dir, 'preload.mjs'), PRELOAD);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the bin with the recording hook; the loaded module paths relative to the backend (or node_modules/<pkg>/…). */
async function modulesLoadedBy(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ modules: string[]; stdout: string; code: number }> {
  const log = path.join(dir, `modules-${++runs}.txt`);
  await writeFile(log, '');
  let stdout = '';
  let code = 0;
  try {
    ({ stdout } = await run(process.execPath, ['--import', path.join(dir, 'preload.mjs'), BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', DBPATROL_MODULE_LOG: log, DBPATROL_LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
      maxBuffer: 32 * 1024 * 1024,
    }));
  } catch (err) {
    const e = err as { code: number; stdout: string };
    code = e.code;
    stdout = e.stdout;
  }
  const modules = [
    ...new Set(
      (await readFile(log, 'utf8'))
        .split('\n')
        .filter((l) => l.startsWith('file://'))
        .map((l) => {
          const file = fileURLToPath(l);
          const nm = file.lastIndexOf('/node_modules/');
          return nm >= 0 ? file.slice(nm + 1) : path.relative(BACKEND, file);
        }),
    ),
  ].sort();
  return { modules, stdout, code };
}

const FORBIDDEN_FOR_INSPECT = [
  /^node_modules\/(express|body-parser|router|agenda|@agendajs\/[^/]+|mongodb|bson|pdfkit|exceljs)\//,
  /^dist\/store\//,
  /^dist\/runtime\//,
  /^dist\/schedules\//,
  /^dist\/http\/(?!roles\.js$)/, // the role names list (constants, no HTTP code) is all main.js takes from http/
];
const forbidden = (modules: string[], patterns: RegExp[]) => modules.filter((m) => patterns.some((p) => p.test(m)));

describe('modules the dbpatrol CLI loads', () => {
  it('--help: commander and the entry only (no zod, pino, config, checks or stores)', async () => {
    const { modules, stdout, code } = await modulesLoadedBy(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: dbpatrol');
    const packages = [...new Set(modules.filter((m) => m.startsWith('node_modules/')).map((m) => m.split('/')[1]))];
    expect(packages).toEqual(['commander']);
    expect(modules.filter((m) => !m.startsWith('node_modules/'))).toEqual([
      'bin/dbpatrol.js',
      'dist/checks/check.types.js',
      'dist/errors/domain-errors.js',
      'dist/http/roles.js',
      'dist/main.js',
      'dist/version.js',
    ]);
  });

  it('inspect --help loads no more than --help', async () => {
    const help = await modulesLoadedBy(['--help']);
    const inspectHelp = await modulesLoadedBy(['inspect', '--help']);
    expect(inspectHelp.code).toBe(0);
    expect(inspectHelp.stdout).toContain('--url <url>');
    expect(inspectHelp.modules).toEqual(help.modules);
  });

  it('inspect of the local PostgreSQL loads no store, HTTP server, Agenda, MongoDB or report-export modules', async () => {
    const { modules, stdout, code } = await modulesLoadedBy([
      'inspect',
      '--url',
      PG_ADMIN_URL,
      '--tier',
      'daily',
      '--format',
      'json',
    ]);
    expect(code, stdout.slice(0, 500)).toBeLessThanOrEqual(1); // 0 ok, 1 critical findings: both ran
    expect(JSON.parse(stdout)).toMatchObject({ reachable: true });
    // It did load what an inspection needs: the driver, the catalog and the runner.
    expect(modules).toContain('node_modules/pg/lib/index.js');
    // Only the inspected engine's driver.
    expect(modules.filter((m) => m.startsWith('node_modules/mysql2/'))).toEqual([]);
    expect(modules).toContain('dist/checks/registry.js');
    expect(modules).toContain('dist/inspections/inspect-target.js');
    expect(forbidden(modules, FORBIDDEN_FOR_INSPECT)).toEqual([]);
  });

  it('the recorder does see the store modules when a command loads them', async () => {
    // A store nobody listens on fails after the store modules loaded: that run must show them, so the assertions
    // above cannot pass by recording nothing.
    const { modules, code } = await modulesLoadedBy(['migrate'], {
      DBPATROL_STORE_URL: 'postgres://nobody@127.0.0.1:9/none',
      DBPATROL_DATA_DIR: dir,
    });
    expect(code).not.toBe(0);
    expect(modules.some((m) => m.startsWith('dist/store/') || m.startsWith('dist/runtime/'))).toBe(true);
  });
});
