import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_VERSION, CHECKS } from '../src/checks/registry.js';
import { checkStatements, toScript } from '../src/cli/sql-script.js';
import { DEFAULT_WINDOW_DAYS } from '../src/inspections/window.js';
import { inspectTarget, selectChecks } from '../src/inspections/inspect-target.js';
import { openTarget } from '../src/targets/open-target.js';
import { parseTargetUrl } from '../src/targets/target-url.js';
import { ensureDebianPackage, interleave, median, repeat, timed, type Timed } from './bench-tools.js';

const BIN = fileURLToPath(new URL('../bin/dbpatrol.js', import.meta.url));
const MARIADB_URL = process.env.DBPATROL_BENCH_MYSQL_URL ?? 'mariadb://root@127.0.0.1:3306/';
const POSTGRES_URL = process.env.DBPATROL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** check_postgres actions covering the daily and weekly PostgreSQL catalog, with thresholds where it has no default. */
const CHECK_POSTGRES_ACTIONS: [string, ...string[]][] = [
  ['connection'],
  ['backends'],
  ['txn_wraparound'],
  ['autovac_freeze'],
  ['replication_slots', '--warning=1GB', '--critical=5GB'],
  ['locks'],
  ['txn_idle', '--warning=5 minutes', '--critical=1 hour'],
  ['txn_time', '--warning=1 hour', '--critical=2 hours'],
  ['query_time', '--warning=5 minutes', '--critical=30 minutes'],
  ['prepared_txns'],
  ['disabled_triggers'],
  ['sequence'],
  ['last_analyze'],
  ['last_autovacuum'],
  ['bloat'],
  ['archive_ready'],
  ['commitratio'],
  ['wal_files', '--warning=100', '--critical=200'],
];

interface EngineResult {
  engine: string;
  ours: (Timed & { engineMs: number })[];
  /** In-process inspections after a warm-up: what `dbpatrol serve` and workers spend on every later inspection. */
  warm: Timed[];
  floor: Timed[];
  other: Timed[];
  otherName: string;
  oursFindings: number;
  otherFindings: number;
  statements: number;
}

async function floorScript(url: string): Promise<{ script: string; statements: number }> {
  const spec = parseTargetUrl(url);
  const target = openTarget(spec);
  try {
    const server = await target.facts();
    const now = new Date();
    const window = { from: new Date(now.getTime() - DEFAULT_WINDOW_DAYS.weekly * 86_400_000), to: now };
    const checks = selectChecks(CHECKS, spec.engine, 'weekly');
    const ctx = { server, window, now, instance: { name: 'bench' } };
    const once = checks.filter((c) => c.engine !== 'postgres' || c.scope === 'instance');
    const perDb = checks.filter((c) => c.engine === 'postgres' && c.scope === 'database');
    let script = toScript(checkStatements(once, ctx));
    let statements = checkStatements(once, ctx).length;
    if (perDb.length) {
      for (const db of await target.listDatabases()) {
        const s = checkStatements(perDb, { ...ctx, database: db });
        statements += s.length;
        script += `\\connect "${db.replace(/"/g, '""')}"\n` + toScript(s);
      }
    }
    return { script, statements };
  } finally {
    await target.close();
  }
}

/**
 * One weekly inspection the way a running service does it, in this process after the first: open the target, run
 * every check, build the report, close (wall clock).
 */
async function warmEngineRun(url: string): Promise<Timed> {
  const spec = parseTargetUrl(url);
  const started = process.hrtime.bigint();
  const target = openTarget(spec);
  try {
    const now = new Date();
    await inspectTarget(target, {
      tier: 'weekly',
      window: { from: new Date(now.getTime() - DEFAULT_WINDOW_DAYS.weekly * 86_400_000), to: now },
      now,
      instance: { name: 'bench', engine: spec.engine },
      checks: CHECKS,
      catalogVersion: CATALOG_VERSION,
    });
  } finally {
    await target.close();
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, code: 0, stdout: '', stderr: '' };
}

