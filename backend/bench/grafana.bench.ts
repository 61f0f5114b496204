import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { createLogger, type Logger } from '../src/logging/logger.js';
import type { Store } from '../src/store/store.js';
import { createContext } from '../src/runtime/context.js';
import { startServer } from '../src/runtime/serve.js';
import { createScratchDatabase } from '../src/test/pg-fixtures.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { quantile } from './schedules.bench.js';
import { CHECKS } from '../src/checks/registry.js';
import { bucketMs } from '../src/grafana/data-frame.js';
import { GrafanaService } from '../src/grafana/grafana.service.js';
import type { QueryRequest } from '../src/grafana/grafana.schema.js';

export interface GrafanaBenchOptions {
  instances: number;
  days: number;
  requests: number;
  maxDataPoints: number;
}

interface Timing {
  label: string;
  ms: number[];
  bytes: number;
  points: number;
}

/** Where one query's time goes, measured in the bench process without HTTP (p50 / p95 of `requests` runs each). */
interface Stages {
  label: string;
  /** PostgreSQL's own execution time of the store query (EXPLAIN ANALYZE), without sending rows. */
  serverMs: number[];
  /** The repository call: the query, node-postgres decoding its rows, and bucketing. */
  storeMs: number[];
  /** The service: inventory, the repository call and building the frames. */
  serviceMs: number[];
  /** `JSON.stringify` of the service's answer, the floor of any JSON response. */
  stringifyMs: number[];
}

export interface GrafanaBenchResult {
  options: GrafanaBenchOptions;
  stages: Stages[];
  reports: number;
  findings: number;
  seedSeconds: number;
  timings: Timing[];
}

const log = (msg: string): void => void process.stderr.write(`bench grafana: ${msg}\n`);
const DAY = 86_400_000;

