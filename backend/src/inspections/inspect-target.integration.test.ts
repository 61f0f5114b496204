import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { z } from 'zod';
import { defineCheck } from '../checks/define-check.js';
import type { AnyCheck, Flavor } from '../checks/check.types.js';
import { mysqlUptime } from '../checks/mysql/availability/uptime.check.js';
import { postgresUptime } from '../checks/postgres/availability/uptime.check.js';
import { openTarget } from '../targets/open-target.js';
import { createScratchDatabase, randomSuffix } from '../test/pg-fixtures.js';
import { hashReport } from '../reports/content-hash.js';
import {
  findingsOf,
  inspectChecks,
  lastDays,
  mariadbRootTarget,
  outcomeOf,
  postgresSuperTarget,
  runChecks,
} from '../test/targets-fixture.js';

const texts = { en: 'text', zh: '文本' };
const synthetic = (id: string, engine: 'mysql' | 'postgres', sql: string, extra: Partial<AnyCheck> = {}): AnyCheck => ({
  ...defineCheck({
    id,
    catalogRef: engine === 'postgres' ? 'PG-W99' : 'MY-W99',
    engine,
    flavors: (engine === 'postgres' ? ['postgres'] : ['mysql', 'mariadb']) as Flavor[],
    category: 'objects',
    tier: 'weekly',
    window: 'state',
    scope: 'instance',
    title: texts,
    description: texts,
    remediation: texts,
    queries: { main: { sql: [{ since: 0, sql }], row: z.object({ n: z.coerce.number() }) } },
    thresholds: { schema: z.object({}), defaults: {} },
    evaluate: ({ main }) =>
      main.map((r) => ({
        severity: 'warning' as const,
        object: `n=${r.n}`,
        message: { en: `saw ${r.n}`, zh: `看到 ${r.n}` },
      })),
  }),
  ...extra,
});