async function ourRun(url: string): Promise<Timed & { findings: number; engineMs: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-bench-'));
  try {
    const out = path.join(dir, 'r.json');
    const r = await timed(
      process.execPath,
      [BIN, 'inspect', '--url', url, '--tier', 'weekly', '--format', 'json', '--out', out],
      { measureRss: true },
    );
    if (r.code !== 0 && r.code !== 1) throw new Error(`dbpatrol inspect exited ${r.code}: ${r.stderr}`);
    const report = JSON.parse(await readFile(out, 'utf8')) as { findings: unknown[]; durationMs: number };
    return { ...r, findings: report.findings.length, engineMs: report.durationMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchInspect(runs: number): Promise<EngineResult[]> {
  await ensureDebianPackage('mysqltuner', 'mysqltuner');
  await ensureDebianPackage('check_postgres', 'check-postgres');
  await ensureDebianPackage('/usr/bin/time', 'time');
  const results: EngineResult[] = [];

  {
    const { script, statements } = await floorScript(MARIADB_URL);
    const u = new URL(MARIADB_URL);
    const mysqlArgs = [
      '-h',
      u.hostname,
      '-P',
      u.port || '3306',
      '-u',
      decodeURIComponent(u.username),
      '--comments',
      '--force',
      '-N',
    ];
    if (u.password) mysqlArgs.push(`-p${decodeURIComponent(u.password)}`);
    const [ours, floor, warm] = await interleave(runs, [
      () => ourRun(MARIADB_URL),
      () => timed('mariadb', mysqlArgs, { input: script }),
      () => warmEngineRun(MARIADB_URL),
    ] as const);
    const tunerArgs = [
      '--host',
      u.hostname,
      '--port',
      u.port || '3306',
      '--user',
      decodeURIComponent(u.username),
      '--pass',
      decodeURIComponent(u.password),
      '--forcemem',
      '4096',
      '--forceswap',
      '1024',
      '--nocolor',
      '--nogood',
    ];
    const other = await repeat(runs, () => timed('mysqltuner', tunerArgs));
    const otherFindings = (other.at(-1)?.stdout.match(/^\[!!\]/gm) ?? []).length;
    results.push({
      engine: 'MariaDB 10.11',
      ours,
      warm,
      floor,
      other,
      otherName: 'mysqltuner',
      oursFindings: ours.at(-1)!.findings,
      otherFindings,
      statements,
    });
  }
  {
    const { script, statements } = await floorScript(POSTGRES_URL);
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-bench-'));
    const file = path.join(dir, 'floor.sql');
    await writeFile(file, script);
    try {
      const [ours, floor, warm] = await interleave(runs, [
        () => ourRun(POSTGRES_URL),
        () => timed('psql', ['-X', '-q', '-o', '/dev/null', '-d', POSTGRES_URL, '-f', file]),
        () => warmEngineRun(POSTGRES_URL),
      ] as const);
      const u = new URL(POSTGRES_URL);
      const common = [
        '--host',
        u.hostname,
        '--port',
        u.port || '5432',
        '--dbuser',
        decodeURIComponent(u.username),
        '--dbname',
        decodeURIComponent(u.pathname.slice(1)),
      ];
      const other = await repeat(runs, async () => {
        const started = process.hrtime.bigint();
        let stdout = '';
        for (const [action, ...args] of CHECK_POSTGRES_ACTIONS) {
          const r = await timed('check_postgres', [`--action=${action}`, ...common, ...args]);
          stdout += r.stdout;
        }
        return { ms: Number(process.hrtime.bigint() - started) / 1e6, code: 0, stdout, stderr: '' };
      });
      const otherFindings = (other.at(-1)?.stdout.match(/^POSTGRES_\S+ (WARNING|CRITICAL)/gm) ?? []).length;
      results.push({
        engine: 'PostgreSQL 15',
        ours,
        warm,
        floor,
        other,
        otherName: `check_postgres (${CHECK_POSTGRES_ACTIONS.length} actions)`,
        oursFindings: ours.at(-1)!.findings,
        otherFindings,
        statements,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return results;
}

export function formatInspectResults(results: EngineResult[], runs: number): string {
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  const lines = [
    `Weekly inspection, median of ${runs} runs after one warm-up, on this machine (${new Date().toISOString().slice(0, 10)}).`,
    '',
    '| engine | floor: same SQL, one client session | DB Patrol engine in a running service (connect → report → close) | ratio to floor (goal ≤ 1.3) | DB Patrol engine, first inspection of a new CLI process | ratio to floor | DB Patrol CLI end to end (Node start included) | CLI ratio to floor | other tool | other / DB Patrol CLI (goal ≥ 10 mysqltuner, ≥ 5 check_postgres) | findings DB Patrol / other | CLI peak RSS (goal ≤ 150 MB) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const ours = median(r.ours.map((t) => t.ms));
    const engine = median(r.ours.map((t) => t.engineMs));
    const floor = median(r.floor.map((t) => t.ms));
    const other = median(r.other.map((t) => t.ms));
    const warm = median(r.warm.map((t) => t.ms));
    const rss = Math.max(...r.ours.map((t) => t.rssMb ?? 0));
    const goal = (ratio: number) => `${ratio.toFixed(2)}× ${ratio <= 1.3 ? 'pass' : '**fail**'}`;
    lines.push(
      `| ${r.engine} | ${f(floor)} (${r.statements} statements) | ${f(warm)} | ${goal(warm / floor)} | ${f(engine)} | ${goal(engine / floor)} | ${f(ours)} | ${(ours / floor).toFixed(2)}× | ${r.otherName}: ${f(other)} | ${(other / ours).toFixed(1)}× | ${r.oursFindings} / ${r.otherFindings} | ${rss.toFixed(0)} MB |`,
    );
  }
  return lines.join('\n') + '\n';
}