/** Inventory and a year of daily reports, generated inside PostgreSQL; the findings trigger runs on every row. */
async function seed(db: pg.Pool, o: GrafanaBenchOptions, start: number): Promise<void> {
  await db.query(`
    INSERT INTO businesses(id, name, created_at, updated_at)
      SELECT 'biz-' || b, 'business ' || b, now(), now() FROM generate_series(0, 9) b;
    INSERT INTO hosts(id, name, business_id, address, created_at, updated_at)
      SELECT 'host-' || h, 'host-' || h, 'biz-' || (h % 10), '10.0.' || (h / 250) || '.' || (h % 250), now(), now()
      FROM generate_series(0, ${Math.ceil(o.instances / 5) - 1}) h;
    INSERT INTO instances(id, name, host_id, engine, port, user_name, created_at, updated_at)
      SELECT 'inst-' || i, 'db-' || lpad(i::text, 4, '0'), 'host-' || (i / 5),
        CASE WHEN i % 2 = 0 THEN 'postgres' ELSE 'mariadb' END, CASE WHEN i % 2 = 0 THEN 5432 ELSE 3306 END,
        'monitor', now(), now()
      FROM generate_series(0, ${o.instances - 1}) i;`);
  // A bulk load: the packed series (migration 10) are built once afterwards by the migration's backfill function
  // instead of one trigger update per report.
  await db.query('ALTER TABLE reports DISABLE TRIGGER reports_series_add');
  // One month of days per statement keeps each transaction moderate and shows progress.
  for (let d0 = 0; d0 < o.days; d0 += 30) {
    const d1 = Math.min(o.days, d0 + 30) - 1;
    await db.query(
      `WITH checks AS (
         SELECT jsonb_agg(jsonb_build_object('checkId', 'bench.check-' || k, 'catalogRef', 'PG-W' || lpad(k::text, 2, '0'),
           'category', 'objects', 'tier', 'daily', 'status', 'pass', 'durationMs', 4, 'findingCount', 0)) AS list
         FROM generate_series(1, 30) k
       )
       INSERT INTO reports(id, instance_id, business_id, tier, started_at, window_from, window_to, score, max_severity,
         summary, document)
       SELECT 'rep-' || i || '-' || d, 'inst-' || i, 'biz-' || ((i / 5) % 10), 'daily', ts, ts - interval '1 day', ts,
         100 - f.crit * 15 - f.warn * 5 - f.info, CASE WHEN f.crit > 0 THEN 3 WHEN f.warn > 0 THEN 2 WHEN f.info > 0 THEN 1 END,
         s.summary, s.summary || jsonb_build_object('checks', checks.list, 'findings', f.list, 'thresholds', '{}'::jsonb,
           'catalogVersion', 'bench', 'language', 'en', 'fingerprints', '{}'::jsonb, 'server', null)
       FROM generate_series(0, $3::int - 1) i, generate_series($1::int, $2::int) d, checks,
         LATERAL (SELECT to_timestamp($4::float8 / 1000) + d * interval '1 day' + (i % 60) * interval '1 second' AS ts) t,
         LATERAL (
           SELECT COALESCE(jsonb_agg(jsonb_build_object('checkId', 'bench.check-' || k, 'catalogRef',
               'PG-W' || lpad(k::text, 2, '0'), 'category', 'objects', 'tier', 'daily', 'severity', sev,
               'object', 'public.table_' || ((i * k) % 50), 'message',
               'public.table_' || ((i * k) % 50) || ' has ' || (d * k * 100) || ' dead tuples (threshold 10000)',
               'value', d * k * 100, 'threshold', 10000,
               'remediation', 'VACUUM (ANALYZE) the table and review its autovacuum settings',
               'evidence', jsonb_build_array(jsonb_build_object('relname', 'table_' || k, 'n_dead_tup', d * k * 100)))),
             '[]'::jsonb) AS list,
             count(*) FILTER (WHERE sev = 'critical')::int AS crit, count(*) FILTER (WHERE sev = 'warning')::int AS warn,
             count(*) FILTER (WHERE sev = 'info')::int AS info
           FROM (SELECT k, CASE WHEN k = 1 AND (i + d) % 11 = 0 THEN 'critical' WHEN k <= 2 THEN 'warning' ELSE 'info' END AS sev
                 FROM generate_series(1, (i * 7 + d) % 6) k) z
         ) f,
         LATERAL (SELECT jsonb_build_object('id', 'rep-' || i || '-' || d, 'instanceId', 'inst-' || i,
           'instanceName', 'db-' || lpad(i::text, 4, '0'), 'engine', CASE WHEN i % 2 = 0 THEN 'postgres' ELSE 'mariadb' END,
           'instance', jsonb_build_object('id', 'inst-' || i, 'name', 'db-' || lpad(i::text, 4, '0'),
             'engine', CASE WHEN i % 2 = 0 THEN 'postgres' ELSE 'mariadb' END),
           'businessId', 'biz-' || ((i / 5) % 10), 'tier', 'daily',
           'window', jsonb_build_object('from', ts - interval '1 day', 'to', ts), 'startedAt', ts, 'finishedAt', ts,
           'durationMs', 1200, 'score', 100 - f.crit * 15 - f.warn * 5 - f.info,
           'counts', jsonb_build_object('pass', 30 - (f.crit + f.warn + f.info), 'fail', f.crit + f.warn + f.info,
             'error', 0, 'skipped', 0, 'critical', f.crit, 'warning', f.warn, 'info', f.info),
           'maxSeverity', CASE WHEN f.crit > 0 THEN 'critical' WHEN f.warn > 0 THEN 'warning' WHEN f.info > 0 THEN 'info' END,
           'reachable', true, 'trigger', jsonb_build_object('kind', 'schedule'), 'contentHash', md5(i || '-' || d)) AS summary
         ) s`,
      [d0, d1, o.instances, start],
    );
    log(`reports through day ${d1 + 1} of ${o.days}`);
  }
  await db.query('ALTER TABLE reports ENABLE TRIGGER reports_series_add');
  await db.query('SELECT report_series_fill(NULL, NULL, NULL)');
  await db.query('VACUUM ANALYZE reports, report_findings, report_series, instances, hosts, businesses');
}

