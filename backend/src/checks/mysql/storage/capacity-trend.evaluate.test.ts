import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11 } from '../../../test/check-evaluator.js';
import {
  daysToFull,
  growthPercent,
  MAX_DATABASE_POINTS,
  MAX_POINTS,
  nextFingerprints,
  readPoints,
  slopePerDay,
} from '../../capacity-trend.js';
import type { FindingDraft } from '../../check.types.js';
import { mysqlCapacityTrend } from './capacity-trend.check.js';

const DAY = 86_400_000;
const GiB = 1024 ** 3;
const NOW = new Date('2026-12-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
const { evaluate, findings, skipped } = checkEvaluator({
  server: MARIADB_10_11,
  window: { from: daysAgo(365), to: NOW },
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});

/** Fingerprints as earlier reports left them: `[days ago, total bytes, binlog bytes]` per report. */
const history = (points: [number, number, number | null][], databases: Record<string, [number, number][]> = {}) => {
  const fp: Record<string, string> = {
    '#points': JSON.stringify(points.map(([d, total, log]) => [(NOW.getTime() - d * DAY) / 1000, total, log])),
  };
  for (const [name, series] of Object.entries(databases))
    fp[`db:${name}`] = JSON.stringify(series.map(([d, b]) => [(NOW.getTime() - d * DAY) / 1000, b]));
  return fp;
};
const run = (
  sizes: Record<string, number>,
  baseline?: Record<string, string>,
  thresholds?: Record<string, unknown>,
  binlogs: number[] = [],
) =>
  evaluate(
    mysqlCapacityTrend,
    {
      sizes: Object.entries(sizes).map(([name, bytes]) => ({ name, bytes: String(bytes) })),
      binlogs: binlogs.map((b, i) => ({ Log_name: `mysql-bin.00000${i + 1}`, File_size: b })),
    },
    { ...(baseline ? { baseline } : {}), ...(thresholds ? { thresholds } : {}) },
  );

describe('growth maths', () => {
  it.each([
    [
      'a straight line',
      [
        [0, 100],
        [1, 110],
        [2, 120],
      ],
      10,
    ],
    [
      'a flat series',
      [
        [0, 5],
        [10, 5],
      ],
      0,
    ],
    [
      'shrinking',
      [
        [0, 100],
        [4, 60],
      ],
      -10,
    ],
    [
      'noise around a line',
      [
        [0, 0],
        [1, 12],
        [2, 18],
        [3, 30],
      ],
      9.6,
    ],
    ['one point', [[0, 100]], 0],
    [
      'two points at one time',
      [
        [1, 100],
        [1, 200],
      ],
      0,
    ],
  ])('slope per day of %s', (_, pts, perDay) => {
    const points = (pts as [number, number][]).map(([d, v]) => ({ t: d * DAY, v }));
    expect(slopePerDay(points)).toBeCloseTo(perDay as number, 6);
  });

  it.each([
    [50, 100, 10, 5],
    [100, 100, 10, 0],
    [120, 100, 10, 0],
    [50, 100, 0, null],
    [50, 100, -3, null],
    [50, 0, 10, null],
  ])('used %d of %d at %d/day is full in %s days', (used, capacity, perDay, days) => {
    expect(daysToFull(used, capacity, perDay)).toBe(days);
  });

  it.each([
    [100, 150, 50],
    [200, 100, -50],
    [0, 10, null],
  ])('growth from %d to %d is %s %%', (a, b, p) => {
    expect(growthPercent(a, b)).toBe(p);
  });

  it('keeps a bounded history: at most MAX_POINTS reports and MAX_DATABASE_POINTS per database', () => {
    const long = history(
      Array.from({ length: 150 }, (_, i) => [150 - i, i, null] as [number, number, null]),
      {
        shop: Array.from({ length: 40 }, (_, i) => [40 - i, i] as [number, number]),
      },
    );
    const next = nextFingerprints(long, NOW, { databases: new Map([['shop', 999]]), log: null });
    const points = readPoints(next);
    expect(points).toHaveLength(MAX_POINTS);
    expect(points.at(-1)).toEqual({ t: NOW.getTime(), total: 999, log: null });
    expect(JSON.parse(next['db:shop']!)).toHaveLength(MAX_DATABASE_POINTS);
    expect(readPoints({ '#points': 'not json' })).toEqual([]);
  });
});

describe('mysql.capacity-trend (MY-A08)', () => {
  it('is skipped with too little history, and keeps this report’s sizes for the next one', () => {
    const first = run({ shop: GiB });
    expect(skipped(first).en).toBe(
      "too little history for a trend: 1 reports over 0.0 days (needs 3 reports over 7 days, within the window or the last 750 days); this report's sizes are kept for the next one",
    );
    const fp = (first as { fingerprints: Record<string, string> }).fingerprints;
    expect(readPoints(fp)).toEqual([{ t: NOW.getTime(), total: GiB, log: null }]);
    expect(
      skipped(
        run(
          { shop: GiB },
          history([
            [3, GiB, null],
            [2, GiB, null],
          ]),
        ),
      ).en,
    ).toContain('3 reports over 3.0 days');
    // Reports older than maxHistoryDays do not count.
    expect(
      skipped(
        run(
          { shop: GiB },
          history([
            [800, GiB, null],
            [780, GiB, null],
          ]),
        ),
      ).en,
    ).toContain('1 reports');
  });

  it.each([
    // [window days, reports (days ago), reports used, days]
    ['a dense window uses only its own reports', 365, [500, 60, 30], 3, 60],
    ['a semi-annual schedule reaches back to older reports', 182, [364, 182], 3, 364],
    ['an annual schedule reaches back to older reports', 365, [731, 365], 3, 731],
    ['older reports fill up to minReports only', 90, [700, 400, 300, 30], 3, 300],
  ])('%s', (_, windowDays, ago, reports, days) => {
    const points = (ago as number[]).map((d, i) => [d, (10 + i) * GiB, null] as [number, number, null]);
    const f = findings(
      evaluate(
        mysqlCapacityTrend,
        { sizes: [{ name: 'shop', bytes: String(20 * GiB) }], binlogs: [] },
        { baseline: history(points), window: { from: daysAgo(windowDays as number), to: NOW } },
      ),
    );
    expect(f[0]!.evidence?.[0]).toMatchObject({ reports, days });
  });

  it.each([
    // [history (days ago, GiB), now GiB, capacity GiB, severity, days to full]
    [
      'no capacity known: the trend only',
      [
        [60, 10],
        [30, 11],
      ],
      12,
      0,
      'info',
      null,
    ],
    [
      'over 90 days left',
      [
        [60, 10],
        [30, 11],
      ],
      12,
      20,
      'info',
      240,
    ],
    [
      'under 90 days left',
      [
        [60, 10],
        [30, 11],
      ],
      12,
      14,
      'warning',
      60,
    ],
    [
      'under 30 days left',
      [
        [60, 10],
        [30, 11],
      ],
      12,
      12.5,
      'critical',
      15,
    ],
    [
      'not growing',
      [
        [60, 12],
        [30, 12],
      ],
      12,
      13,
      'info',
      null,
    ],
  ])('%s', (_, points, nowGiB, capacityGiB, severity, days) => {
    const f = findings(
      run(
        { shop: (nowGiB as number) * GiB },
        history((points as [number, number][]).map(([d, g]) => [d, g * GiB, null])),
        { maxDataBytes: (capacityGiB as number) * GiB },
      ),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe(severity);
    expect(f[0]!.evidence?.[0]).toMatchObject({ reports: 3, days: 60, daysToFull: days });
    expect(f[0]!.message.en).toContain('history: 3 reports over 60 days');
    expect(f[0]!.message.zh).toContain('历史数据：60 天内 3 份报告');
  });

  it('says how much is used, how fast it grows and when it is full, binlogs counted as used space', () => {
    const [f] = findings(
      run(
        { shop: 10 * GiB, crm: 1 * GiB },
        history([
          [60, 8 * GiB, GiB],
          [30, 9.5 * GiB, GiB],
        ]),
        { maxDataBytes: 14 * GiB },
        [GiB / 2, GiB / 2],
      ),
    ) as FindingDraft[];
    // 9 → 10.5 → 12 GiB used over 60 days: 51.2 MiB/day, 2 GiB left: 40 days.
    expect(f!.severity).toBe('warning');
    expect(f!.value).toBe(40);
    expect(f!.threshold).toBe(90);
    expect(f!.message.en).toBe(
      'full in 40 days (threshold 90 days): data+index 11.0 GiB, binlog 1.0 GiB on disk, +51.2 MiB/day (+33.3 % over 60 days) of 14.0 GiB (maxDataBytes); history: 3 reports over 60 days',
    );
  });

  it('states the trend without a capacity, and nothing when told not to', () => {
    const base = history([
      [60, 10 * GiB, null],
      [30, 11 * GiB, null],
    ]);
    const [f] = findings(run({ shop: 12 * GiB }, base));
    expect(f!.message.en).toContain('days to full not estimated: no capacity known');
    expect(findings(run({ shop: 12 * GiB }, base, { reportTrend: false }))).toEqual([]);
  });
});
