import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import type { Target } from '../../targets/target-spec.js';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';
import { findingsOf, mariadbRootTarget, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import { MYSQL_MONTHLY_CHECKS } from './monthly.list.js';
import { mysqlBinlogRetention } from './parameters/binlog-retention.check.js';
import { mysqlDurabilitySettings } from './parameters/durability-settings.check.js';
import { mysqlIntegritySettings } from './parameters/integrity-settings.check.js';
import { mysqlLoggingSettings } from './parameters/logging-settings.check.js';
import { mysqlReplicaSafety } from './parameters/replica-safety.check.js';

// The shared local MariaDB is not reconfigured here (other suites read its global variables in parallel): the test
// reads the variables itself and derives what each check must report from them.
let root: Target;
let report: InspectionReport;
const v: Record<string, string | null> = {};
let timeZoneNames = 0;
const on = (x: string | null | undefined) => /^(on|1)$/i.test(x ?? '');
const objects = (id: string) => findingsOf(report, id).map((f) => f.object);

beforeAll(async () => {
  const admin = await mysql.createConnection({ ...MARIADB_ROOT });
  try {
    const [rows] = await admin.query('SHOW GLOBAL VARIABLES');
    for (const r of rows as { Variable_name: string; Value: string | null }[]) v[r.Variable_name] = r.Value;
    const [tz] = await admin.query('SELECT COUNT(*) AS n FROM mysql.time_zone_name');
    timeZoneNames = Number((tz as { n: string | number }[])[0]?.n);
  } finally {
    await admin.end();
  }
  root = mariadbRootTarget();
  report = await runChecks(root, MYSQL_MONTHLY_CHECKS, { tier: 'monthly' });
});
afterAll(async () => {
  await root?.close();
});

describe('monthly parameter checks on the local MariaDB', () => {
  it('MY-M01 reports exactly the non-durable settings', () => {
    const expected: string[] = [];
    if (v.innodb_flush_log_at_trx_commit !== '1') expected.push('innodb_flush_log_at_trx_commit');
    if (on(v.log_bin)) {
      if (v.sync_binlog !== '1') expected.push('sync_binlog');
      if (v.binlog_format !== 'ROW') expected.push('binlog_format');
      if (v.binlog_row_image !== 'FULL') expected.push('binlog_row_image');
      if (v.binlog_checksum !== 'CRC32') expected.push('binlog_checksum');
    }
    if (!on(v.innodb_doublewrite)) expected.push('innodb_doublewrite');
    expect(outcomeOf(report, mysqlDurabilitySettings.id)?.status).not.toBe('error');
    expect(objects(mysqlDurabilitySettings.id)).toEqual(expected);
  });

  it('MY-M02 is skipped without a binary log, else grades the retention', () => {
    if (!on(v.log_bin)) {
      expect(outcomeOf(report, mysqlBinlogRetention.id)).toMatchObject({
        status: 'skipped',
        reason: 'the binary log is off (log_bin=OFF)',
      });
    } else {
      const secs = Number(v.binlog_expire_logs_seconds ?? NaN);
      const days = Number(v.expire_logs_days ?? NaN);
      const retention = secs > 0 ? secs / 86_400 : days > 0 ? days : 0;
      expect(objects(mysqlBinlogRetention.id)).toEqual(retention >= 7 ? [] : ['binlog retention']);
    }
  });

  it('MY-M08 reads sql_mode, InnoDB switches and the time zone tables', () => {
    const expected: string[] = [];
    const mode = (v.sql_mode ?? '').split(',');
    if (!mode.includes('STRICT_TRANS_TABLES') && !mode.includes('STRICT_ALL_TABLES')) expected.push('sql_mode');
    if (!on(v.innodb_strict_mode)) expected.push('innodb_strict_mode');
    if (!on(v.innodb_file_per_table)) expected.push('innodb_file_per_table');
    if (timeZoneNames === 0) expected.push('mysql.time_zone_name');
    expect(objects(mysqlIntegritySettings.id)).toEqual(expected);
  });

  it('MY-M09 reads the MariaDB logging variables (log_warnings, not log_error_verbosity)', () => {
    const expected: string[] = [];
    if (!on(v.slow_query_log)) expected.push('slow_query_log');
    if (Number(v.long_query_time) > 10) expected.push('long_query_time');
    if (on(v.general_log)) expected.push('general_log');
    if (v.log_error_verbosity === undefined && Number(v.log_warnings) === 0) expected.push('log_warnings');
    expect(objects(mysqlLoggingSettings.id)).toEqual(expected);
  });

  it('MY-M11 does not run on this primary', () => {
    expect(outcomeOf(report, mysqlReplicaSafety.id)).toMatchObject({
      status: 'skipped',
      reason: 'the server is not a replica',
    });
  });
});