/** `npm run bench -- grafana`: the datasource's queries over a year of daily reports of 500 instances. */
export async function benchGrafana(o: GrafanaBenchOptions): Promise<GrafanaBenchResult> {
  const scratch = await createScratchDatabase('dbpatrol_bench_grafana');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-bench-grafana-'));
  try {
    const store = new PostgresStore({ connectionString: scratch.url, poolSize: 2 });
    await store.migrate();
    const end = Date.parse('2026-12-01T00:00:00.000Z');
    const start = end - o.days * DAY;
    const seeded = Date.now();
    log(`generating ${o.instances} instances × ${o.days} daily reports in ${scratch.name}`);
    await seed(store.db.pool, o, start);
    const seedSeconds = (Date.now() - seeded) / 1000;
    const [{ reports, findings }] = (await store.db.query<{ reports: number; findings: number }>(
      'SELECT (SELECT count(*)::int FROM reports) AS reports, (SELECT count(*)::int FROM report_findings) AS findings',
    )) as [{ reports: number; findings: number }];
    await store.close();

    const token = `bench-${randomBytes(16).toString('hex')}`;
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const ctx = await createContext(
      loadConfig({}, { DBPATROL_STORE_URL: scratch.url, DBPATROL_DATA_DIR: dataDir, DBPATROL_API_TOKEN: token }),
      createLogger({ level: 'warn', destination: sink }),
    );
    const running = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    try {
      const range = { from: new Date(start).toISOString(), to: new Date(end + DAY).toISOString() };
      const post = (queryType: string, extra: Record<string, unknown> = {}) => ({
        method: 'POST',
        route: '/api/v1/grafana/query',
        body: { range, maxDataPoints: o.maxDataPoints, queries: [{ refId: 'A', queryType, ...extra }] },
      });
      const cases: { label: string; method: string; route: string; body?: unknown }[] = [
        { label: `scores, all ${o.instances} instances, ${o.days} days`, ...post('scores') },
        { label: `scores, one business (${o.instances / 10} instances)`, ...post('scores', { businessId: 'biz-3' }) },
        { label: `findingCounts, all instances, ${o.days} days`, ...post('findingCounts') },
        { label: 'findings of the latest report per instance', ...post('findings') },
        { label: 'baseline: GET /api/v1/reports?limit=100', method: 'GET', route: '/api/v1/reports?limit=100' },
        {
          label: 'baseline: GET /api/v1/grafana/health (store round trips)',
          method: 'GET',
          route: '/api/v1/grafana/health',
        },
      ];
      const timings: Timing[] = cases.map((c) => ({ label: c.label, ms: [], bytes: 0, points: 0 }));
      const once = async (i: number): Promise<number> => {
        const c = cases[i]!;
        const t0 = process.hrtime.bigint();
        const res = await fetch(running.url + c.route, {
          method: c.method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
        });
        const text = await res.text();
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (res.status !== 200 || /^\{"results":\{"A":\{"error"/.test(text)) {
          throw new Error(`${c.label}: ${res.status} ${text.slice(0, 300)}`);
        }
        timings[i]!.bytes = text.length;
        if (c.body !== undefined) {
          const body = JSON.parse(text) as { results: { A: { frames: { data: { values: unknown[][] } }[] } } };
          timings[i]!.points = body.results.A.frames.reduce((n, f) => n + (f.data.values[0]?.length ?? 0), 0);
        }
        return ms;
      };
      for (let w = 0; w < 3; w++) for (let i = 0; i < cases.length; i++) await once(i);
      // Interleaved so that a machine whose speed drifts slows every query alike.
      for (let r = 0; r < o.requests; r++) for (let i = 0; i < cases.length; i++) timings[i]!.ms.push(await once(i));
      const stages = await measureStages(ctx.store, scratch.url, o, range, ctx.logger);
      return { options: o, stages, reports, findings, seedSeconds, timings };
    } finally {
      await running.stop();
      await ctx.close();
    }
  } finally {
    await scratch.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const elapsed = async (work: () => Promise<unknown>): Promise<number> => {
  const t0 = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

/** The two fleet-wide series queries split into stages, in process, interleaved as the HTTP rows are. */
async function measureStages(
  store: Store,
  url: string,
  o: GrafanaBenchOptions,
  range: { from: string; to: string },
  logger: Logger,
): Promise<Stages[]> {
  const service = new GrafanaService({ store, checks: CHECKS, version: 'bench', logger });
  const bucket = bucketMs(Date.parse(range.from), Date.parse(range.to), o.maxDataPoints);
  const scope = { from: range.from, to: range.to };
  const { Client } = (await import('pg')).default;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // The repository's query (report-analytics.repository.pg.ts) with the same parameters.
    const explain = async (column: string): Promise<number> => {
      const res = await client.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) SELECT instance_id,
           (extract(epoch FROM month::timestamp) * 1000)::float8 AS month_ms, times, ${column}
         FROM report_series
         WHERE month >= date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC')::date
           AND month < $2::timestamptz AT TIME ZONE 'UTC'
           AND ($3::text IS NULL OR tier = $3) AND ($4::text[] IS NULL OR instance_id = ANY($4))
         ORDER BY instance_id`,
        [range.from, range.to, null, null],
      );
      return res.rows[0]!['QUERY PLAN'][0]['Execution Time'];
    };
    const request = (queryType: string): QueryRequest => ({
      range,
      maxDataPoints: o.maxDataPoints,
      queries: [{ refId: 'A', queryType }],
    });
    const kinds = [
      {
        label: `scores, all ${o.instances} instances`,
        column: 'scores',
        store: () => store.reportAnalytics.scoreSeries(scope, bucket),
        request: request('scores'),
      },
      {
        label: 'findingCounts, all instances',
        column: 'counts',
        store: () => store.reportAnalytics.findingCountSeries(scope, bucket),
        request: request('findingCounts'),
      },
    ];
    const out: Stages[] = kinds.map((k) => ({
      label: k.label,
      serverMs: [],
      storeMs: [],
      serviceMs: [],
      stringifyMs: [],
    }));
    for (let r = 0; r < o.requests + 3; r++) {
      for (let i = 0; i < kinds.length; i++) {
        const k = kinds[i]!;
        const server = await explain(k.column);
        const storeMs = await elapsed(k.store);
        let answer: unknown;
        const serviceMs = await elapsed(async () => (answer = await service.query(k.request)));
        const stringifyMs = await elapsed(async () => JSON.stringify(answer));
        if (r < 3) continue;
        out[i]!.serverMs.push(server);
        out[i]!.storeMs.push(storeMs);
        out[i]!.serviceMs.push(serviceMs);
        out[i]!.stringifyMs.push(stringifyMs);
      }
    }
    return out;
  } finally {
    await client.end();
  }
}

export function formatGrafanaResults(r: GrafanaBenchResult): string {
  const s = (ms: number) => `${ms.toFixed(1)} ms`;
  const baseline = r.timings.find((t) => t.label.startsWith('baseline: GET /api/v1/reports'))!;
  const baseP95 = quantile(baseline.ms, 0.95);
  const lines = [
    `### Grafana datasource (\`npm run bench -- grafana\`)`,
    '',
    `${r.options.instances} instances × ${r.options.days} daily reports = ${r.reports} reports (${r.findings} findings) ` +
      `generated in a scratch PostgreSQL database in ${r.seedSeconds.toFixed(0)} s; each query over real HTTP to the API ` +
      `in the bench process, ${r.options.requests} timed requests per row (interleaved, after 3 warm-ups), ` +
      `maxDataPoints ${r.options.maxDataPoints}.`,
    '',
    '| request | p50 | p95 | goal | p95 / goal | p95 / baseline p95 | points | response |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const t of r.timings) {
    const p95 = quantile(t.ms, 0.95);
    const isBaseline = t.label.startsWith('baseline');
    const goal = isBaseline ? '' : '≤ 50 ms';
    const vsGoal = isBaseline ? '' : `${(p95 / 50).toFixed(2)}× ${p95 <= 50 ? '✅' : '❌'}`;
    lines.push(
      `| ${t.label} | ${s(quantile(t.ms, 0.5))} | ${s(p95)} | ${goal} | ${vsGoal} | ${(p95 / baseP95).toFixed(2)}× | ` +
        `${t.points || ''} | ${(t.bytes / 1024).toFixed(0)} KiB |`,
    );
  }
  const pair = (xs: number[]) => `${s(quantile(xs, 0.5))} / ${s(quantile(xs, 0.95))}`;
  lines.push(
    '',
    `Where the time goes (in the bench process without HTTP, ${r.options.requests} runs each after 3 warm-ups, ` +
      'p50 / p95): PostgreSQL executing the store query (EXPLAIN ANALYZE, rows not sent); the repository call (query, ' +
      'node-postgres decoding the packed rows, bucketing); the service (inventory, repository, frames); `JSON.stringify` ' +
      'of its answer. The HTTP row above adds the response schema check, Express, loopback and the client reading it.',
    '',
    '| query | PostgreSQL execution | repository call | service | JSON.stringify |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const t of r.stages) {
    lines.push(
      `| ${t.label} | ${pair(t.serverMs)} | ${pair(t.storeMs)} | ${pair(t.serviceMs)} | ${pair(t.stringifyMs)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
