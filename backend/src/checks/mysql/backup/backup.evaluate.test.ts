import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11 } from '../../../test/check-evaluator.js';
import { toTexts, type Message, type QuerySpec, type ServerFacts } from '../../check.types.js';
import { mysqlBackupAge } from './backup-age.check.js';
import { NO_BACKUP_EVIDENCE } from './backup-evidence.js';
import { mysqlBinlogEnabled } from './binlog-enabled.check.js';
import { findBinlogGaps } from './binlog-gaps.js';
import { mysqlBinlogSequence } from './binlog-sequence.check.js';

const en = (m: Message): string => toTexts(m).en;

const NOW = new Date('2026-11-24T12:00:00Z');
const MARIADB: ServerFacts = { ...MARIADB_10_11, uptimeSeconds: 30 * 86_400 };

const { evaluate, findings } = checkEvaluator({
  server: MARIADB,
  window: { from: new Date('2026-11-23T12:00:00Z'), to: NOW },
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});

describe('findBinlogGaps', () => {
  it.each([
    [[], []],
    [['mysql-bin.000001', 'mysql-bin.000002', 'mysql-bin.000003'], []],
    [
      ['mysql-bin.000001', 'mysql-bin.000003'],
      [{ before: 'mysql-bin.000001', after: 'mysql-bin.000003', missing: ['mysql-bin.000002'] }],
    ],
    [
      ['b.000008', 'b.000009', 'b.000012', 'b.000013', 'b.000015'],
      [
        { before: 'b.000009', after: 'b.000012', missing: ['b.000010', 'b.000011'] },
        { before: 'b.000013', after: 'b.000015', missing: ['b.000014'] },
      ],
    ],
    [['binlog.999999', 'binlog.1000000'], []],
    [['old-bin.000007', 'new-bin.000001', 'new-bin.000002'], []],
    [['a.000005', 'a.000004'], [{ before: 'a.000005', after: 'a.000004', missing: [] }]],
    [['mysql-bin.000001', 'mysql-bin.index', 'mysql-bin.000002'], []],
  ])('%j → %j', (names, gaps) => {
    expect(findBinlogGaps(names)).toEqual(gaps);
  });
});

describe('mysql.binlog-enabled (MY-D11)', () => {
  it.each([
    [1, 'primary', null],
    ['1', 'primary', null],
    [0, 'primary', 'critical'],
    ['0', 'replica', 'warning'],
  ] as const)('log_bin %j on a %s → %s', (logBin, role, severity) => {
    const e = findings(
      evaluate(mysqlBinlogEnabled, { settings: [{ log_bin: logBin }] }, { server: { ...MARIADB, role } }),
    );
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, object: 'log_bin', value: 'OFF' });
  });
});

describe('mysql.binlog-sequence (MY-D11)', () => {
  /** SHOW BINARY LOGS: File_size is BIGINT (a string); MySQL ≥ 8.0.14 adds Encrypted. */
  const logs = (...names: string[]) =>
    names.map((Log_name) => ({ Log_name, File_size: '1073741824', Encrypted: 'No' }));

  it('passes a contiguous sequence', () => {
    expect(evaluate(mysqlBinlogSequence, { binlogs: logs('mysql-bin.000041', 'mysql-bin.000042') })).toEqual([]);
  });

  it('reports each gap as critical with the missing files', () => {
    const e = findings(
      evaluate(mysqlBinlogSequence, {
        binlogs: logs('mysql-bin.000041', 'mysql-bin.000044', 'mysql-bin.000045', 'mysql-bin.000047'),
      }),
    );
    expect(e).toHaveLength(2);
    expect(e[0]).toMatchObject({ severity: 'critical', object: 'mysql-bin.000042', value: 2 });
    expect(en(e[0]!.message)).toBe(
      'binlog sequence gap: mysql-bin.000041 is followed by mysql-bin.000044; missing mysql-bin.000042 … mysql-bin.000043 (2 files)',
    );
    expect(en(e[1]!.message)).toBe(
      'binlog sequence gap: mysql-bin.000045 is followed by mysql-bin.000047; missing mysql-bin.000046',
    );
  });

  it('is skipped when no binary log is listed', () => {
    expect(evaluate(mysqlBinlogSequence, { binlogs: [] })).toHaveProperty('skipped');
  });
});

