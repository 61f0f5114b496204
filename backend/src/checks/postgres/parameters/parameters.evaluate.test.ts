import { describe, expect, it } from 'vitest';
import { checkEvaluator, POSTGRES_15 } from '../../../test/check-evaluator.js';
import type { ParameterBaselineRef } from '../../check.types.js';
import { canonical, sameValue, withUnit } from '../../parameter-drift.js';
import { postgresSettingsDrift } from './settings-drift.check.js';

const NOW = new Date('2026-12-01T08:00:00Z');
const { evaluate, findings, skipped } = checkEvaluator({
  server: POSTGRES_15,
  window: { from: new Date('2026-11-01T08:00:00Z'), to: NOW },
  now: NOW,
  instanceName: 'pg1',
  requireBothLanguages: true,
});

const s = (
  name: string,
  value: string,
  unit: string | null = null,
  source = 'default',
  sourcefile: string | null = null,
) => ({
  name,
  value,
  unit,
  source,
  sourcefile,
  sourceline: sourcefile ? 12 : null,
});
const SETTINGS = [
  s('shared_buffers', '16384', '8kB', 'configuration file', '/etc/postgresql/15/main/postgresql.conf'),
  s('checkpoint_timeout', '300', 's'),
  s('work_mem', '4096', 'kB'),
  s('log_min_duration_statement', '-1', 'ms'),
  s('fsync', 'on'),
  s('max_connections', '200', null, 'configuration file', '/var/lib/postgresql/15/main/postgresql.auto.conf'),
  s('shared_preload_libraries', 'pg_stat_statements,auto_explain', null, 'configuration file', '/etc/pg.conf'),
  s('application_name', 'dbpatrol', null, 'client'),
  s('statement_timeout', '15000', 'ms', 'client'),
  s('primary_conninfo', 'host=primary password=hunter2'),
];
const baseline = (parameters: Record<string, string>): ParameterBaselineRef => ({
  scope: 'instance',
  parameters,
  updatedAt: '2026-11-01T00:00:00.000Z',
});
const entry = (name: string, setting: string, applied = true, error: string | null = null) => ({
  name,
  setting,
  applied,
  error,
  sourceline: 3,
});
const run = (o: {
  settings?: ReturnType<typeof s>[];
  autoConf?: ReturnType<typeof entry>[];
  parameterBaseline?: ParameterBaselineRef;
  previous?: Record<string, string>;
}) =>
  evaluate(
    postgresSettingsDrift,
    { settings: o.settings ?? SETTINGS, autoConf: o.autoConf ?? [] },
    {
      instance: o.parameterBaseline ? { parameterBaseline: o.parameterBaseline } : {},
      ...(o.previous ? { baseline: o.previous } : {}),
    },
  );

describe('units and spellings', () => {
  it.each([
    ['16384', '8kB', '128MB'],
    ['300', 's', '5min'],
    ['4096', 'kB', '4MB'],
    ['-1', 'ms', '-1'],
    ['0', 'ms', '0ms'],
    ['1000', '8kB', '8000kB'],
    ['on', null, 'on'],
  ])('%s of %s is shown as %s', (setting, unit, shown) => {
    expect(withUnit(setting, unit)).toBe(shown);
  });

  it.each([
    ['128MB', '16384', '8kB', true],
    ['131072kB', '128MB', null, true],
    ['5min', '300', 's', true],
    ['300s', '5min', null, true],
    ['256MB', '16384', '8kB', false],
    ['true', 'on', null, true],
    ['1', 'on', null, true],
    ['0', 'on', null, false],
    ['auto_explain, pg_stat_statements', 'pg_stat_statements,auto_explain', null, true],
    ['replica', 'logical', null, false],
  ])('expected %s and actual %s (%s) agree: %s', (expected, actual, unit, same) => {
    expect(sameValue(expected, actual, unit)).toBe(same);
  });

  it('canonical forms', () => {
    expect(canonical('1GB')).toBe(`bytes:${1024 ** 3}`);
    expect(canonical('1h')).toBe('ms:3600000');
    expect(canonical(' Off ')).toBe('off');
  });
});

