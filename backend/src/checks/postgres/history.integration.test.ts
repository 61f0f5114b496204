import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDatabase, readPoints } from '../capacity-trend.js';
import { toTexts } from '../check.types.js';
import { formatBytes } from '../format.js';
import { CLI_ACTOR } from '../../http/actor.js';
import type { StoredReport } from '../../reports/report.model.js';
import { startApiHarness, type ApiHarness } from '../../test/api-harness.js';
import { createScratchDatabase, randomSuffix, withPgAdmin } from '../../test/pg-fixtures.js';

const DAY = 86_400_000;
const DRIFT = 'postgres.settings-drift';
const CAPACITY = 'postgres.capacity-trend';
/** An obscure setting ALTER SYSTEM writes to postgresql.auto.conf without a reload, so it never applies. */
const UNAPPLIED = 'commit_siblings';

/**
 * Real monthly and annual inspections of the local PostgreSQL on a PostgreSQL store: settings drift against a baseline
 * set from a report (a per-database setting changed in between, an ALTER SYSTEM entry left unapplied), and database
 * growth over reports with a table growing in between.
 */
describe('settings drift and capacity trend on a live PostgreSQL', () => {
  let api: ApiHarness;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let instanceId: string;
  let workMem: string;
  let siblings: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase('dbp_hist');
    siblings = await withPgAdmin(
      async (c) =>
        (await c.query<{ v: string }>(`SELECT reset_val AS v FROM pg_settings WHERE name = '${UNAPPLIED}'`)).rows[0]!.v,
    );
    workMem = await withPgAdmin(
      async (c) =>
        (await c.query<{ v: string }>('SELECT reset_val AS v FROM pg_settings WHERE name = $1', ['work_mem'])).rows[0]!
          .v,
    );
    api = await startApiHarness();
    const biz = await api.ctx.inventory.createBusiness(CLI_ACTOR, { name: `hist-${randomSuffix()}` });
    const host = await api.ctx.inventory.createHost(CLI_ACTOR, {
      name: 'hist-pg',
      businessId: biz.id,
      address: '127.0.0.1',
    });
    instanceId = (
      await api.ctx.inventory.createInstance(CLI_ACTOR, {
        name: 'hist-pg',
        hostId: host.id,
        engine: 'postgres',
        port: 5432,
        user: 'postgres',
        database: scratch.name,
      })
    ).id;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await withPgAdmin((c) => c.query(`ALTER SYSTEM RESET ${UNAPPLIED}`));
    await scratch?.drop();
  });

  const inspect = (tier: 'monthly' | 'annual', now = new Date()): Promise<StoredReport> =>
    api.ctx.inspector.inspectInstance(instanceId, {
      tier,
      now,
      window: { from: new Date(now.getTime() - (tier === 'annual' ? 182 : 30) * DAY), to: now },
      trigger: { kind: 'manual', actor: 'test' },
    });
  const findingsOf = (r: StoredReport, id: string, objects: string[]) =>
    r.findings
      .filter((f) => f.checkId === id && objects.includes(f.object))
      .map((f) => ({ ...f, message: toTexts(f.message) }));

  it('warns for a baselined setting changed for the database, and reports an unapplied ALTER SYSTEM entry', async () => {
    const first = await inspect('monthly');
    const recorded = first.fingerprints[DRIFT]!;
    expect(recorded.work_mem).toBe(`${Number(workMem) / 1024}MB`);
    expect(recorded).not.toHaveProperty('application_name');

    const put = await api.call('PUT', `/api/v1/baselines/instance/${instanceId}`, {
      body: { fromReportId: first.id, only: ['work_mem', 'shared_buffers'], parameters: { commit_delay: '10' } },
    });
    expect(put.status).toBe(200);

    await withPgAdmin(async (c) => {
      await c.query(`ALTER DATABASE "${scratch.name}" SET work_mem = '7MB'`);
      await c.query(`ALTER SYSTEM SET ${UNAPPLIED} = 6`);
    });
    let second: StoredReport;
    try {
      second = await inspect('monthly');
    } finally {
      await withPgAdmin((c) => c.query(`ALTER SYSTEM RESET ${UNAPPLIED}`));
    }
    const mine = findingsOf(second, DRIFT, ['work_mem', 'commit_delay', 'shared_buffers', UNAPPLIED]);
    expect(mine.map((f) => [f.severity, f.object, f.value, f.threshold])).toEqual([
      ['warning', 'commit_delay', '0', '10'],
      ['warning', 'work_mem', '7MB', recorded.work_mem],
      ['info', UNAPPLIED, '6', undefined],
    ]);
    expect(mine[1]!.message.en).toBe(
      `work_mem = 7MB, the instance baseline, set from report ${first.id} expects ${recorded.work_mem} (changed since the report of ${recorded['#at']}: was ${recorded.work_mem})`,
    );
    expect(mine[1]!.evidence?.[0]).toMatchObject({ source: 'database' });
    expect(mine[2]!.message.en).toBe(
      `${UNAPPLIED} = 6 set by ALTER SYSTEM in postgresql.auto.conf, outside the configuration files you manage (not applied yet: ${siblings} is in effect; needs a reload or restart)`,
    );

    // The baseline now takes the new value from the second report: the database setting no longer differs.
    await api.call('PUT', `/api/v1/baselines/instance/${instanceId}`, {
      body: { fromReportId: second.id, only: ['work_mem'] },
    });
    const third = await inspect('monthly');
    expect(findingsOf(third, DRIFT, ['work_mem', UNAPPLIED])).toEqual([]);
  }, 120_000);

  it('grades the growth of a database over annual reports with a table growing in between', async () => {
    await api.ctx.thresholds.set(CLI_ACTOR, CAPACITY, 'instance', instanceId, { minDatabaseBytes: 0 });
    const base = Date.now() - 90 * DAY;
    const sizes: number[] = [];
    const size = () =>
      withPgAdmin(async (c) =>
        Number((await c.query<{ b: string }>('SELECT pg_database_size($1) AS b', [scratch.name])).rows[0]!.b),
      );
    const grow = async () => {
      const db = new pg.Client({ connectionString: scratch.url });
      await db.connect();
      try {
        await db.query('CREATE TABLE IF NOT EXISTS grow (pad text)');
        await db.query(`INSERT INTO grow SELECT repeat('x', 1000) FROM generate_series(1, 20000)`);
      } finally {
        await db.end();
      }
    };
    const run = async (day: number) => {
      sizes.push(await size());
      return inspect('annual', new Date(base + day * DAY));
    };

    const r0 = await run(0);
    expect(r0.checks.find((c) => c.checkId === CAPACITY)).toMatchObject({ status: 'skipped' });
    await grow();
    await run(45);
    await grow();
    const r2 = await run(90);
    const [f] = findingsOf(r2, CAPACITY, [scratch.name]);
    const growth = ((sizes[2]! - sizes[0]!) / sizes[0]!) * 100;
    expect(growth).toBeGreaterThan(50);
    expect(f).toMatchObject({ severity: 'warning', value: Math.round(growth * 10) / 10, threshold: 50 });
    expect(f!.message.en).toBe(
      `database ${scratch.name} grew +${growth.toFixed(1)} % (${formatBytes(sizes[0]!)} → ${formatBytes(sizes[2]!)}) over 90 days (threshold 50 %); history: 3 reports over 90 days`,
    );
    const fp = r2.fingerprints[CAPACITY];
    expect(readDatabase(fp, scratch.name).map(([, b]) => b)).toEqual(sizes);
    const wal = readPoints(fp).map((p) => p.log!);
    expect(wal).toHaveLength(3);
    expect(wal[2]!).toBeGreaterThan(wal[0]!);
  }, 180_000);
});
