import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../store/embedded/embedded-store.js';
import { MIGRATIONS, runMigrations } from '../store/postgres/migrations.js';
import type { PgDatabase } from '../store/postgres/pg-database.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { createScratchDatabase } from '../test/pg-fixtures.js';
import type { AnalyticsScope } from './report-analytics.types.js';

const SERIES_MIGRATION = MIGRATIONS.find((m) => m.name.startsWith('grafana: packed report series'))!.version;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Reports straight into the table, as many as a test needs; counts go through the summary like the writer's. */
async function insertReports(
  db: PgDatabase,
  rows: { id: string; instance: string; tier?: string; at: string; score: number; counts: [number, number, number] }[],
): Promise<void> {
  for (const r of rows) {
    const [critical, warning, info] = r.counts;
    await db.query(
      `INSERT INTO reports(id, instance_id, business_id, tier, started_at, window_from, window_to, score, max_severity,
         summary, document)
       VALUES ($1, $2, NULL, $3, $4, $4, $4, $5, NULL, $6, '{}'::jsonb)`,
      [r.id, r.instance, r.tier ?? 'daily', r.at, r.score, JSON.stringify({ counts: { critical, warning, info } })],
    );
  }
}

/** The answers as PostgreSQL's date_bin over every report gives them: what the datasource answered before. */
async function reference(db: PgDatabase, scope: AnalyticsScope, bucketMs: number) {
  const bin = `date_bin(make_interval(secs => $3::float8 / 1000), started_at, 'epoch'::timestamptz)`;
  const where = `started_at >= $1 AND started_at < $2 AND ($4::text IS NULL OR tier = $4)
    AND ($5::text[] IS NULL OR instance_id = ANY($5))`;
  const params = [scope.from, scope.to, bucketMs, scope.tier ?? null, scope.instanceIds ?? null];
  const scores = await db.query<{ instance_id: string; times: number[]; vals: number[] }>(
    `SELECT instance_id, json_agg(t ORDER BY t) AS times, json_agg(v ORDER BY t) AS vals FROM (
       SELECT instance_id, (extract(epoch FROM ${bin}) * 1000)::float8 AS t, round(avg(score), 2)::float8 AS v
       FROM reports WHERE ${where} GROUP BY 1, 2) x GROUP BY instance_id ORDER BY instance_id`,
    params,
  );
  const counts = await db.query<{ t: number; c: number; w: number; i: number }>(
    `SELECT (extract(epoch FROM b) * 1000)::float8 AS t, sum(findings_critical)::int AS c,
       sum(findings_warning)::int AS w, sum(findings_info)::int AS i
     FROM (SELECT DISTINCT ON (instance_id, b) ${bin} AS b, findings_critical, findings_warning, findings_info
           FROM reports WHERE ${where} ORDER BY instance_id, b, started_at DESC, id DESC) x
     GROUP BY b ORDER BY b`,
    params,
  );
  return {
    scores: scores.map((r) => ({ instanceId: r.instance_id, times: r.times, values: r.vals })),
    counts: counts.map((r) => ({ time: r.t, critical: r.c, warning: r.w, info: r.i })),
  };
}

/** Irregular reports of three instances over about three months: several a day, month and bucket edges, two tiers. */
function history(prefix: string, days: number, start: string) {
  const t0 = Date.parse(start);
  const out: Parameters<typeof insertReports>[1] = [];
  for (let d = 0; d < days; d++) {
    for (const [n, instance] of ['i-a', 'i-b', 'i-c'].entries()) {
      const perDay = 1 + ((d + n) % 3);
      for (let k = 0; k < perDay; k++) {
        // Some starts sit exactly on hour and day edges, some a millisecond before them.
        const offset = ((d * 7 + n * 5 + k * 11) % 24) * HOUR - (k === 2 ? 1 : 0);
        out.push({
          id: `${prefix}-${instance}-${d}-${k}`,
          instance,
          tier: (d + k) % 5 === 0 ? 'weekly' : 'daily',
          at: new Date(t0 + d * DAY + Math.max(0, offset)).toISOString(),
          score: (d * 13 + n * 29 + k * 7) % 101,
          counts: [(d + k) % 2, (d * n + k) % 4, (d + n + k) % 3],
        });
      }
    }
  }
  return out;
}

