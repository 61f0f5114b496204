import { toTexts } from '../../check.types.js';
import { describe, expect, it } from 'vitest';
import type { CounterBaseline } from '../../check.types.js';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresChecksumFailures } from './checksum-failures.check.js';
import { postgresFilesystemFreeSpace } from './filesystem-free-space.check.js';
import { NO_HOST_METRICS } from './host-metrics.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

describe('postgres.filesystem-free-space', () => {
  it('is skipped: no host metrics source', () => {
    expect(NO_HOST_METRICS).toEqual({ en: 'no host metrics source', zh: '未配置主机指标来源' });
    expect(evaluate(postgresFilesystemFreeSpace, {})).toEqual({ skipped: NO_HOST_METRICS });
  });

  it('takes its limits as warnFreePercent, critFreePercent, warnFullWithinDays and critFullWithinDays', () => {
    const schema = postgresFilesystemFreeSpace.thresholds.schema;
    const limits = { warnFreePercent: 25, critFreePercent: 5, warnFullWithinDays: 30, critFullWithinDays: 7 };
    expect(schema.parse(limits)).toEqual(limits);
    expect(schema.safeParse({ freeWarnPct: 25, freeCritPct: 5 }).success).toBe(false);
  });
});

describe('postgres.checksum-failures', () => {
  const failure = (over: Record<string, unknown>) => ({
    data_checksums: 'on',
    datname: 'Orders "EU"',
    checksum_failures: '2',
    checksum_last_failure: new Date('2026-11-24T03:00:00Z'),
    stats_reset: null,
    ...over,
  });
  const none = {
    data_checksums: 'on',
    datname: null,
    checksum_failures: null,
    checksum_last_failure: null,
    stats_reset: null,
  };

  it('passes with checksums on and no failure', () => {
    expect(findings(evaluate(postgresChecksumFailures, { main: [none] }))).toEqual([]);
  });

  it('is skipped when data checksums are off', () => {
    expect(evaluate(postgresChecksumFailures, { main: [{ ...none, data_checksums: 'off' }] })).toEqual({
      skipped: {
        en: expect.stringContaining('data_checksums = off'),
        zh: '未启用数据校验和（data_checksums = off），无法检测校验失败',
      },
    });
  });

  it('does not apply before PostgreSQL 12', () => {
    expect(
      postgresChecksumFailures.applies!({ server: { ...server, versionNum: 110022 }, instance: { name: 'x' } }),
    ).toEqual({ en: expect.stringMatching(/≥ 12/), zh: expect.stringContaining('PostgreSQL 12 及以上') });
    expect(postgresChecksumFailures.applies!({ server, instance: { name: 'x' } })).toBeNull();
  });

  it('reports every failure as critical, per database and for shared catalogs', () => {
    const out = findings(
      evaluate(postgresChecksumFailures, {
        main: [
          failure({}),
          failure({
            datname: null,
            checksum_failures: '1',
            checksum_last_failure: new Date('2026-10-01T00:00:00Z'),
            stats_reset: new Date('2026-09-01T00:00:00Z'),
          }),
        ],
      }),
    );
    expect(out.map((f) => [f.severity, f.object, f.value])).toEqual([
      ['critical', '"Orders ""EU"""', 2],
      ['critical', 'pg-prod-1', 1],
    ]);
    expect(toTexts(out[0]!.message).en).toBe(
      '2 data page checksum failures in database "Orders ""EU""", last at 2026-11-24T03:00:00.000Z (within the window); counted since the statistics were initialised (stats_reset is null)',
    );
    expect(out[1]!.message).toEqual({
      en: '1 data page checksum failure in shared system catalogs, last at 2026-10-01T00:00:00.000Z (before the window); counted since 2026-09-01T00:00:00.000Z',
      zh: '共享系统目录中有 1 次数据页校验和失败，最近一次在 2026-10-01T00:00:00.000Z（窗口之前）；统计区间：自 2026-09-01T00:00:00.000Z 起',
    });
  });
});

