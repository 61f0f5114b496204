import { describe, expect, it } from 'vitest';
import { checkEvaluator } from '../../../test/check-evaluator.js';
import { toTexts, type Evaluation, type ServerFacts } from '../../check.types.js';
import { mysqlBinlogRetention } from './binlog-retention.check.js';
import { mysqlDurabilitySettings } from './durability-settings.check.js';
import { mysqlIntegritySettings } from './integrity-settings.check.js';
import { mysqlLoggingSettings } from './logging-settings.check.js';
import { mysqlReplicaSafety } from './replica-safety.check.js';

const NOW = new Date('2026-12-01T12:00:00Z');
function server(flavor: 'mysql' | 'mariadb', version: string, role: 'primary' | 'replica' = 'primary'): ServerFacts {
  const [a = 0, b = 0, c = 0] = version.split('.').map(Number);
  return {
    engine: flavor,
    flavor,
    version,
    versionNum: a * 10000 + b * 100 + c,
    versionString: flavor === 'mariadb' ? `${version}-MariaDB` : version,
    role,
    uptimeSeconds: 86_400,
    readOnly: role === 'replica',
  };
}
const MARIADB = server('mariadb', '10.11.19');
const MYSQL = server('mysql', '8.0.36');
const t = checkEvaluator({
  server: MARIADB,
  window: { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW },
  now: NOW,
  instanceName: 'db-prod-1',
  requireBothLanguages: true,
});
const summary = (e: Evaluation) => t.findings(e).map((f) => [f.severity, f.object]);
const vars = (pairs: Record<string, string | null>) =>
  Object.entries(pairs).map(([Variable_name, Value]) => ({ Variable_name, Value }));

const DURABLE = {
  innodb_flush_log_at_trx_commit: '1',
  sync_binlog: '1',
  log_bin: 'ON',
  binlog_format: 'ROW',
  binlog_row_image: 'FULL',
  binlog_checksum: 'CRC32',
  innodb_doublewrite: 'ON',
};

describe('mysql.durability-settings (MY-M01)', () => {
  it.each([
    ['all durable', DURABLE, []],
    [
      'flush 2, sync_binlog 0, MIXED, MINIMAL, NONE, doublewrite OFF',
      {
        ...DURABLE,
        innodb_flush_log_at_trx_commit: '2',
        sync_binlog: '0',
        binlog_format: 'MIXED',
        binlog_row_image: 'MINIMAL',
        binlog_checksum: 'NONE',
        innodb_doublewrite: 'OFF',
      },
      [
        ['warning', 'innodb_flush_log_at_trx_commit'],
        ['warning', 'sync_binlog'],
        ['warning', 'binlog_format'],
        ['warning', 'binlog_row_image'],
        ['warning', 'binlog_checksum'],
        ['warning', 'innodb_doublewrite'],
      ],
    ],
    [
      'binary log off: binlog settings not graded',
      { ...DURABLE, log_bin: 'OFF', sync_binlog: '0', binlog_format: 'MIXED' },
      [],
    ],
  ])('%s', (_name, v, expected) => {
    expect(summary(t.evaluate(mysqlDurabilitySettings, { variables: vars(v) }))).toEqual(expected);
  });
  it('names expected and actual values', () => {
    const e = t.evaluate(mysqlDurabilitySettings, { variables: vars({ ...DURABLE, sync_binlog: '0' }) });
    expect(toTexts(t.findings(e)[0]!.message).en).toMatch(/sync_binlog=0 \(expected 1\)/);
  });
  it('does not run on a replica', () => {
    const applies = mysqlDurabilitySettings.applies!;
    expect(applies({ server: server('mysql', '8.0.36', 'replica'), instance: {} as never })?.en).toMatch(/replica/);
    expect(applies({ server: MYSQL, instance: {} as never })).toBeNull();
  });
});

describe('mysql.binlog-retention (MY-M02)', () => {
  it.each([
    ['MySQL 8 default 30 days', { log_bin: 'ON', binlog_expire_logs_seconds: '2592000', expire_logs_days: '0' }, []],
    [
      '3 days in seconds',
      { log_bin: 'ON', binlog_expire_logs_seconds: '259200', expire_logs_days: '0' },
      [['warning', 'binlog retention']],
    ],
    ['MariaDB 10.5 expire_logs_days 10', { log_bin: 'ON', expire_logs_days: '10' }, []],
    ['expire_logs_days 2', { log_bin: 'ON', expire_logs_days: '2' }, [['warning', 'binlog retention']]],
    [
      'never purged',
      { log_bin: 'ON', binlog_expire_logs_seconds: '0', expire_logs_days: '0' },
      [['warning', 'binlog retention']],
    ],
    [
      'fractional days (MariaDB 10.6 float)',
      { log_bin: 'ON', expire_logs_days: '7.000000', binlog_expire_logs_seconds: '604800' },
      [],
    ],
  ])('%s', (_name, v, expected) => {
    expect(summary(t.evaluate(mysqlBinlogRetention, { variables: vars(v) }))).toEqual(expected);
  });
  it('never-purged message says so; threshold is configurable', () => {
    const e = t.evaluate(mysqlBinlogRetention, { variables: vars({ log_bin: 'ON', expire_logs_days: '0' }) });
    expect(toTexts(t.findings(e)[0]!.message).en).toMatch(/never purged/);
    const e2 = t.evaluate(
      mysqlBinlogRetention,
      { variables: vars({ log_bin: 'ON', expire_logs_days: '10' }) },
      { thresholds: { warnRetentionDays: 14 } },
    );
    expect(toTexts(t.findings(e2)[0]!.message).en).toMatch(/kept 10 days, less than 14 days/);
  });
  it('skips without a binary log', () => {
    const e = t.evaluate(mysqlBinlogRetention, { variables: vars({ log_bin: 'OFF', expire_logs_days: '0' }) });
    expect(t.skipped(e).en).toMatch(/log_bin=OFF/);
  });
});

