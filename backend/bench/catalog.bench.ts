import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import type { AnyCheck } from '../src/checks/check.types.js';
import { CATALOG_VERSION, CHECKS } from '../src/checks/registry.js';
import { runInspectCommand } from '../src/cli/inspect.command.js';
import { loadConfig } from '../src/config/config.js';
import { inspectTarget, selectChecks } from '../src/inspections/inspect-target.js';
import { resolveWindow } from '../src/inspections/window.js';
import { openTarget } from '../src/targets/open-target.js';
import type { InspectionReport } from '../src/reports/report.types.js';
import { parseTargetUrl } from '../src/targets/target-url.js';
import { execFileP, median, timed, type Timed } from './bench-tools.js';

/**
 * `npm run bench -- catalog [--runs N] [--record]`: an annual-tier inspection of the local MariaDB and PostgreSQL.
 *
 * 1. In process, through the CLI's own entry (`runInspectCommand`, JSON written to a file), against the floor: every
 *    statement that inspection sent, recorded at the database drivers (mysql2 and pg) during one untimed inspection,
 *    replayed in order on ONE connection (PostgreSQL: one connection per database visited, in turn) with no
 *    evaluation. Goal ≤ 1.3×.
 * 2. `dbpatrol inspect --tier annual --format json` end to end (a new Node process each time) against mysqltuner and
 *    against the set of check_postgres actions that overlap the catalog, run one after another as a monitoring
 *    system would. Goals: ≥ 10× faster than mysqltuner, ≥ 5× faster than check_postgres.
 *
 * Every contender runs once to warm up, then all of them in turn, each round starting one contender further: 3 ×
 * `--runs` rounds in process (one engine at a time), `--runs` rounds end to end; the tables show medians. The
 * statements, connections and databases of each side are counted: ours from the drivers, the other tools' from
 * their client processes (`strace -f -e trace=execve`, one extra untimed run).
 */

const BIN = fileURLToPath(new URL('../bin/dbpatrol.js', import.meta.url));
const MARIADB_URL = process.env.DBPATROL_BENCH_MYSQL_URL ?? 'mariadb://root@127.0.0.1:3306/';
const POSTGRES_URL = process.env.DBPATROL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TIER = 'annual' as const;
const MISSING_PEERS = 'apt-get install mysqltuner check-postgres';

/** check_postgres actions run once against the default database, with thresholds where the action has no default. */
const CHECK_POSTGRES_CLUSTER: [string, ...string[]][] = [
  ['connection'],
  ['version', '--warning=15'],
  ['backends'],
  ['txn_wraparound'],
  ['autovac_freeze'],
  ['replication_slots', '--warning=1GB', '--critical=5GB'],
  ['locks'],
  ['txn_idle', '--warning=5 minutes', '--critical=1 hour'],
  ['txn_time', '--warning=1 hour', '--critical=2 hours'],
  ['query_time', '--warning=5 minutes', '--critical=30 minutes'],
  ['prepared_txns'],
  ['archive_ready'],
  ['wal_files', '--warning=100', '--critical=200'],
  ['commitratio'],
  ['hitratio'],
  ['database_size', '--warning=50GB', '--critical=100GB'],
  ['settings_checksum', '--critical=0'],
  ['timesync'],
];
/** check_postgres actions about objects inside a database: given every database the inspection visited. */
const CHECK_POSTGRES_PER_DATABASE: [string, ...string[]][] = [
  ['disabled_triggers'],
  ['sequence'],
  ['last_vacuum'],
  ['last_analyze'],
  ['last_autovacuum'],
  ['last_autoanalyze'],
  ['bloat'],
  ['table_size', '--warning=10GB', '--critical=50GB'],
  ['index_size', '--warning=10GB', '--critical=50GB'],
];

