import { describe, expect, it } from 'vitest';
import { checkEvaluator, POSTGRES_15 } from '../../../test/check-evaluator.js';
import { postgresCapacityTrend } from './capacity-trend.check.js';

const DAY = 86_400_000;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const NOW = new Date('2026-12-01T00:00:00Z');
const { evaluate, findings, skipped } = checkEvaluator({
  server: POSTGRES_15,
  window: { from: new Date(NOW.getTime() - 182 * DAY), to: NOW },
  now: NOW,
  instanceName: 'pg1',
  requireBothLanguages: true,
});
const at = (d: number) => (NOW.getTime() - d * DAY) / 1000;

/** Earlier reports: `[days ago, wal bytes, { db: bytes }]`. */
const history = (reports: [number, number | null, Record<string, number>][]) => {
  const fp: Record<string, string> = {
    '#points': JSON.stringify(
      reports.map(([d, wal, dbs]) => [at(d), Object.values(dbs).reduce((s, b) => s + b, 0), wal]),
    ),
  };
  const names = new Set(reports.flatMap(([, , dbs]) => Object.keys(dbs)));
  for (const name of names)
    fp[`db:${name}`] = JSON.stringify(
      reports.filter(([, , dbs]) => name in dbs).map(([d, , dbs]) => [at(d), dbs[name]]),
    );
  return fp;
};
const run = (
  dbs: Record<string, number | null>,
  wal: number | null,
  baseline?: Record<string, string>,
  thresholds?: Record<string, unknown>,
) =>
  evaluate(
    postgresCapacityTrend,
    {
      sizes: Object.entries(dbs).map(([name, bytes]) => ({ name, bytes: bytes === null ? null : String(bytes) })),
      wal: [{ wal_bytes: wal === null ? null : String(wal) }],
    },
    { ...(baseline ? { baseline } : {}), ...(thresholds ? { thresholds } : {}) },
  );

describe('postgres.capacity-trend (PG-A08)', () => {
  it('is skipped with too little history and keeps the sizes of the databases it may measure', () => {
    const result = run({ shop: GiB, secret: null }, 5 * GiB);
    expect(skipped(result).zh).toContain('历史数据不足');
    const fp = (result as { fingerprints: Record<string, string> }).fingerprints;
    expect(Object.keys(fp).sort()).toEqual(['#points', 'db:shop']);
  });

  it.each([
    // [database history (days ago → MiB), now MiB, severity or none]
    [
      'grew more than 50 %',
      [
        [90, 400],
        [45, 500],
      ],
      700,
      'warning',
    ],
    [
      'grew more than 10 %',
      [
        [90, 400],
        [45, 420],
      ],
      450,
      'info',
    ],
    [
      'grew less than 10 %',
      [
        [90, 400],
        [45, 410],
      ],
      420,
      null,
    ],
    [
      'too small to grade',
      [
        [90, 10],
        [45, 50],
      ],
      90,
      null,
    ],
    [
      'shrank',
      [
        [90, 400],
        [45, 300],
      ],
      200,
      null,
    ],
  ])('a database that %s', (_, series, nowMiB, severity) => {
    const reports = (series as [number, number][]).map(
      ([d, mib]) => [d, null, { shop: mib * MiB, big: 10 * GiB }] as [number, null, Record<string, number>],
    );
    const f = findings(run({ shop: (nowMiB as number) * MiB, big: 10 * GiB }, null, history(reports)));
    const shop = f.filter((x) => x.object === 'shop');
    if (severity === null) expect(shop).toEqual([]);
    else expect(shop.map((x) => x.severity)).toEqual([severity]);
  });

  it('names the growth, its period and the history used', () => {
    const reports: [number, number, Record<string, number>][] = [
      [90, 0, { shop: 400 * MiB }],
      [45, 45 * GiB, { shop: 500 * MiB }],
    ];
    const f = findings(run({ shop: 700 * MiB }, 90 * GiB, history(reports)));
    expect(f).toEqual([
      expect.objectContaining({
        severity: 'warning',
        object: 'shop',
        value: 75,
        threshold: 50,
        message: {
          en: 'database shop grew +75.0 % (400.0 MiB → 700.0 MiB) over 90 days (threshold 50 %); history: 3 reports over 90 days',
          zh: '数据库 shop 在 90 天内增长 +75.0 %（400.0 MiB → 700.0 MiB）（阈值 50%）；历史数据：90 天内 3 份报告',
        },
      }),
    ]);
  });

  it('states the WAL volume per day and grades days to full against maxDataBytes', () => {
    const reports: [number, number, Record<string, number>][] = [
      [20, 0, { shop: 10 * GiB }],
      [10, 10 * GiB, { shop: 10.5 * GiB }],
    ];
    const th = { maxDataBytes: 12 * GiB, infoGrowthPercent: 1000, warnGrowthPercent: 1000 };
    const f = findings(run({ shop: 11 * GiB }, 20 * GiB, history(reports), th));
    expect(f.map((x) => [x.severity, x.value])).toEqual([['critical', 20]]);
    expect(f[0]!.message.en).toBe(
      'full in 20 days (threshold 30 days): databases 11.0 GiB, WAL 1.0 GiB/day, +51.2 MiB/day (+10.0 % over 20 days) of 12.0 GiB (maxDataBytes); history: 3 reports over 20 days',
    );
  });
});
