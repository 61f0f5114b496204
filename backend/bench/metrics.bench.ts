import pg from 'pg';
import { median } from './bench-tools.js';
import { startApiHarness } from '../src/test/api-harness.js';

export interface MetricsBenchOptions {
  instances: number;
  schedules: number;
  /** Days of daily reports per instance and of runs per schedule already in the store. */
  historyDays: number;
  runs: number;
}

export interface MetricsBenchResult {
  options: MetricsBenchOptions;
  rows: { reports: number; inspections: number; series: number; bytes: number };
  /** Client-side latency of `GET /readyz` (HTTP + token-free route + one store ping): the fixed cost of a request. */
  baseline: number[];
  /** Client-side latency of `GET /metrics` with a token. */
  scrape: number[];
  /** The store part of each scrape, as the endpoint reports it (`dbpatrol_metrics_collect_seconds`). */
  collect: number[];
}

const CHECKS = 66;

/** Seeds the inventory, reports, schedules and runs in bulk with SQL shaped like what the repositories write. */
export async function seed(url: string, o: MetricsBenchOptions): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      INSERT INTO businesses(id, name, created_at, updated_at)
        SELECT 'b' || g, 'business-' || g, now(), now() FROM generate_series(1, 10) g;
      INSERT INTO hosts(id, name, business_id, address, created_at, updated_at)
        SELECT 'h' || g, 'host-' || g, 'b' || (1 + g % 10), '10.0.' || (g / 250) || '.' || (g % 250), now(), now()
        FROM generate_series(1, ${Math.ceil(o.instances / 2)}) g;
      INSERT INTO instances(id, name, host_id, engine, port, user_name, created_at, updated_at)
        SELECT 'i' || g, 'inst-' || g, 'h' || (1 + (g - 1) / 2), CASE WHEN g % 2 = 0 THEN 'postgres' ELSE 'mysql' END,
          CASE WHEN g % 2 = 0 THEN 5432 ELSE 3306 END, 'dbpatrol', now(), now()
        FROM generate_series(1, ${o.instances}) g;`);
    // Each report: 66 check outcomes (three failing, one errored) and a summary, one per instance and day.
    await client.query(
      `WITH checks AS (
         SELECT jsonb_agg(jsonb_build_object('checkId', 'check.' || c, 'catalogRef', 'MY-D' || c, 'category', 'availability',
           'tier', 'daily', 'durationMs', 3, 'findingCount', CASE WHEN c <= 3 THEN 1 ELSE 0 END,
           'status', CASE WHEN c <= 3 THEN 'fail' WHEN c = 4 THEN 'error' ELSE 'pass' END,
           'severity', CASE c WHEN 1 THEN 'critical' WHEN 2 THEN 'warning' WHEN 3 THEN 'info' END)
           ORDER BY c) AS list
         FROM generate_series(1, ${CHECKS}) c)
       INSERT INTO reports(id, instance_id, business_id, tier, started_at, window_from, window_to, score, max_severity,
         summary, document)
       SELECT 'r' || i || '-' || d, 'i' || i, 'b1', 'daily', t, t - interval '1 day', t, 74, 3,
         jsonb_build_object('finishedAt', t + interval '2 seconds', 'durationMs', 2000,
           'counts', jsonb_build_object('pass', 62, 'fail', 3, 'error', 1, 'skipped', 0, 'critical', 1, 'warning', 1, 'info', 1)),
         jsonb_build_object('checks', checks.list, 'findings', '[]'::jsonb, 'score', 74)
       FROM generate_series(1, $1::int) i, generate_series(1, $2::int) d, checks,
         LATERAL (SELECT now() - d * interval '1 day' AS t) tt`,
      [o.instances, o.historyDays],
    );
    await client.query(
      `INSERT INTO schedules(id, name, status, version, spec, created_at, updated_at, created_by)
       SELECT 's' || g, 'schedule-' || g, 'active', 1,
         jsonb_build_object('tier', 'daily', 'frequency', jsonb_build_object('kind', 'daily'),
           'time', lpad((g % 24)::text, 2, '0') || ':00:00', 'timezone', 'Asia/Shanghai', 'windowDays', 1,
           'catchUp', 'latest', 'selector', jsonb_build_object('businessId', 'b' || (1 + g % 10))),
         now() - interval '60 days', now() - interval '60 days', 'bench'
       FROM generate_series(1, $1::int) g`,
      [o.schedules],
    );
    await client.query(
      `INSERT INTO inspections(id, schedule_id, fire_at, state, attempt, created_at, document)
       SELECT 'x' || g || '-' || d, 's' || g, t, CASE WHEN d % 29 = 0 THEN 'missed' ELSE 'succeeded' END, 1, t,
         jsonb_build_object('trigger', jsonb_build_object('kind', 'schedule', 'scheduleId', 's' || g),
           'startedAt', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'finishedAt', to_char((t + (d % 90) * interval '1 second') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'worker', 'worker-' || (g % 2), 'progress', '[]'::jsonb)
       FROM generate_series(1, $1::int) g, generate_series(1, $2::int) d,
         LATERAL (SELECT now() - d * interval '1 day' AS t) tt`,
      [o.schedules, o.historyDays],
    );
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/**
 * `npm run bench -- metrics`: a real API on a scratch PostgreSQL store holding `instances` instances with
 * `historyDays` of daily reports and `schedules` schedules with as many runs; scrapes `/metrics` in turn with the
 * baseline `GET /readyz`.
 */
export async function benchMetrics(o: MetricsBenchOptions): Promise<MetricsBenchResult> {
  const api = await startApiHarness({ DBPATROL_LOG_LEVEL: 'warn' });
  try {
    await seed(api.ctx.config.storeUrl!, o);
    const time = async (route: string, token: string | null) => {
      const started = performance.now();
      const res = await api.call('GET', route, { token });
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`${route} answered ${res.status}`);
      return { ms, text: res.text };
    };
    await time('/metrics', api.adminToken);
    await time('/readyz', null);
    const baseline: number[] = [];
    const scrape: number[] = [];
    const collect: number[] = [];
    let last = '';
    for (let i = 0; i < o.runs; i++) {
      baseline.push((await time('/readyz', null)).ms);
      const s = await time('/metrics', api.adminToken);
      scrape.push(s.ms);
      last = s.text;
      collect.push(1000 * Number(/^dbpatrol_metrics_collect_seconds (\S+)$/m.exec(last)?.[1]));
    }
    const series = last.split('\n').filter((l) => l && !l.startsWith('#')).length;
    return {
      options: o,
      rows: {
        reports: o.instances * o.historyDays,
        inspections: o.schedules * o.historyDays,
        series,
        bytes: last.length,
      },
      baseline,
      scrape,
      collect,
    };
  } finally {
    api.bodies.length = 0;
    await api.close();
  }
}

const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const ms = (x: number): string => `${x.toFixed(1)} ms`;

export function formatMetricsResults(r: MetricsBenchResult): string {
  const o = r.options;
  const ok = median(r.scrape) <= 100 ? 'pass' : '**fail**';
  return [
    `\`GET /metrics\` on a PostgreSQL store, ${o.runs} scrapes in turn with the baseline after one warm-up, on this machine (${new Date().toISOString().slice(0, 10)}).`,
    `Store: ${o.instances} instances with ${o.historyDays} days of daily reports (${r.rows.reports} reports of ${CHECKS} checks), ` +
      `${o.schedules} active schedules with ${r.rows.inspections} runs. Output: ${r.rows.series} series, ${Math.round(r.rows.bytes / 1024)} KiB.`,
    '',
    '| measure | median | p95 |',
    '| --- | --- | --- |',
    `| baseline: \`GET /readyz\` (HTTP round trip + one store ping) | ${ms(median(r.baseline))} | ${ms(p95(r.baseline))} |`,
    `| \`GET /metrics\` end to end (goal ≤ 100 ms: ${ok}) | ${ms(median(r.scrape))} | ${ms(p95(r.scrape))} |`,
    `| of which reading the store (\`dbpatrol_metrics_collect_seconds\`) | ${ms(median(r.collect))} | ${ms(p95(r.collect))} |`,
    `| \`GET /metrics\` minus the baseline | ${ms(median(r.scrape) - median(r.baseline))} | |`,
    '',
  ].join('\n');
}
