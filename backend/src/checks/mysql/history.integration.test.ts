import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPoints, slopePerDay } from '../capacity-trend.js';
import { toTexts } from '../check.types.js';
import { CLI_ACTOR } from '../../http/actor.js';
import type { StoredReport } from '../../reports/report.model.js';
import { startApiHarness, type ApiHarness } from '../../test/api-harness.js';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';

const DAY = 86_400_000;
const SUFFIX = randomBytes(3).toString('hex');
const DB = `dbp_hist_${SUFFIX}`;
const USER = `dbp_hist_${SUFFIX}`;
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const DRIFT = 'mysql.parameter-drift';
const CAPACITY = 'mysql.capacity-trend';

/**
 * Real monthly and annual inspections of the local MariaDB on a PostgreSQL store: parameter drift against a baseline
 * set from a report, and capacity trends over reports with a table growing between them. The monitoring account may
 * only read its own schema, so the sizes it sees are the ones this test plants.
 */
describe('parameter drift and capacity trend on a live MariaDB', () => {
  let api: ApiHarness;
  let root: mysql.Connection;
  let instanceId: string;
  let netRetry: number;
  let queueSize: number;

  beforeAll(async () => {
    root = await mysql.createConnection(MARIADB_ROOT);
    await root.query(`CREATE DATABASE \`${DB}\``);
    await root.query(`CREATE TABLE \`${DB}\`.grow (id INT AUTO_INCREMENT PRIMARY KEY, pad CHAR(255)) ENGINE=InnoDB`);
    await root.query(`CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
    await root.query(`GRANT SELECT ON \`${DB}\`.* TO '${USER}'@'%'`);
    const [[row]] = (await root.query(
      'SELECT @@GLOBAL.net_retry_count AS n, @@GLOBAL.delayed_queue_size AS q',
    )) as unknown as [{ n: number; q: number }[]];
    netRetry = Number(row!.n);
    queueSize = Number(row!.q);
    api = await startApiHarness();
    const biz = await api.ctx.inventory.createBusiness(CLI_ACTOR, { name: `hist-${SUFFIX}` });
    const host = await api.ctx.inventory.createHost(CLI_ACTOR, {
      name: 'hist-host',
      businessId: biz.id,
      address: MARIADB_ROOT.host,
    });
    instanceId = (
      await api.ctx.inventory.createInstance(CLI_ACTOR, {
        name: 'hist-maria',
        hostId: host.id,
        engine: 'mariadb',
        port: MARIADB_ROOT.port,
        user: USER,
        password: PASSWORD,
      })
    ).id;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await root?.query(`SET GLOBAL net_retry_count = ${netRetry}`);
    await root?.query(`DROP USER IF EXISTS '${USER}'@'%'`);
    await root?.query(`DROP DATABASE IF EXISTS \`${DB}\``);
    await root?.end();
  });

  const inspect = (tier: 'monthly' | 'annual', now = new Date()): Promise<StoredReport> =>
    api.ctx.inspector.inspectInstance(instanceId, {
      tier,
      now,
      window: { from: new Date(now.getTime() - (tier === 'annual' ? 365 : 30) * DAY), to: now },
      trigger: { kind: 'manual', actor: 'test' },
    });
  const outcome = (r: StoredReport, id: string) => r.checks.find((c) => c.checkId === id)!;
  const findingsOf = (r: StoredReport, id: string) =>
    r.findings.filter((f) => f.checkId === id).map((f) => ({ ...f, message: toTexts(f.message) }));

  it('reports a baselined parameter changed at run time, naming expected and actual, until it is put back', async () => {
    const first = await inspect('monthly');
    expect(first.fingerprints[DRIFT]).toMatchObject({ net_retry_count: String(netRetry) });
    // (A value once set with SET GLOBAL keeps that origin until a restart: information at most, never a warning.)
    expect(findingsOf(first, DRIFT).filter((f) => f.object === 'net_retry_count' && f.severity !== 'info')).toEqual([]);

    const put = await api.call('PUT', `/api/v1/baselines/instance/${instanceId}`, {
      body: {
        fromReportId: first.id,
        only: ['net_retry_count', 'max_connect_errors'],
        parameters: { delayed_queue_size: String(queueSize + 1) },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.parameters).toEqual({
      net_retry_count: String(netRetry),
      max_connect_errors: first.fingerprints[DRIFT]!.max_connect_errors,
      delayed_queue_size: String(queueSize + 1),
    });

    await root.query(`SET GLOBAL net_retry_count = ${netRetry + 1}`);
    const second = await inspect('monthly');
    await root.query(`SET GLOBAL net_retry_count = ${netRetry}`);
    const mine = findingsOf(second, DRIFT).filter((f) =>
      ['net_retry_count', 'delayed_queue_size', 'max_connect_errors'].includes(f.object),
    );
    expect(mine.map((f) => [f.severity, f.object, f.value, f.threshold])).toEqual([
      ['warning', 'delayed_queue_size', String(queueSize), String(queueSize + 1)],
      ['warning', 'net_retry_count', String(netRetry + 1), String(netRetry)],
    ]);
    expect(mine[1]!.message.en).toBe(
      `net_retry_count = ${netRetry + 1}, the instance baseline, set from report ${first.id} expects ${netRetry} (changed since the report of ${first.fingerprints[DRIFT]!['#at']}: was ${netRetry})`,
    );
    expect(mine[1]!.evidence?.[0]).toMatchObject({ source: 'SQL' });
    expect(outcome(second, DRIFT)).toMatchObject({ status: 'fail', severity: 'warning' });

    // Back to the baseline value: only the queue size still differs.
    const third = await inspect('monthly');
    const now = findingsOf(third, DRIFT).filter((f) => ['net_retry_count', 'delayed_queue_size'].includes(f.object));
    expect(now.map((f) => [f.severity, f.object])).toEqual([['warning', 'delayed_queue_size']]);
  }, 120_000);

  it('estimates growth and days to full over annual reports with the table growing in between', async () => {
    const base = Date.now() - 90 * DAY;
    const sizes: { t: number; v: number }[] = [];
    const grow = async (rows: number) => {
      await root.query(`INSERT INTO \`${DB}\`.grow (pad) SELECT REPEAT('x', 255) FROM \`${DB}\`.seq_1_to_${rows}`);
      await root.query(`ANALYZE TABLE \`${DB}\`.grow`);
    };
    const size = async () => {
      const [[r]] = (await root.query(
        `SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
        [DB],
      )) as unknown as [{ b: string }[]];
      return Number(r!.b);
    };
    const run = async (day: number) => {
      const now = new Date(base + day * DAY);
      sizes.push({ t: now.getTime(), v: await size() });
      return inspect('annual', now);
    };

    const r0 = await run(0);
    expect(outcome(r0, CAPACITY).status).toBe('skipped');
    expect(toTexts(outcome(r0, CAPACITY).reason!).en).toContain('1 reports over 0.0 days');
    expect(readPoints(r0.fingerprints[CAPACITY])).toEqual([
      { t: Math.round(base / 1000) * 1000, total: sizes[0]!.v, log: null },
    ]);

    await grow(20_000);
    const r1 = await run(30);
    expect(toTexts(outcome(r1, CAPACITY).reason!).en).toContain(
      '2 reports over 30.0 days (needs 3 reports over 7 days',
    );

    await grow(20_000);
    const r2 = await run(60);
    const [trend] = findingsOf(r2, CAPACITY);
    expect(trend).toMatchObject({ severity: 'info', object: 'hist-maria' });
    expect(trend!.message.en).toContain('days to full not estimated: no capacity known');
    expect(trend!.message.en).toContain('history: 3 reports over 60 days');
    expect(trend!.message.zh).toContain('历史数据：60 天内 3 份报告');

    // An inspection that cannot reach the server keeps the series for the next one.
    await api.ctx.inventory.updateInstance(CLI_ACTOR, instanceId, { port: 1 });
    const unreachable = await inspect('annual', new Date(base + 75 * DAY));
    await api.ctx.inventory.updateInstance(CLI_ACTOR, instanceId, { port: MARIADB_ROOT.port });
    expect(unreachable.reachable).toBe(false);
    expect(unreachable.fingerprints[CAPACITY]).toEqual(r2.fingerprints[CAPACITY]);

    await grow(20_000);
    const current = await size();
    const capacity = current + 1024 * 1024;
    await api.ctx.thresholds.set(CLI_ACTOR, CAPACITY, 'instance', instanceId, { maxDataBytes: capacity });
    const r3 = await run(90);
    const perDay = slopePerDay(sizes);
    expect(perDay).toBeGreaterThan(0);
    const [eta] = findingsOf(r3, CAPACITY);
    expect(eta!.severity).toBe('critical');
    expect(eta!.value).toBe(Math.floor((capacity - current) / perDay));
    expect(eta!.evidence?.[0]).toMatchObject({
      reports: 4,
      days: 90,
      usedBytes: current,
      growthBytesPerDay: Math.round(perDay),
      capacityBytes: capacity,
    });
    expect(eta!.message.en).toMatch(/^full in \d+ days \(threshold 30 days\): data\+index /);
    expect(eta!.message.en).toContain('history: 4 reports over 90 days');
  }, 180_000);
});