const TUNER_ARGS = (u: URL): string[] => [
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

// ---------------------------------------------------------------------------------------------------------------
// Recording what an inspection sends, at the drivers

interface Sent {
  /** Connection the statement went over (numbered in order of first use). */
  connection: number;
  /** PostgreSQL: the connection's database; MySQL: undefined (the statement stream carries its own `USE`). */
  database?: string;
  sql: string;
  values?: unknown[];
  /** The server answered with an error. */
  failed?: boolean;
}

type QueryFn = (this: object, ...args: unknown[]) => unknown;

/**
 * Wraps `query` of pg's Client and of mysql2's Connection (every pooled connection is one) so that each statement
 * sent is appended to the returned list, until `stop()`. Both drivers send every statement through `query`: the
 * targets use no other call.
 */
function recordDrivers(): { sent: Sent[]; stop: () => void } {
  const sent: Sent[] = [];
  const ids = new WeakMap<object, number>();
  let next = 0;
  const idOf = (conn: object): number => {
    let id = ids.get(conn);
    if (id === undefined) ids.set(conn, (id = next++));
    return id;
  };
  const asValues = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? (v as unknown[]) : undefined);

  const pgProto = pg.Client.prototype as unknown as { query: QueryFn };
  const pgQuery = pgProto.query;
  pgProto.query = function (this: object, ...args: unknown[]) {
    const [q, v] = args;
    const text = typeof q === 'string' ? q : (q as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') return pgQuery.apply(this, args);
    const values = asValues(v) ?? asValues((q as { values?: unknown }).values);
    const entry: Sent = {
      connection: idOf(this),
      ...((this as { database?: string }).database !== undefined
        ? { database: (this as { database: string }).database }
        : {}),
      sql: text,
      ...(values?.length ? { values } : {}),
    };
    sent.push(entry);
    const result = pgQuery.apply(this, args);
    // The targets await the returned promise; this extra handler only notes a failure.
    if (result instanceof Promise)
      result.then(undefined, () => {
        entry.failed = true;
      });
    return result;
  };

  const mysql2 = createRequire(import.meta.url)('mysql2') as { Connection: { prototype: { query: QueryFn } } };
  const myProto = mysql2.Connection.prototype;
  const myQuery = myProto.query;
  myProto.query = function (this: object, ...args: unknown[]) {
    const [q, v] = args;
    const text = typeof q === 'string' ? q : (q as { sql?: unknown } | null)?.sql;
    if (typeof text !== 'string') return myQuery.apply(this, args);
    const values = asValues(v) ?? asValues((q as { values?: unknown }).values);
    const entry: Sent = { connection: idOf(this), sql: text, ...(values?.length ? { values } : {}) };
    sent.push(entry);
    // mysql2 reports through the callback its promise wrapper passes last: wrap it to note a failure.
    const at = args.findLastIndex((a) => typeof a === 'function');
    if (at >= 0) {
      const cb = args[at] as (this: unknown, err: unknown, ...rest: unknown[]) => unknown;
      args[at] = function (this: unknown, err: unknown, ...rest: unknown[]) {
        if (err) entry.failed = true;
        return cb.call(this, err, ...rest);
      };
    }
    return myQuery.apply(this, args);
  };

  return {
    sent,
    stop: () => {
      pgProto.query = pgQuery;
      myProto.query = myQuery;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The contenders

interface InspectionRun extends Timed {
  report: InspectionReport;
}

/** One annual inspection through the CLI's entry, in this process: target URL → report JSON in a file. */
async function inProcess(url: string, dir: string): Promise<InspectionRun> {
  const out = path.join(dir, `in-process-${Date.now()}.json`);
  const started = process.hrtime.bigint();
  const code = await runInspectCommand({ url, tier: TIER, format: 'json', out, lang: 'en' }, loadConfig(process.env));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0 && code !== 1) throw new Error(`inspection of ${url} ended with exit code ${code}`);
  const report = JSON.parse(await readFile(out, 'utf8')) as InspectionReport;
  await rm(out, { force: true });
  return { ms, code, stdout: '', stderr: '', report };
}

/**
 * The CLI's inspection without its report export, on `checks` in the given order: the catalog's, or longest first
 * (to measure what the order of the two-at-a-time schedule costs).
 */
async function engineOnly(url: string, checks: readonly AnyCheck[]): Promise<Timed> {
  const spec = parseTargetUrl(url);
  const started = process.hrtime.bigint();
  const now = new Date();
  const target = openTarget({ ...loadConfig(process.env).targets, ...spec });
  try {
    await inspectTarget(target, {
      tier: TIER,
      window: resolveWindow({ tier: TIER, now }),
      now,
      instance: { name: `${spec.host}:${spec.port}`, engine: spec.engine },
      checks,
      catalogVersion: CATALOG_VERSION,
      language: 'en',
    });
  } finally {
    await target.close();
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, code: 0, stdout: '', stderr: '' };
}

/** The catalog with the checks that took longest in `report` first, the rest in catalog order. */
function longestFirst(report: InspectionReport): AnyCheck[] {
  const ms = new Map(report.checks.map((c) => [c.checkId, c.durationMs]));
  return [...CHECKS].sort((a, b) => (ms.get(b.id) ?? 0) - (ms.get(a.id) ?? 0));
}

/** The CLI end to end: a new Node process, `dbpatrol inspect --tier annual --format json --out <file>`. */
async function cli(url: string, dir: string, only?: string): Promise<InspectionRun> {
  const out = path.join(dir, `cli-${Date.now()}.json`);
  const r = await timed(process.execPath, [
    BIN,
    'inspect',
    '--url',
    url,
    '--tier',
    TIER,
    '--format',
    'json',
    '--out',
    out,
    ...(only ? ['--only', only] : []),
  ]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`dbpatrol inspect exited ${r.code}: ${r.stderr}`);
  const report = JSON.parse(await readFile(out, 'utf8')) as InspectionReport;
  await rm(out, { force: true });
  return { ...r, report };
}

interface FloorRun extends Timed {
  errors: number;
  /** Milliseconds per check id (from the statement's `dbpatrol:<tag>` comment). */
  byTag: Map<string, number>;
}

const tagOf = (sql: string): string => /^\/\* dbpatrol:([^ ]+) \*\//.exec(sql)?.[1] ?? '(untagged)';

function addTime(byTag: Map<string, number>, sql: string, started: bigint): void {
  const tag = tagOf(sql);
  byTag.set(tag, (byTag.get(tag) ?? 0) + Number(process.hrtime.bigint() - started) / 1e6);
}

/** The recorded MySQL statements, in order, on one connection; connecting and closing included. */
async function mysqlFloor(url: string, sent: readonly Sent[]): Promise<FloorRun> {
  const spec = parseTargetUrl(url);
  const byTag = new Map<string, number>();
  let errors = 0;
  const started = process.hrtime.bigint();
  const conn = await createConnection({
    host: spec.host,
    port: spec.port,
    user: spec.user,
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    // The targets' row decoding, so that the floor differs only in what runs around the statements.
    disableEval: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  try {
    for (const s of sent) {
      const t = process.hrtime.bigint();
      try {
        await conn.query({ sql: s.sql, ...(s.values ? { values: s.values } : {}) });
      } catch {
        errors++;
      }
      addTime(byTag, s.sql, t);
    }
  } finally {
    await conn.end();
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, code: 0, stdout: '', stderr: '', errors, byTag };
}

/** Databases in the order the inspection first visited them, each with its statements in the order sent. */
function byDatabase(sent: readonly Sent[]): Map<string, Sent[]> {
  const out = new Map<string, Sent[]>();
  for (const s of sent) {
    const db = s.database ?? 'postgres';
    const list = out.get(db) ?? [];
    list.push(s);
    out.set(db, list);
  }
  return out;
}

/** The recorded PostgreSQL statements: one connection per database visited, in turn, each closed before the next. */
async function postgresFloor(url: string, sent: readonly Sent[]): Promise<FloorRun> {
  const spec = parseTargetUrl(url);
  const byTag = new Map<string, number>();
  let errors = 0;
  const started = process.hrtime.bigint();
  for (const [database, statements] of byDatabase(sent)) {
    const client = new pg.Client({
      host: spec.host,
      port: spec.port,
      user: spec.user,
      ...(spec.password !== undefined ? { password: spec.password } : {}),
      database,
    });
    await client.connect();
    try {
      for (const s of statements) {
        const t = process.hrtime.bigint();
        try {
          // The targets' protocol: extended query, one statement per call.
          await client.query({ text: s.sql, values: s.values ?? [], queryMode: 'extended' } as pg.QueryConfig);
        } catch {
          errors++;
        }
        addTime(byTag, s.sql, t);
      }
    } finally {
      await client.end();
    }
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, code: 0, stdout: '', stderr: '', errors, byTag };
}

/** Statements the inspection sent for its own bookkeeping rather than for a check. */
const OWN_TAGS = new Set(['session', 'facts', 'list-databases', '(untagged)']);
const TIMEOUT_WRAPPER = /^\/\* dbpatrol:[^ ]+ \*\/ (SET|RESET) (SESSION )?(statement_timeout|max_execution_time)\b/i;

/** Statements per check tag in a script or a recording. */
const tagCounts = (sqls: readonly string[]): Map<string, number> => {
  const out = new Map<string, number>();
  for (const sql of sqls) out.set(tagOf(sql), (out.get(tagOf(sql)) ?? 0) + 1);
  return out;
};

/**
 * Compares the check statements the inspection sent with the script `dbpatrol checks sql --url` prints for the same
 * server (the shipped CLI, as a DBA would run it): counts, and the checks whose numbers differ.
 */
async function compareWithChecksSql(url: string, sent: readonly Sent[]): Promise<string> {
  const r = await timed(process.execPath, [BIN, 'checks', 'sql', '--url', url, '--tier', TIER]);
  if (r.code !== 0) return `\`dbpatrol checks sql\` failed (exit ${r.code})`;
  const script = r.stdout.split('\n').filter((l) => l.startsWith('/* dbpatrol:'));
  const own = sent.filter((x) => OWN_TAGS.has(tagOf(x.sql)));
  const timeouts = sent.filter((x) => TIMEOUT_WRAPPER.test(x.sql));
  const checkSent = sent.filter((x) => !OWN_TAGS.has(tagOf(x.sql)) && !TIMEOUT_WRAPPER.test(x.sql));
  const a = tagCounts(checkSent.map((x) => x.sql));
  const b = tagCounts(script);
  const differ = [...new Set([...a.keys(), ...b.keys()])]
    .filter((t) => (a.get(t) ?? 0) !== (b.get(t) ?? 0))
    .map((t) => `${t} ${a.get(t) ?? 0} sent / ${b.get(t) ?? 0} listed`);
  return (
    `${checkSent.length} check statements sent (+${own.length} for connections, facts and the database list, ` +
    `+${timeouts.length} timeout settings), \`dbpatrol checks sql --url\` lists ${script.length}` +
    (differ.length ? `; differing: ${differ.join(', ')}` : '; same statements per check')
  );
}

/**
 * Like bench-tools' `interleave` (each contender once to warm up, then all in turn), but round i starts at contender
 * i mod n, so that no contender always follows the same one (the previous one's after-effects: closing connections,
 * server back ends exiting, garbage collection).
 */
async function rotate<T extends readonly (() => Promise<Timed>)[]>(
  runs: number,
  fns: T,
): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>>[] }> {
  for (const fn of fns) await fn();
  const out = fns.map(() => [] as Timed[]);
  for (let i = 0; i < runs; i++)
    for (let j = 0; j < fns.length; j++) {
      const k = (i + j) % fns.length;
      out[k]!.push(await fns[k]!());
    }
  return out as { [K in keyof T]: Awaited<ReturnType<T[K]>>[] };
}

// ---------------------------------------------------------------------------------------------------------------
// What the other tools send, from their client processes

interface ClientCount {
  sessions: number;
  statements: number;
  databases: Set<string>;
}

const unescapeStrace = (s: string): string =>
  s.replace(/\\(n|t|"|\\)/g, (_, c: string) => ({ n: '\n', t: '\t', '"': '"', '\\': '\\' })[c] ?? c);

/** `;`-separated statements outside quotes, empty ones dropped. */
function countStatements(sql: string): number {
  let n = 0;
  for (const part of sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, "''").split(';')) if (part.trim()) n++;
  return n;
}

/**
 * Reads an `strace -f -e trace=execve` log: every `mysql`/`mariadb`/`psql` process that ran SQL (the last program
 * each process became, so the Debian `psql` wrapper counts once) is one session; its `-e`/`-c` text gives the
 * statements and its `-d`/`--database` the database.
 */
function countClients(log: string, acc: ClientCount): void {
  const last = new Map<string, string[]>();
  for (const line of log.split('\n')) {
    const m = /^(\d+)\s+execve\("[^"]*", \[(.*)\], /.exec(line);
    if (!m) continue;
    last.set(
      m[1]!,
      [...m[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => unescapeStrace(a[1]!)),
    );
  }
  for (const argv of last.values()) {
    if (!/(^|\/)(mysql|mariadb|psql)$/.test(argv[0] ?? '')) continue;
    const sqlAt = argv.findIndex((a) => /^-(e|c|Bse|-execute|-command)$/.test(a));
    if (sqlAt < 0) continue;
    acc.sessions++;
    acc.statements += countStatements(argv[sqlAt + 1]!.replace(/^\\w/, ''));
    const dbAt = argv.findIndex((a) => a === '-d' || a === '-D' || a === '--dbname' || a === '--database');
    if (dbAt >= 0 && argv[dbAt + 1]) acc.databases.add(argv[dbAt + 1]!);
  }
}

async function traced(cmd: string, args: string[], acc: ClientCount): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-bench-strace-'));
  try {
    const log = path.join(dir, 'execve.log');
    await timed('strace', ['-f', '-qq', '-e', 'trace=execve', '-s', '65536', '-o', log, cmd, ...args]);
    countClients(await readFile(log, 'utf8'), acc);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const has = async (binary: string): Promise<boolean> =>
  execFileP('sh', ['-c', `command -v ${binary}`]).then(
    () => true,
    () => false,
  );

// ---------------------------------------------------------------------------------------------------------------

interface Side {
  statements: number;
  connections: number;
  databases: number;
}

interface EngineResult {
  engine: string;
  annualChecks: number;
  statuses: Record<string, number>;
  findings: number;
  ours: Side & { failed: number };
  /** The recording against `dbpatrol checks sql`. */
  listed: string;
  inProcess: InspectionRun[];
  floor: FloorRun[];
  /** One session: connect, `SELECT 1`, close. */
  connectOnly: Timed[];
  /** `inspectTarget` alone, checks in catalog order / longest first. */
  catalogOrder: Timed[];
  longestOrder: Timed[];
  longestChecks: string[];
  cli: InspectionRun[];
  /** The CLI running the availability check alone. */
  cliOne: InspectionRun[];
  nodeStart: Timed[];
  /** Checks that sample on purpose, and the CLI run without them (absent when there are none). */
  sampling: string[];
  cliNoSampling?: Timed[];
  peer?: { name: string; runs: Timed[]; findings: number; side?: Side };
}

const sideOf = (sent: readonly Sent[], engine: 'mysql' | 'postgres'): Side & { failed: number } => ({
  failed: sent.filter((s) => s.failed).length,
  statements: sent.length,
  connections: new Set(sent.map((s) => s.connection)).size,
  databases: engine === 'postgres' ? new Set(sent.map((s) => s.database ?? 'postgres')).size : 1,
});

export async function bench(argv: string[]): Promise<string> {
  const at = argv.indexOf('--runs');
  const runs = at >= 0 ? Number(argv[at + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1');
  // In-process rounds cost ~3 s against ~25 s for a round with the other tools: three times as many, for steadier
  // medians of the ~100 ms MariaDB inspection.
  const inProcessRuns = 3 * runs;
  const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-bench-catalog-'));
  try {
    // Record what one annual inspection of each engine sends (untimed), after a warm-up so that both are steady.
    await inProcess(MARIADB_URL, dir);
    await inProcess(POSTGRES_URL, dir);
    const recorder = recordDrivers();
    let mysqlSent: Sent[];
    let pgSent: Sent[];
    let mysqlReport: InspectionReport;
    let pgReport: InspectionReport;
    try {
      mysqlReport = (await inProcess(MARIADB_URL, dir)).report;
      mysqlSent = recorder.sent.splice(0);
      pgReport = (await inProcess(POSTGRES_URL, dir)).report;
      pgSent = recorder.sent.splice(0);
    } finally {
      recorder.stop();
    }
    const pgDatabases = [...byDatabase(pgSent).keys()];
    const myListed = await compareWithChecksSql(MARIADB_URL, mysqlSent);
    const pgListed = await compareWithChecksSql(POSTGRES_URL, pgSent);

    const peers = { tuner: await has('mysqltuner'), checkPostgres: await has('check_postgres') };
    const tuner = () => timed('mysqltuner', TUNER_ARGS(new URL(MARIADB_URL)));
    const pgUrl = new URL(POSTGRES_URL);
    const cpCommon = [
      '--host',
      pgUrl.hostname,
      '--port',
      pgUrl.port || '5432',
      '--dbuser',
      decodeURIComponent(pgUrl.username),
    ];
    const cpCommands: string[][] = [
      ...CHECK_POSTGRES_CLUSTER.map(([action, ...args]) => [
        `--action=${action}`,
        ...cpCommon,
        '--dbname',
        decodeURIComponent(pgUrl.pathname.slice(1)) || 'postgres',
        ...args,
      ]),
      ...CHECK_POSTGRES_PER_DATABASE.map(([action, ...args]) => [
        `--action=${action}`,
        ...cpCommon,
        '--dbname',
        pgDatabases.join(','),
        ...args,
      ]),
    ];
    const checkPostgres = async (): Promise<Timed> => {
      const started = process.hrtime.bigint();
      let stdout = '';
      for (const args of cpCommands) stdout += (await timed('check_postgres', args)).stdout;
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, code: 0, stdout, stderr: '' };
    };
    const skipped = async (): Promise<Timed> => ({ ms: 0, code: null, stdout: '', stderr: '' });
    // The bare cost of one session: connect, one trivial statement, close.
    const one: Sent[] = [{ connection: 0, database: 'postgres', sql: 'SELECT 1' }];

    // 1. In process against the floor, each session's bare cost, and the engine alone in catalog order and longest
    // check first; all in turn, rotating.
    const myLongest = longestFirst(mysqlReport);
    const pgLongest = longestFirst(pgReport);
    // One engine at a time, so that a MariaDB contender never runs while PostgreSQL back ends are still exiting.
    const [myIn, myFloor, myConn, myCatalogOrder, myLongestOrder] = await rotate(inProcessRuns, [
      () => inProcess(MARIADB_URL, dir),
      () => mysqlFloor(MARIADB_URL, mysqlSent),
      () => mysqlFloor(MARIADB_URL, one),
      () => engineOnly(MARIADB_URL, CHECKS),
      () => engineOnly(MARIADB_URL, myLongest),
    ] as const);
    const [pgIn, pgFloor, pgConn, pgCatalogOrder, pgLongestOrder] = await rotate(inProcessRuns, [
      () => inProcess(POSTGRES_URL, dir),
      () => postgresFloor(POSTGRES_URL, pgSent),
      () => postgresFloor(POSTGRES_URL, one),
      () => engineOnly(POSTGRES_URL, CHECKS),
      () => engineOnly(POSTGRES_URL, pgLongest),
    ] as const);

    // 2. The CLI end to end against the other tools, with what the CLI pays before any check: starting Node, and a
    // run of the availability check alone (Node, loading the program, connecting, one check, the report); all in turn.
    const availability = (engine: 'mariadb' | 'postgres') =>
      selectChecks(CHECKS, engine, 'daily').find((c) => c.availability)?.id ?? '';
    // Checks that wait on purpose (a sampling burst: `pg_sleep`/`SLEEP` in their SQL), which no other tool does: the
    // CLI is also timed without them, to show what they add.
    const sampling = (sent: readonly Sent[]) => [
      ...new Set(sent.filter((x) => /\bpg_sleep\s*\(|\bsleep\s*\(/i.test(x.sql)).map((x) => tagOf(x.sql))),
    ];
    const withoutSampling = (engine: 'mariadb' | 'postgres', sent: readonly Sent[]): string | undefined => {
      const skip = new Set(sampling(sent));
      return skip.size
        ? selectChecks(CHECKS, engine, TIER)
            .filter((c) => !skip.has(c.id))
            .map((c) => c.id)
            .join(',')
        : undefined;
    };
    const myRest = withoutSampling('mariadb', mysqlSent);
    const pgRest = withoutSampling('postgres', pgSent);
    const [myCli, tunerRuns, pgCli, cpRuns, nodeStart, myOne, pgOne, myNoSampling, pgNoSampling] = await rotate(runs, [
      () => cli(MARIADB_URL, dir),
      peers.tuner ? tuner : skipped,
      () => cli(POSTGRES_URL, dir),
      peers.checkPostgres ? checkPostgres : skipped,
      () => timed(process.execPath, ['-e', '0']),
      () => cli(MARIADB_URL, dir, availability('mariadb')),
      () => cli(POSTGRES_URL, dir, availability('postgres')),
      myRest ? () => cli(MARIADB_URL, dir, myRest) : skipped,
      pgRest ? () => cli(POSTGRES_URL, dir, pgRest) : skipped,
    ] as const);

    // What the other tools send: one more run each, under strace (not timed).
    const canTrace = await has('strace');
    let tunerSide: Side | undefined;
    let cpSide: Side | undefined;
    if (canTrace && peers.tuner) {
      const acc: ClientCount = { sessions: 0, statements: 0, databases: new Set() };
      await traced('mysqltuner', TUNER_ARGS(new URL(MARIADB_URL)), acc);
      tunerSide = { statements: acc.statements, connections: acc.sessions, databases: 1 };
    }
    if (canTrace && peers.checkPostgres) {
      const acc: ClientCount = { sessions: 0, statements: 0, databases: new Set() };
      for (const args of cpCommands) await traced('check_postgres', args, acc);
      cpSide = { statements: acc.statements, connections: acc.sessions, databases: acc.databases.size };
    }

    const statuses = (r: InspectionReport) =>
      r.checks.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.status]: (acc[c.status] ?? 0) + 1 }), {});
    const results: EngineResult[] = [
      {
        engine: `MariaDB ${mysqlReport.server?.version ?? ''}`.trim(),
        annualChecks: selectChecks(CHECKS, 'mariadb', TIER).length,
        statuses: statuses(mysqlReport),
        findings: mysqlReport.findings.length,
        ours: sideOf(mysqlSent, 'mysql'),
        listed: myListed,
        inProcess: myIn,
        floor: myFloor,
        connectOnly: myConn,
        catalogOrder: myCatalogOrder,
        longestOrder: myLongestOrder,
        longestChecks: myLongest
          .filter((c) => c.engine === 'mysql')
          .slice(0, 2)
          .map((c) => c.id),
        cli: myCli,
        cliOne: myOne,
        nodeStart,
        sampling: sampling(mysqlSent),
        ...(myRest ? { cliNoSampling: myNoSampling } : {}),
        ...(peers.tuner
          ? {
              peer: {
                name: 'mysqltuner',
                runs: tunerRuns,
                findings: (tunerRuns.at(-1)?.stdout.match(/^\[!!\]/gm) ?? []).length,
                ...(tunerSide ? { side: tunerSide } : {}),
              },
            }
          : {}),
      },
      {
        engine: `PostgreSQL ${pgReport.server?.version ?? ''}`.trim(),
        annualChecks: selectChecks(CHECKS, 'postgres', TIER).length,
        statuses: statuses(pgReport),
        findings: pgReport.findings.length,
        ours: sideOf(pgSent, 'postgres'),
        listed: pgListed,
        inProcess: pgIn,
        floor: pgFloor,
        connectOnly: pgConn,
        catalogOrder: pgCatalogOrder,
        longestOrder: pgLongestOrder,
        longestChecks: pgLongest
          .filter((c) => c.engine === 'postgres')
          .slice(0, 2)
          .map((c) => c.id),
        cli: pgCli,
        cliOne: pgOne,
        nodeStart,
        sampling: sampling(pgSent),
        ...(pgRest ? { cliNoSampling: pgNoSampling } : {}),
        ...(peers.checkPostgres
          ? {
              peer: {
                name: `check_postgres (${cpCommands.length} actions)`,
                runs: cpRuns,
                findings: (cpRuns.at(-1)?.stdout.match(/^POSTGRES_\S+ (WARNING|CRITICAL)/gm) ?? []).length,
                ...(cpSide ? { side: cpSide } : {}),
              },
            }
          : {}),
      },
    ];
    return formatCatalogResults(results, runs, inProcessRuns, peers);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

function formatCatalogResults(
  results: EngineResult[],
  runs: number,
  inProcessRuns: number,
  peers: { tuner: boolean; checkPostgres: boolean },
): string {
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  const med = (xs: readonly Timed[]) => median(xs.map((t) => t.ms));
  const side = (s: Side, engine: string) =>
    `${s.statements} statements, ${s.connections} connections${engine.startsWith('PostgreSQL') ? `, ${s.databases} databases` : ''}`;
  const lines = [
    `Annual-tier inspection (every check registered when the bench ran), contenders in turn (rotating) after one warm-up each, medians of ${inProcessRuns} rounds in process and ${runs} rounds end to end, on this machine (${new Date().toISOString().slice(0, 10)}).`,
    '',
    '| engine | annual-tier checks registered (pass/fail/skipped/error) | DB Patrol sent (recorded at the driver) | floor: the same statements on one connection (per database) | DB Patrol in process (`runInspectCommand`, JSON to a file) | ratio to floor (goal ≤ 1.3×) | statements that failed: inspection / floor |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const ratio = med(r.inProcess) / med(r.floor);
    const st = r.statuses;
    lines.push(
      `| ${r.engine} | ${r.annualChecks} (${st.pass ?? 0}/${st.fail ?? 0}/${st.skipped ?? 0}/${st.error ?? 0}) | ${side(r.ours, r.engine)} | ${f(med(r.floor))} (${r.ours.databases} connection${r.ours.databases === 1 ? '' : 's'}) | ${f(med(r.inProcess))} | ${ratio.toFixed(2)}× ${ratio <= 1.3 ? 'pass' : '**fail**'} | ${r.ours.failed} / ${r.floor.at(-1)?.errors ?? 0} |`,
    );
  }
  lines.push('');
  for (const r of results) lines.push(`${r.engine}, what was recorded: ${r.listed}.`);
  lines.push(
    '',
    '| engine | DB Patrol CLI end to end (new Node process) | of which: Node start (`node -e 0`) / CLI with the availability check only | other tool | other tool sent (from its client processes) | other tool time | other / DB Patrol CLI | goal | findings DB Patrol / other |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of results) {
    const start = `${f(med(r.nodeStart))} / ${f(med(r.cliOne))}`;
    const goal = r.engine.startsWith('PostgreSQL') ? 5 : 10;
    if (!r.peer) {
      lines.push(
        `| ${r.engine} | ${f(med(r.cli))} | ${start} | not installed (${MISSING_PEERS}) | – | – | – | ≥ ${goal}× | – |`,
      );
      continue;
    }
    const ratio = med(r.peer.runs) / med(r.cli);
    lines.push(
      `| ${r.engine} | ${f(med(r.cli))} | ${start} | ${r.peer.name} | ${r.peer.side ? side(r.peer.side, r.engine) : 'n/a (no strace)'} | ${f(med(r.peer.runs))} | ${ratio.toFixed(1)}× | ≥ ${goal}× ${ratio >= goal ? 'pass' : '**fail**'} | ${r.findings} / ${r.peer.findings} |`,
    );
  }
  for (const r of results) {
    if (!r.cliNoSampling || !r.peer) continue;
    const ms = med(r.cliNoSampling);
    lines.push(
      '',
      `${r.engine}: the CLI without the checks that sample on purpose (${r.sampling.join(', ')}): ${f(ms)}, ${r.peer.name} / that = ${(med(r.peer.runs) / ms).toFixed(1)}×.`,
    );
  }
  lines.push('', 'Where the in-process time goes (medians):', '');
  lines.push(
    '| engine | in process | of which the inspection engine (`durationMs`) | floor | one connection: connect, `SELECT 1`, close | connections DB Patrol opened | engine alone, catalog order / longest checks first (order from the recorded run) | slowest checks: inspection ms / floor ms of their statements |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of results) {
    const engineMs = median(r.inProcess.map((t) => t.report.durationMs));
    const floorOf = (id: string) => median(r.floor.map((t) => t.byTag.get(id) ?? 0));
    const perCheck = new Map<string, number[]>();
    for (const run of r.inProcess)
      for (const c of run.report.checks) perCheck.set(c.checkId, [...(perCheck.get(c.checkId) ?? []), c.durationMs]);
    const slowest = [...perCheck]
      .map(([id, ms]) => [id, median(ms)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([id, ms]) => `${id} ${ms.toFixed(0)} / ${floorOf(id).toFixed(0)}`)
      .join('; ');
    lines.push(
      `| ${r.engine} | ${f(med(r.inProcess))} | ${f(engineMs)} | ${f(med(r.floor))} | ${f(med(r.connectOnly))} | ${r.ours.connections} | ${f(med(r.catalogOrder))} / ${f(med(r.longestOrder))} (first: ${r.longestChecks.join(', ')}) | ${slowest} |`,
    );
  }
  if (!peers.tuner || !peers.checkPostgres) lines.push('', `Missing other tools: ${MISSING_PEERS}`);
  return lines.join('\n') + '\n';
}