describe('inspectTarget on live servers', () => {
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeAll(async () => {
    db = await createScratchDatabase(`dbp_runner ${randomSuffix()} "q"`);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('CREATE TABLE t (id int)');
    await c.end();
  });
  afterAll(() => db?.drop());

  it('reports an unreachable instance as one critical availability failure and skips the rest', async () => {
    const target = openTarget({ engine: 'postgres', host: '127.0.0.1', port: 1, user: 'x', connectTimeoutMs: 1000 });
    try {
      const report = await runChecks(target, [
        postgresUptime,
        synthetic('postgres.synthetic', 'postgres', 'SELECT 1 AS n'),
      ]);
      expect(report.reachable).toBe(false);
      expect(report.server).toBeNull();
      expect(outcomeOf(report, 'postgres.availability')).toMatchObject({ status: 'fail', severity: 'critical' });
      expect(findingsOf(report, 'postgres.availability')[0]?.message).toMatch(/^instance unreachable: /);
      expect(outcomeOf(report, 'postgres.synthetic')).toMatchObject({
        status: 'skipped',
        reason: 'instance unreachable',
      });
      expect(report.score).toBe(80);
    } finally {
      await target.close();
    }
  });

  it('stores every message, remediation and runner reason in both languages, covered by the content hash', async () => {
    const target = openTarget({ engine: 'postgres', host: '127.0.0.1', port: 1, user: 'x', connectTimeoutMs: 1000 });
    try {
      const report = await inspectChecks(
        target,
        [postgresUptime, synthetic('postgres.synthetic', 'postgres', 'SELECT 1 AS n')],
        { language: 'zh' },
      );
      expect(report.language).toBe('zh');
      const [finding] = findingsOf(report, 'postgres.availability');
      expect(finding?.message.en).toMatch(/^instance unreachable: /);
      expect(finding?.message.zh).toMatch(/^实例无法连接：/);
      expect(finding?.remediation).toEqual(postgresUptime.remediation);
      expect(outcomeOf(report, 'postgres.synthetic')?.reason).toEqual({
        en: 'instance unreachable',
        zh: '实例无法连接',
      });
      const { contentHash, ...content } = report;
      expect(hashReport(content)).toBe(contentHash);
      const altered = structuredClone(content);
      altered.findings[0]!.message.zh = '改过';
      expect(hashReport(altered)).not.toBe(contentHash);
    } finally {
      await target.close();
    }
  });

  it('turns query failures into error outcomes with the reason and keeps running the others', async () => {
    const target = mariadbRootTarget({ statementTimeoutMs: 500 });
    try {
      const report = await runChecks(
        target,
        [
          mysqlUptime,
          synthetic('mysql.missing-table', 'mysql', 'SELECT COUNT(*) AS n FROM mysql.no_such_table_here'),
          synthetic('mysql.too-slow', 'mysql', 'SELECT SLEEP(3) AS n'),
          synthetic('mysql.bad-shape', 'mysql', "SELECT 'abc' AS n"),
          synthetic('mysql.fires', 'mysql', 'SELECT 41 + 1 AS n'),
        ],
        { window: lastDays(1 / 1440) },
      );
      expect(outcomeOf(report, 'mysql.availability')?.status).toBe('pass');
      expect(outcomeOf(report, 'mysql.missing-table')).toMatchObject({
        status: 'error',
        reason: expect.stringMatching(/no_such_table_here/),
      });
      expect(outcomeOf(report, 'mysql.too-slow')).toMatchObject({
        status: 'error',
        reason: expect.stringMatching(/timed out/),
      });
      expect(outcomeOf(report, 'mysql.bad-shape')).toMatchObject({
        status: 'error',
        reason: expect.stringMatching(/unexpected result from query "main": 0\.n/),
      });
      expect(outcomeOf(report, 'mysql.fires')).toMatchObject({ status: 'fail', severity: 'warning', findingCount: 1 });
      expect(findingsOf(report, 'mysql.fires')[0]).toMatchObject({
        object: 'n=42',
        remediation: 'text',
        catalogRef: 'MY-W99',
      });
      expect(report.counts).toMatchObject({ pass: 1, fail: 1, error: 3, warning: 1 });
      expect(report.score).toBe(100 - 5 - 3 * 2);
      expect(report.contentHash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await target.close();
    }
  });

  it('skips checks for another flavor, a newer version, or when applies() says so', async () => {
    const target = postgresSuperTarget();
    try {
      const report = await runChecks(target, [
        synthetic('postgres.future', 'postgres', 'SELECT 1 AS n', {
          queries: { main: { sql: [{ since: 990000, sql: 'SELECT 1 AS n' }], row: z.object({ n: z.number() }) } },
        }),
        synthetic('postgres.not-here', 'postgres', 'SELECT 1 AS n', {
          applies: () => ({ en: 'server is not a replica', zh: '服务器不是备库' }),
        }),
        synthetic('postgres.optional', 'postgres', 'SELECT 1 AS n', {
          queries: {
            main: {
              sql: [{ since: 0, sql: 'SELECT n FROM no_such_view' }],
              row: z.object({ n: z.number() }),
              optional: true,
            },
          },
          evaluate: (rows: Record<string, unknown[]>) =>
            rows.main?.length ? [] : { skipped: { en: 'source view missing', zh: '缺少源视图' } },
        }),
      ]);
      expect(outcomeOf(report, 'postgres.future')).toMatchObject({
        status: 'skipped',
        reason: expect.stringMatching(/needs a newer postgres than 15\./),
      });
      expect(outcomeOf(report, 'postgres.not-here')).toMatchObject({
        status: 'skipped',
        reason: 'server is not a replica',
      });
      expect(outcomeOf(report, 'postgres.optional')).toMatchObject({
        status: 'skipped',
        reason: 'source view missing',
      });
    } finally {
      await target.close();
    }
  });

  it('runs database-scoped PostgreSQL checks in each included database and names it on findings', async () => {
    const target = postgresSuperTarget();
    try {
      const check = synthetic('postgres.per-db', 'postgres', "SELECT count(*) AS n FROM pg_class WHERE relname = 't'", {
        scope: 'database',
      });
      const report = await runChecks(target, [check], { databases: { include: [db.name, 'postgres'] } });
      const outcome = outcomeOf(report, 'postgres.per-db');
      expect(outcome?.databases?.sort()).toEqual([db.name, 'postgres'].sort());
      const found = findingsOf(report, 'postgres.per-db');
      expect(found.find((f) => f.database === db.name)?.object).toBe('n=1');
      expect(found.find((f) => f.database === 'postgres')?.object).toBe('n=0');
    } finally {
      await target.close();
    }
  });

  it('stops starting checks once cancelled and says so', async () => {
    const target = postgresSuperTarget();
    const controller = new AbortController();
    controller.abort();
    try {
      const report = await runChecks(target, [postgresUptime], { signal: controller.signal });
      expect(outcomeOf(report, 'postgres.availability')).toMatchObject({
        status: 'skipped',
        reason: 'inspection cancelled',
      });
    } finally {
      await target.close();
    }
  });
});