describe('mysql.backup-age (MY-D12)', () => {
  it('does not apply without a backup evidence query', () => {
    expect(mysqlBackupAge.applies?.({ server: MARIADB, instance: { name: 'db1' } })).toBe(NO_BACKUP_EVIDENCE);
    expect(mysqlBackupAge.applies?.({ server: MARIADB, instance: { name: 'db1', backupEvidenceSql: '  ' } })).toBe(
      NO_BACKUP_EVIDENCE,
    );
    expect(
      mysqlBackupAge.applies?.({ server: MARIADB, instance: { name: 'db1', backupEvidenceSql: 'SELECT 1' } }),
    ).toBeNull();
  });

  it('takes its SQL from the instance', () => {
    const q = mysqlBackupAge.queries.evidence as QuerySpec<unknown>;
    const ctx = {
      server: MARIADB,
      window: { from: NOW, to: NOW },
      now: NOW,
      instance: { name: 'db1', backupEvidenceSql: ' SELECT MAX(end_time) AS last_backup_end FROM b ' },
    };
    expect(q.dynamicSql?.(ctx)).toBe('SELECT MAX(end_time) AS last_backup_end FROM b');
  });

  it.each([
    ['2026-11-24T02:00:00Z', null],
    ['2026-11-23T10:00:00Z', null],
    ['2026-11-23T09:54:00Z', 'warning'],
    ['2026-11-22T10:00:00Z', 'warning'],
    ['2026-11-22T09:54:00Z', 'critical'],
  ])('last backup ended %s → %s', (end, severity) => {
    const e = findings(evaluate(mysqlBackupAge, { evidence: [{ last_backup_end: new Date(end) }] }));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, object: 'db1' });
  });

  it.each([[[]], [[{ last_backup_end: null }]], [[{ 'MAX(end_time)': null }]]])(
    'no successful backup (%j) is critical',
    (rows) => {
      const [f] = findings(evaluate(mysqlBackupAge, { evidence: rows }));
      expect(f).toMatchObject({
        severity: 'critical',
        message: { en: 'the backup evidence query found no successful backup' },
      });
    },
  );

  it('accepts a Unix time, a DATETIME string, an unnamed single column and several rows', () => {
    const unix = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
    expect(
      findings(evaluate(mysqlBackupAge, { evidence: [{ last_backup_end: unix('2026-11-23T06:00:00Z') }] }))[0],
    ).toMatchObject({ value: 30, threshold: 26 });
    expect(
      findings(evaluate(mysqlBackupAge, { evidence: [{ last_backup_end: String(unix('2026-11-22T06:00:00Z')) }] }))[0],
    ).toMatchObject({ value: 54 });
    expect(
      findings(evaluate(mysqlBackupAge, { evidence: [{ 'MAX(end_time)': new Date('2026-11-22T06:00:00Z') }] }))[0],
    ).toMatchObject({ severity: 'critical' });
    expect(findings(evaluate(mysqlBackupAge, { evidence: [{ last_backup_end: '2026-11-24 03:00:00' }] }))).toEqual([]);
    expect(
      evaluate(mysqlBackupAge, {
        evidence: [
          { last_backup_end: new Date('2026-11-01T00:00:00Z') },
          { last_backup_end: new Date('2026-11-24T01:00:00Z') },
        ],
      }),
    ).toEqual([]);
  });

  it('rejects a result that is not a date', () => {
    expect(() => evaluate(mysqlBackupAge, { evidence: [{ last_backup_end: 'yesterday' }] })).toThrow();
    expect(() => evaluate(mysqlBackupAge, { evidence: [{ a: 1, b: 2 }] })).toThrow();
  });

  it('honours per-business thresholds (weekly full backups)', () => {
    expect(
      evaluate(
        mysqlBackupAge,
        { evidence: [{ last_backup_end: new Date('2026-11-20T12:00:00Z') }] },
        { thresholds: { warnHours: 170, critHours: 194 } },
      ),
    ).toEqual([]);
  });
});