describe('mysql.integrity-settings (MY-M08)', () => {
  const good = {
    sql_mode: 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
    innodb_strict_mode: 'ON',
    innodb_file_per_table: 'ON',
  };
  it.each([
    ['all set, time zones loaded', good, [{ names: 1800 }], []],
    ['time zone table not readable: not graded', good, [], []],
    [
      'everything missing',
      { sql_mode: 'NO_ENGINE_SUBSTITUTION', innodb_strict_mode: 'OFF', innodb_file_per_table: 'OFF' },
      [{ names: '0' }],
      [
        ['warning', 'sql_mode'],
        ['warning', 'innodb_strict_mode'],
        ['warning', 'innodb_file_per_table'],
        ['warning', 'mysql.time_zone_name'],
      ],
    ],
    ['STRICT_ALL_TABLES suffices', { ...good, sql_mode: 'STRICT_ALL_TABLES' }, [{ names: 5 }], []],
    ['empty sql_mode', { ...good, sql_mode: '' }, [{ names: 5 }], [['warning', 'sql_mode']]],
  ])('%s', (_name, v, tz, expected) => {
    expect(summary(t.evaluate(mysqlIntegritySettings, { variables: vars(v), timeZones: tz }))).toEqual(expected);
  });
});

describe('mysql.logging-settings (MY-M09)', () => {
  it.each([
    [
      'MySQL good',
      MYSQL,
      { slow_query_log: 'ON', long_query_time: '1.000000', general_log: 'OFF', log_error_verbosity: '2' },
      [],
    ],
    [
      'MySQL slow log off, 30 s, general log on, verbosity 1',
      MYSQL,
      { slow_query_log: 'OFF', long_query_time: '30.000000', general_log: 'ON', log_error_verbosity: '1' },
      [
        ['warning', 'slow_query_log'],
        ['warning', 'long_query_time'],
        ['warning', 'general_log'],
        ['info', 'log_error_verbosity'],
      ],
    ],
    [
      'MariaDB default long_query_time 10 is not above 10',
      MARIADB,
      { slow_query_log: 'ON', long_query_time: '10.000000', general_log: 'OFF', log_warnings: '2' },
      [],
    ],
    [
      'MariaDB log_warnings 0',
      MARIADB,
      { slow_query_log: 'ON', long_query_time: '2', general_log: 'OFF', log_warnings: '0' },
      [['info', 'log_warnings']],
    ],
  ])('%s', (_name, srv, v, expected) => {
    expect(summary(t.evaluate(mysqlLoggingSettings, { variables: vars(v) }, { server: srv }))).toEqual(expected);
  });
});

describe('mysql.replica-safety (MY-M11)', () => {
  const REPLICA_MY = server('mysql', '8.0.36', 'replica');
  const REPLICA_MA = server('mariadb', '10.11.19', 'replica');
  it.each([
    [
      'MySQL safe replica',
      REPLICA_MY,
      {
        replica_skip_errors: 'OFF',
        replica_exec_mode: 'STRICT',
        relay_log_purge: 'ON',
        log_replica_updates: 'ON',
        replica_parallel_workers: '4',
      },
      [],
    ],
    [
      'MySQL skipping errors, idempotent, no purge, no log updates, single thread',
      REPLICA_MY,
      {
        replica_skip_errors: '1062,1032',
        replica_exec_mode: 'IDEMPOTENT',
        relay_log_purge: 'OFF',
        log_replica_updates: 'OFF',
        replica_parallel_workers: '1',
      },
      [
        ['critical', 'replica_skip_errors'],
        ['critical', 'replica_exec_mode'],
        ['warning', 'relay_log_purge'],
        ['warning', 'log_replica_updates'],
        ['warning', 'replica_parallel_workers'],
      ],
    ],
    [
      'MariaDB with old names and GTID, not strict',
      REPLICA_MA,
      {
        slave_skip_errors: 'ALL',
        slave_exec_mode: 'STRICT',
        relay_log_purge: 'ON',
        log_slave_updates: 'ON',
        slave_parallel_threads: '0',
        gtid_slave_pos: '0-1-42',
        gtid_strict_mode: 'OFF',
      },
      [
        ['critical', 'slave_skip_errors'],
        ['warning', 'slave_parallel_threads'],
        ['info', 'gtid_strict_mode'],
      ],
    ],
    [
      // MariaDB 10.5+ lists slave_parallel_workers as an alias too: the finding names slave_parallel_threads.
      'MariaDB reporting both parallel names',
      REPLICA_MA,
      {
        relay_log_purge: 'ON',
        log_slave_updates: 'ON',
        slave_parallel_workers: '0',
        slave_parallel_threads: '0',
      },
      [['warning', 'slave_parallel_threads']],
    ],
  ])('%s', (_name, srv, v, expected) => {
    expect(summary(t.evaluate(mysqlReplicaSafety, { variables: vars(v) }, { server: srv }))).toEqual(expected);
  });
  it('does not run on a primary', () => {
    const applies = mysqlReplicaSafety.applies!;
    expect(applies({ server: MYSQL, instance: {} as never })?.en).toMatch(/not a replica/);
    expect(applies({ server: REPLICA_MA, instance: {} as never })).toBeNull();
  });
});
