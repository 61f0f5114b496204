import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11, MYSQL_8_0 } from '../../../test/check-evaluator.js';
import type { ParameterBaselineRef, QuerySpec } from '../../check.types.js';
import { pickSqlVariant } from '../../sql-variant.js';
import { mysqlParameterDrift } from './parameter-drift.check.js';

const NOW = new Date('2026-12-01T08:00:00Z');
const { evaluate, findings, skipped } = checkEvaluator({
  server: MARIADB_10_11,
  window: { from: new Date('2026-11-01T08:00:00Z'), to: NOW },
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});

const v = (
  name: string,
  value: string | null,
  source: string | null = 'COMPILE-TIME',
  sourcefile: string | null = null,
) => ({
  name,
  value,
  source,
  sourcefile,
});
const VARIABLES = [
  v('innodb_buffer_pool_size', '134217728', 'CONFIG', '/etc/mysql/my.cnf'),
  v('innodb_flush_log_at_trx_commit', '1'),
  v('sql_mode', 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'),
  v('slow_query_log', 'ON', 'CONFIG', '/etc/mysql/my.cnf'),
  v('gtid_current_pos', '0-1-100'),
  v('wsrep_sst_auth', 'sst:secret'),
];
const baseline = (
  parameters: Record<string, string>,
  over: Partial<ParameterBaselineRef> = {},
): ParameterBaselineRef => ({
  scope: 'instance',
  parameters,
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...over,
});
const run = (opts: {
  variables?: ReturnType<typeof v>[];
  parameterBaseline?: ParameterBaselineRef;
  previous?: Record<string, string>;
  thresholds?: Record<string, unknown>;
}) =>
  evaluate(
    mysqlParameterDrift,
    { variables: opts.variables ?? VARIABLES },
    {
      instance: opts.parameterBaseline ? { parameterBaseline: opts.parameterBaseline } : {},
      ...(opts.previous ? { baseline: opts.previous } : {}),
      ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
    },
  );

describe('mysql.parameter-drift (MY-M10)', () => {
  it('records the values on a first run without a baseline, ignoring moving GTID positions and hashing credentials', () => {
    const result = run({});
    expect(skipped(result).en).toContain('no parameter baseline');
    const fp = (result as { fingerprints: Record<string, string> }).fingerprints;
    expect(fp).toMatchObject({ innodb_buffer_pool_size: '134217728', slow_query_log: 'ON', '#at': NOW.toISOString() });
    expect(fp).not.toHaveProperty('gtid_current_pos');
    expect(fp.wsrep_sst_auth).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(JSON.stringify(result)).not.toContain('secret');
  });

  it.each([
    ['same value, other spelling of a size', { innodb_buffer_pool_size: '128M' }, []],
    ['same value, 1 for ON', { slow_query_log: '1' }, []],
    ['same list in another order and case', { sql_mode: 'no_engine_substitution,STRICT_TRANS_TABLES' }, []],
    ['a size that differs', { innodb_buffer_pool_size: '1G' }, ['innodb_buffer_pool_size']],
    ['a switch that differs', { slow_query_log: 'OFF' }, ['slow_query_log']],
    ['a number that differs', { innodb_flush_log_at_trx_commit: '2' }, ['innodb_flush_log_at_trx_commit']],
    ['a parameter the server lacks', { query_cache_type: '0' }, ['query_cache_type']],
    ['an ignored parameter', { gtid_current_pos: '0-1-1' }, []],
  ])('baseline: %s', (_, parameters, warned) => {
    const f = findings(run({ parameterBaseline: baseline(parameters) }));
    expect(f.filter((x) => x.severity === 'warning').map((x) => x.object)).toEqual(warned);
  });

  it('names the parameter, the expected and the actual value and where the baseline came from', () => {
    const [f] = findings(
      run({
        parameterBaseline: baseline({ innodb_buffer_pool_size: '1G' }, { scope: 'business', fromReportId: 'r-42' }),
      }),
    );
    expect(f).toMatchObject({
      severity: 'warning',
      object: 'innodb_buffer_pool_size',
      value: '134217728',
      threshold: '1G',
    });
    expect(f!.message.en).toBe(
      'innodb_buffer_pool_size = 134217728, the business baseline, set from report r-42 expects 1G',
    );
    expect(f!.message.zh).toContain('业务基线');
    expect(f!.evidence).toEqual([
      {
        parameter: 'innodb_buffer_pool_size',
        expected: '1G',
        actual: '134217728',
        previous: null,
        source: 'CONFIG /etc/mysql/my.cnf',
      },
    ]);
  });

  it('reports changes since the previous report as information, and a baselined change once as a warning', () => {
    const previous = {
      '#at': '2026-11-01T08:00:00.000Z',
      innodb_buffer_pool_size: '134217728',
      innodb_flush_log_at_trx_commit: '2',
      slow_query_log: 'OFF',
      old_mode: '',
      sql_mode: 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION',
    };
    const f = findings(run({ previous, parameterBaseline: baseline({ slow_query_log: 'OFF' }) }));
    expect(f.map((x) => [x.severity, x.object])).toEqual([
      ['warning', 'slow_query_log'],
      ['info', 'innodb_flush_log_at_trx_commit'],
      ['info', 'wsrep_sst_auth'],
      ['info', 'old_mode'],
    ]);
    expect(f[0]!.message.en).toBe(
      'slow_query_log = ON, the instance baseline expects OFF (changed since the report of 2026-11-01T08:00:00.000Z: was OFF)',
    );
    expect(f[1]!.message.en).toBe(
      'innodb_flush_log_at_trx_commit changed since the report of 2026-11-01T08:00:00.000Z: 2 → 1',
    );
    expect(f[3]!.message.en).toContain('no longer reported');
  });

  it('passes when nothing moved since the previous report', () => {
    const first = run({}) as { fingerprints: Record<string, string> };
    const again = run({
      previous: first.fingerprints,
      variables: [...VARIABLES.slice(0, 4), v('gtid_current_pos', '0-1-999'), VARIABLES[5]!],
    });
    expect(findings(again)).toEqual([]);
  });

  it('reports values set at run time (SET GLOBAL, SET PERSIST) unless the baseline expects them', () => {
    const variables = [...VARIABLES, v('max_connections', '500', 'SQL'), v('long_query_time', '2.000000', 'PERSISTED')];
    const f = findings(run({ variables }));
    expect(f.map((x) => x.object)).toEqual(['max_connections', 'long_query_time']);
    expect(f[0]!.message.en).toBe(
      'max_connections = 500 was set by SET GLOBAL (not in the option files; lost on restart)',
    );
    expect(
      findings(run({ variables, parameterBaseline: baseline({ max_connections: '500', long_query_time: '2' }) })),
    ).toEqual([]);
    expect(
      findings(
        run({
          variables,
          thresholds: { reportRuntimeChanges: false },
          previous: {
            '#at': 'x',
            ...Object.fromEntries(VARIABLES.map((x) => [x.name, x.value!])),
            max_connections: '500',
            long_query_time: '2.000000',
          },
        }),
      ).map((x) => x.object),
    ).toEqual(['wsrep_sst_auth']);
  });

  it('bounds the findings', () => {
    const parameters = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`missing_${i}`, '1']));
    const f = findings(run({ parameterBaseline: baseline(parameters), thresholds: { maxFindings: 3 } }));
    expect(f).toHaveLength(4);
    expect(f[3]!.message.en).toBe('2 more parameter differences not listed');
  });

  it('reads the origin of each value where the server has it', () => {
    const q = mysqlParameterDrift.queries.variables as QuerySpec<unknown>;
    expect(pickSqlVariant(q.sql, 'mariadb', 101119)?.sql).toContain('GLOBAL_VALUE_ORIGIN');
    expect(pickSqlVariant(q.sql, 'mysql', MYSQL_8_0.versionNum)?.sql).toContain('variables_info');
    expect(pickSqlVariant(q.sql, 'mysql', 50744)?.sql).toContain('performance_schema.global_variables');
    expect(pickSqlVariant(q.sql, 'mariadb', 100006)?.sql).toContain('information_schema.GLOBAL_VARIABLES');
  });
});