describe('postgres.settings-drift (PG-M07)', () => {
  it('records the settings with their units on a first run, leaving out what this client set and hashing conninfo', () => {
    const result = run({});
    expect(skipped(result).zh).toContain('基线');
    const fp = (result as { fingerprints: Record<string, string> }).fingerprints;
    expect(fp).toMatchObject({ shared_buffers: '128MB', checkpoint_timeout: '5min', work_mem: '4MB', fsync: 'on' });
    expect(fp).not.toHaveProperty('application_name');
    expect(fp).not.toHaveProperty('statement_timeout');
    expect(fp.primary_conninfo).toMatch(/^sha256:/);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('warns for each baselined setting with another value, naming expected, actual and source file', () => {
    const f = findings(
      run({
        parameterBaseline: baseline({
          shared_buffers: '1GB',
          work_mem: '4096kB',
          checkpoint_timeout: '15min',
          max_wal_size: '4GB',
          statement_timeout: '0',
        }),
      }),
    );
    expect(f.map((x) => [x.severity, x.object, x.value, x.threshold])).toEqual([
      ['warning', 'checkpoint_timeout', '5min', '15min'],
      ['warning', 'max_wal_size', undefined, '4GB'],
      ['warning', 'shared_buffers', '128MB', '1GB'],
    ]);
    expect(f[2]!.message.en).toBe('shared_buffers = 128MB, the instance baseline expects 1GB');
    expect(f[2]!.evidence?.[0]).toMatchObject({
      source: 'configuration file /etc/postgresql/15/main/postgresql.conf:12',
    });
    expect(f[1]!.message.en).toContain('the server has no such parameter');
  });

  it('reports ALTER SYSTEM entries, pending ones as not applied, unless the baseline expects them', () => {
    const autoConf = [
      entry('work_mem', '64MB'),
      entry('max_connections', '200'),
      entry('fsync', 'of', false, 'invalid value'),
      entry('checkpoint_timeout', '5min', false),
    ];
    const f = findings(run({ autoConf }));
    expect(f.map((x) => x.object)).toEqual(['work_mem', 'max_connections', 'fsync', 'checkpoint_timeout']);
    expect(f[0]!.message.en).toBe(
      'work_mem = 64MB set by ALTER SYSTEM in postgresql.auto.conf, outside the configuration files you manage (not applied yet: 4MB is in effect; needs a reload or restart)',
    );
    expect(f[1]!.message.en).toBe(
      'max_connections = 200 set by ALTER SYSTEM in postgresql.auto.conf, outside the configuration files you manage',
    );
    expect(f[2]!.message.en).toContain('(not applied: invalid value)');
    expect(f[3]!.message.en).toContain('(not applied: overridden or invalid)');
    expect(f[1]!.message.zh).toContain('ALTER SYSTEM');
    expect(
      findings(run({ autoConf: autoConf.slice(0, 2), parameterBaseline: baseline({ max_connections: '200' }) })).map(
        (x) => x.object,
      ),
    ).toEqual(['work_mem']);
  });

  it('reports changes since the previous report as information', () => {
    const previous = { '#at': '2026-11-01T08:00:00.000Z', shared_buffers: '128MB', work_mem: '8MB', fsync: 'on' };
    const f = findings(run({ previous }));
    expect(f.filter((x) => x.object === 'work_mem')).toEqual([
      expect.objectContaining({
        severity: 'info',
        message: {
          en: 'work_mem changed since the report of 2026-11-01T08:00:00.000Z: 8MB → 4MB',
          zh: 'work_mem 自 2026-11-01T08:00:00.000Z 的报告以来已变更：8MB → 4MB',
        },
      }),
    ]);
    const first = run({}) as { fingerprints: Record<string, string> };
    expect(findings(run({ previous: first.fingerprints }))).toEqual([]);
  });
});