describe('postgres.checksum-failures over a counter baseline', () => {
  /** pg_stat_database rows with failures, as node-postgres returns them. */
  const failure = (over: Record<string, unknown> = {}) => ({
    data_checksums: 'on',
    datname: 'Orders "EU"',
    checksum_failures: '3',
    checksum_last_failure: new Date('2026-11-24T03:00:00Z'),
    stats_reset: new Date('2026-09-01T00:00:00Z'),
    ...over,
  });
  const SHARED_RESET = '2026-08-01T00:00:00Z';
  const shared = (failures: string) =>
    failure({
      datname: null,
      checksum_failures: failures,
      checksum_last_failure: new Date('2026-10-01T00:00:00Z'),
      stats_reset: new Date(SHARED_RESET),
    });
  /** The snapshot collector's keys; the cluster-wide row is `db.<shared>.*`; stats_reset_ms keeps µs. */
  const baseline = (counters: Record<string, number>, over: Partial<CounterBaseline> = {}): CounterBaseline => ({
    takenAt: '2026-11-18T11:55:00.000Z',
    coversWindowStart: true,
    counters: {
      'db.Orders "EU".checksum_failures': 1,
      'db.Orders "EU".deadlocks': 7,
      'db.Orders "EU".stats_reset_ms': Date.parse('2026-09-01T00:00:00Z') + 0.5,
      'db.<shared>.checksum_failures': 2,
      'db.<shared>.stats_reset_ms': Date.parse(SHARED_RESET),
      ...counters,
    },
    ...over,
  });

  it.each([
    ['no failure at all', [], {}, []],
    ['failures all before the snapshot', [failure({ checksum_failures: '1' }), shared('2')], {}, []],
    ['Δ 2 in a database', [failure(), shared('2')], {}, [['"Orders ""EU"""', 2]]],
    ['Δ 1 in shared catalogs', [failure({ checksum_failures: '1' }), shared('3')], {}, [['pg-prod-1', 1]]],
    [
      'a database failing for the first time since the snapshot',
      [failure({ checksum_failures: '1' })],
      { 'db.Orders "EU".checksum_failures': 0 },
      [['"Orders ""EU"""', 1]],
    ],
  ] as const)('%s', (_name, rows, counters, expected) => {
    const out = findings(
      evaluate(
        postgresChecksumFailures,
        {
          main: rows.length
            ? [...rows]
            : [
                {
                  ...failure(),
                  datname: null,
                  checksum_failures: null,
                  checksum_last_failure: null,
                  stats_reset: null,
                },
              ],
        },
        { counterBaseline: baseline(counters) },
      ),
    );
    expect(out.map((f) => [f.object, f.value])).toEqual(expected);
    for (const f of out) expect(f).toMatchObject({ severity: 'critical', threshold: 0 });
  });

  it('says what the delta covers, with baseline and current counts as evidence', () => {
    const [f] = findings(evaluate(postgresChecksumFailures, { main: [failure()] }, { counterBaseline: baseline({}) }));
    expect(toTexts(f!.message).en).toBe(
      '2 data page checksum failures in database "Orders ""EU""", last at 2026-11-24T03:00:00.000Z (within the window); counted in the window since 2026-11-18T11:55:00.000Z',
    );
    expect(f!.evidence).toEqual([
      {
        datname: 'Orders "EU"',
        baseline: 1,
        current: 3,
        delta: 2,
        checksum_last_failure: '2026-11-24T03:00:00.000Z',
        stats_reset: '2026-09-01T00:00:00.000Z',
      },
    ]);
    const [g] = findings(
      evaluate(
        postgresChecksumFailures,
        { main: [shared('3')] },
        { counterBaseline: baseline({}, { takenAt: '2026-11-21T03:15:00.000Z', coversWindowStart: false }) },
      ),
    );
    expect(g!.message).toEqual({
      en: '1 data page checksum failure in shared system catalogs, last at 2026-10-01T00:00:00.000Z (before the window); counted since 2026-11-21T03:15:00.000Z (first snapshot in the window; window start not covered)',
      zh: '共享系统目录中有 1 次数据页校验和失败，最近一次在 2026-10-01T00:00:00.000Z（窗口之前）；统计区间：自 2026-11-21T03:15:00.000Z 起（窗口内第一份快照，未覆盖窗口起点）',
    });
  });

  it.each([
    [
      'statistics reset after the snapshot',
      failure({ checksum_failures: '1', stats_reset: new Date('2026-11-20T00:00:00Z') }),
      {},
      'counted since 2026-11-20T00:00:00.000Z (snapshot of 2026-11-18T11:55:00.000Z not used: statistics reset since)',
    ],
    [
      'the counter went backwards',
      failure({ checksum_failures: '1' }),
      { 'db.Orders "EU".checksum_failures': 4 },
      'counted since 2026-09-01T00:00:00.000Z (snapshot of 2026-11-18T11:55:00.000Z not used: checksum_failures went backwards (statistics reset since))',
    ],
    [
      'a database created after the snapshot',
      failure({ datname: 'new', checksum_failures: '1' }),
      {},
      'counted since 2026-09-01T00:00:00.000Z (snapshot of 2026-11-18T11:55:00.000Z not used: the database is not in it)',
    ],
  ])('falls back to the total since the statistics reset: %s', (_name, row, counters, counted) => {
    const [f, ...rest] = findings(
      evaluate(postgresChecksumFailures, { main: [row] }, { counterBaseline: baseline(counters) }),
    );
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'critical', value: 1 });
    expect(toTexts(f!.message).en).toMatch(/^1 data page checksum failure in database /);
    expect(toTexts(f!.message).en.endsWith(`; ${counted}`)).toBe(true);
  });

  it('is still skipped when data checksums are off', () => {
    expect(
      evaluate(
        postgresChecksumFailures,
        { main: [{ ...failure(), data_checksums: 'off', datname: null, checksum_failures: null }] },
        { counterBaseline: baseline({}) },
      ),
    ).toHaveProperty('skipped');
  });
});