const SCOPES: [string, AnalyticsScope, number][] = [
  ['everything by day', { from: '2026-01-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' }, DAY],
  ['hours, range off the edges', { from: '2026-01-30T07:30:00.250Z', to: '2026-02-02T13:00:00.001Z' }, HOUR],
  [
    'one tier, odd width',
    { from: '2026-01-15T00:00:00.000Z', to: '2026-03-20T00:00:00.000Z', tier: 'weekly' },
    31_622_400,
  ],
  [
    'two instances (one unknown), weeks across months',
    { from: '2026-01-10T00:00:00.000Z', to: '2026-04-10T00:00:00.000Z', instanceIds: ['i-b', 'nope'] },
    7 * DAY,
  ],
  ['no instance', { from: '2026-01-10T00:00:00.000Z', to: '2026-04-10T00:00:00.000Z', instanceIds: [] }, DAY],
  ['one bucket for all', { from: '2026-01-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' }, 400 * DAY],
];

const stores: [string, () => Promise<{ store: PostgresStore; cleanup(): Promise<void> }>][] = [
  [
    'PostgreSQL',
    async () => {
      const scratch = await createScratchDatabase('dbpatrol_series');
      const store = new PostgresStore({ connectionString: scratch.url, poolSize: 2 });
      return { store, cleanup: () => scratch.drop() };
    },
  ],
  [
    'the embedded store',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-series-'));
      const store = await openEmbeddedStore({ dataDir: dir });
      return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(stores)('packed report series on %s', (_name, open) => {
  let store: PostgresStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await runMigrations(
      store.db,
      MIGRATIONS.filter((m) => m.version < SERIES_MIGRATION),
    );
    // Reports written before the migration are backfilled by it; later ones go through the trigger.
    await insertReports(store.db, history('old', 45, '2026-01-01T00:00:00.000Z'));
    expect(await runMigrations(store.db)).toContain(SERIES_MIGRATION);
    await insertReports(store.db, history('new', 45, '2026-02-15T00:00:00.000Z'));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it.each(SCOPES)('answers as date_bin over the reports: %s', async (_label, scope, bucketMs) => {
    const want = await reference(store.db, scope, bucketMs);
    expect(await store.reportAnalytics.scoreSeries(scope, bucketMs)).toEqual(want.scores);
    expect(await store.reportAnalytics.findingCountSeries(scope, bucketMs)).toEqual(want.counts);
  });

  it('holds every report once, in parts of at most 200 per instance, tier and month', async () => {
    const [before] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reports');
    const many = Array.from({ length: 230 }, (_, k) => ({
      id: `burst-${k}`,
      instance: 'i-burst',
      at: new Date(Date.parse('2026-04-03T00:00:00.000Z') + k * 60_000).toISOString(),
      score: k % 100,
      counts: [0, 0, 1] as [number, number, number],
    }));
    await insertReports(store.db, many);
    const parts = await store.db.query<{ part: number; reports: number }>(
      `SELECT part, reports FROM report_series WHERE instance_id = 'i-burst' ORDER BY part`,
    );
    expect(parts).toEqual([
      { part: 0, reports: 200 },
      { part: 1, reports: 30 },
    ]);
    const totals = await store.reportAnalytics.totals();
    expect(totals.reports).toBe(before!.n + 230);
    const scope = { from: '2026-04-03T00:00:00.000Z', to: '2026-04-04T00:00:00.000Z', instanceIds: ['i-burst'] };
    const [series] = await store.reportAnalytics.scoreSeries(scope, DAY);
    expect(series!.values).toEqual([44.93]); // round(10335 / 230, 2)
  });

  it('a deleted report leaves its month rebuilt without it', async () => {
    await store.db.query(`DELETE FROM reports WHERE id IN ('burst-0', 'burst-229', 'old-i-a-3-0')`);
    const scope = { from: '2026-01-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' };
    const want = await reference(store.db, scope, DAY);
    expect(await store.reportAnalytics.scoreSeries(scope, DAY)).toEqual(want.scores);
    expect(await store.reportAnalytics.findingCountSeries(scope, DAY)).toEqual(want.counts);
    const [n] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reports');
    expect((await store.reportAnalytics.totals()).reports).toBe(n!.n);
  });
});
