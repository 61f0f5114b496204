import { toTexts } from '../../check.types.js';
import { describe, expect, it } from 'vitest';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresBackupAge } from './backup-age.check.js';
import { NO_BACKUP_EVIDENCE } from './backup-evidence.js';
import { walSegmentNumber } from './wal-segments.js';
import { postgresWalArchiving } from './wal-archiving.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

describe('postgres.wal-archiving', () => {
  const archiver = (over: Record<string, unknown>) => ({
    in_recovery: false,
    archive_mode: 'on',
    archive_command: 'pgbackrest --stanza=main archive-push %p',
    archive_library: '',
    archived_count: '1200',
    last_archived_wal: '000000010000000A000000F0',
    last_archived_time: new Date('2026-11-25T11:59:00Z'),
    failed_count: '0',
    last_failed_wal: null,
    last_failed_time: null,
    stats_reset: new Date('2026-10-01T00:00:00Z'),
    ...over,
  });
  const ready = (files: number) => [
    { ready_files: String(files), oldest_ready: files ? new Date('2026-11-25T10:00:00Z') : null },
  ];

  it.each([
    ['healthy', {}, 0, []],
    [
      'failing now: last failure after last success',
      {
        failed_count: '17',
        last_failed_wal: '000000010000000A000000F1',
        last_failed_time: new Date('2026-11-25T11:59:30Z'),
      },
      0,
      ['critical'],
    ],
    [
      'never succeeded',
      {
        archived_count: '0',
        last_archived_wal: null,
        last_archived_time: null,
        failed_count: '3',
        last_failed_time: new Date('2026-11-25T11:00:00Z'),
      },
      0,
      ['critical'],
    ],
    [
      'failed within the window, recovered',
      { failed_count: '2', last_failed_time: new Date('2026-11-24T03:00:00Z') },
      0,
      ['warning'],
    ],
    ['failed before the window', { failed_count: '2', last_failed_time: new Date('2026-11-01T03:00:00Z') }, 0, []],
    ['ready backlog 49', {}, 49, []],
    ['ready backlog 50', {}, 50, ['warning']],
    ['ready backlog 500', {}, 500, ['critical']],
    ['archive_mode on without a command', { archive_command: '', archive_library: '' }, 3, ['warning']],
    ['PG15 archive_library instead of a command', { archive_command: '', archive_library: 'basic_archive' }, 0, []],
    ['standby with archive_mode always archives', { in_recovery: true, archive_mode: 'always' }, 0, []],
  ] as const)('%s', (_name, over, files, severities) => {
    const out = findings(evaluate(postgresWalArchiving, { archiver: [archiver(over)], ready: ready(files) }));
    expect(out.map((f) => f.severity)).toEqual(severities);
  });

  it('says since when failed_count counts', () => {
    const [f] = findings(
      evaluate(postgresWalArchiving, {
        archiver: [
          archiver({
            failed_count: '17',
            last_failed_wal: '000000010000000A000000F1',
            last_failed_time: new Date('2026-11-25T11:59:30Z'),
          }),
        ],
        ready: ready(0),
      }),
    );
    expect(f).toMatchObject({ object: 'pg-prod-1', value: 17 });
    expect(f!.message).toEqual({
      en: 'WAL archiving is failing: last failure at 2026-11-25T11:59:30.000Z (000000010000000A000000F1) is newer than the last success (2026-11-25T11:59:00.000Z); failed_count 17 since 2026-10-01T00:00:00.000Z',
      zh: 'WAL 归档正在失败：最近一次失败在 2026-11-25T11:59:30.000Z（000000010000000A000000F1），晚于最近一次成功（2026-11-25T11:59:00.000Z）；自 2026-10-01T00:00:00.000Z 起 failed_count 为 17',
    });
  });

  it('without the .ready listing (no privilege) judges pg_stat_archiver alone', () => {
    expect(findings(evaluate(postgresWalArchiving, { archiver: [archiver({})], ready: [] }))).toEqual([]);
  });

  it('archive_mode off on a primary: a warning by default, info when lowered, never a skip', () => {
    const off = { archiver: [archiver({ archive_mode: 'off', archive_command: '(disabled)' })], ready: ready(0) };
    const [f] = findings(evaluate(postgresWalArchiving, off));
    expect(f).toMatchObject({ severity: 'warning', object: 'archive_mode', value: 'off' });
    expect(toTexts(f!.message).en).toContain('point-in-time recovery is impossible');
    expect(findings(evaluate(postgresWalArchiving, off, { thresholds: { archiveModeOff: 'info' } }))).toMatchObject([
      { severity: 'info', object: 'archive_mode', value: 'off' },
    ]);
  });

  it('archive_mode off on a standby: skipped (a standby only archives with always)', () => {
    const off = {
      archiver: [archiver({ archive_mode: 'off', archive_command: '(disabled)', in_recovery: true })],
      ready: ready(0),
    };
    expect(evaluate(postgresWalArchiving, off)).toMatchObject({
      skipped: { en: expect.stringContaining('only always') },
    });
  });

  it('a standby with archive_mode on does not archive: skipped', () => {
    const e = evaluate(postgresWalArchiving, { archiver: [archiver({ in_recovery: true })], ready: ready(0) });
    expect(e).toMatchObject({ skipped: { en: expect.stringContaining('only always') } });
  });

  it.each([
    ['warnReadyFilesCount 10 flags 20 files', { warnReadyFilesCount: 10 }, 20, ['warning']],
    ['critReadyFilesCount 20 makes 20 files critical', { critReadyFilesCount: 20 }, 20, ['critical']],
    ['warnReadyFilesCount 100 clears 60 files', { warnReadyFilesCount: 100 }, 60, []],
    ['critReadyFilesCount 1000 keeps 600 files a warning', { critReadyFilesCount: 1000 }, 600, ['warning']],
  ] as const)('renamed thresholds: %s', (_name, thresholds, files, severities) => {
    const out = findings(
      evaluate(postgresWalArchiving, { archiver: [archiver({})], ready: ready(files) }, { thresholds }),
    );
    expect(out.map((f) => f.severity)).toEqual(severities);
  });
});

describe('postgres.backup-age', () => {
  const evidenceSql = 'SELECT max(finished_at) AS last_backup_end FROM ops.backups WHERE ok';
  const archiver = (over: Record<string, unknown>) => ({
    in_recovery: false,
    archive_mode: 'on',
    last_archived_wal: '000000010000000A000000F0',
    last_archived_time: new Date('2026-11-25T11:59:00Z'),
    current_wal: '000000010000000A000000F1',
    wal_segment_bytes: '16777216',
    ...over,
  });
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const run = (ends: (Date | string | null)[], over: Record<string, unknown> = {}) =>
    evaluate(
      postgresBackupAge,
      { evidence: ends.map((e) => ({ last_backup_end: e })), archiver: [archiver(over)] },
      { instance: { backupEvidenceSql: evidenceSql } },
    );

  it('does not apply, and is skipped, without an evidence query', () => {
    expect(postgresBackupAge.applies!({ server, instance: { name: 'pg-prod-1' } })).toEqual(NO_BACKUP_EVIDENCE);
    expect(
      postgresBackupAge.applies!({ server, instance: { name: 'pg-prod-1', backupEvidenceSql: evidenceSql } }),
    ).toBeNull();
    expect(evaluate(postgresBackupAge, { evidence: [], archiver: [archiver({})] })).toEqual({
      skipped: NO_BACKUP_EVIDENCE,
    });
    expect(
      postgresBackupAge.queries.evidence.dynamicSql!({
        server,
        window,
        now,
        instance: { name: 'x', backupEvidenceSql: evidenceSql },
      }),
    ).toBe(evidenceSql);
  });

  it.each([
    ['fresh', [hoursAgo(3)], []],
    ['26 h exactly', [hoursAgo(26)], []],
    ['older than 26 h', [hoursAgo(27)], ['warning']],
    ['older than 50 h', [hoursAgo(51)], ['critical']],
    ['newest of several rows counts', [hoursAgo(80), hoursAgo(2)], []],
    ['timestamp as text from the operator query', ['2026-11-23 06:00:00+00'], ['critical']],
    ['no backup recorded', [null], ['critical']],
    ['no rows at all', [], ['critical']],
  ] as const)('%s', (_name, ends, severities) => {
    const out = findings(run([...ends]));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('pg-prod-1');
  });

  it('reports the age in hours against the threshold', () => {
    const [f] = findings(run([hoursAgo(30)]));
    expect(f).toMatchObject({ value: 30, threshold: 26 });
    expect(f!.message).toEqual({
      en: 'last successful base backup ended 2026-11-24T06:00:00.000Z, 30.0 h ago (threshold 26 h)',
      zh: '最近一次成功的基础备份结束于 2026-11-24T06:00:00.000Z，距今 30.0 小时（阈值 26 小时）',
    });
  });

  it.each([
    ['archiver keeps up', {}, 0],
    [
      'segments waiting but archived recently',
      { current_wal: '000000010000000A000000F9', last_archived_time: hoursAgo(0.5) },
      0,
    ],
    [
      '3 segments not archived for 2 h',
      { current_wal: '000000010000000A000000F4', last_archived_time: hoursAgo(2) },
      1,
    ],
    [
      'across a log id boundary',
      {
        last_archived_wal: '000000010000000A000000FE',
        current_wal: '000000010000000B00000002',
        last_archived_time: hoursAgo(2),
      },
      1,
    ],
    ['idle server: nothing new to archive', { last_archived_time: hoursAgo(48) }, 0],
    [
      'timeline switch: not comparable',
      { current_wal: '000000020000000A000000F9', last_archived_time: hoursAgo(5) },
      0,
    ],
    [
      'archive_mode off',
      { archive_mode: 'off', current_wal: '000000010000000A000000F9', last_archived_time: hoursAgo(5) },
      0,
    ],
  ] as const)('WAL continuity: %s', (_name, over, count) => {
    const out = findings(run([hoursAgo(1)], over));
    expect(out).toHaveLength(count);
    for (const f of out) expect(toTexts(f!.message).en).toContain('point-in-time recovery cannot reach the present');
  });

  it.each([
    ['warnHours 2 flags a 3 h old backup', { warnHours: 2 }, 3, [], ['warning']],
    ['critHours 20 makes a 30 h old backup critical', { critHours: 20 }, 30, [], ['critical']],
    ['warnHours 48 clears a 30 h old backup', { warnHours: 48 }, 30, [], []],
    ['critHours 100 keeps a 60 h old backup a warning', { critHours: 100 }, 60, [], ['warning']],
    [
      'warnArchiveGapMinutes 180 clears a 2 h archive gap',
      { warnArchiveGapMinutes: 180 },
      1,
      [{ current_wal: '000000010000000A000000F4', last_archived_time: hoursAgo(2) }],
      [],
    ],
    [
      'warnArchiveGapMinutes 10 flags a 30 min archive gap',
      { warnArchiveGapMinutes: 10 },
      1,
      [{ current_wal: '000000010000000A000000F4', last_archived_time: hoursAgo(0.5) }],
      ['warning'],
    ],
  ] as const)('renamed thresholds: %s', (_name, thresholds, age, over, severities) => {
    const out = findings(
      evaluate(
        postgresBackupAge,
        { evidence: [{ last_backup_end: hoursAgo(age) }], archiver: [archiver(over[0] ?? {})] },
        { instance: { backupEvidenceSql: evidenceSql }, thresholds },
      ),
    );
    expect(out.map((f) => f.severity)).toEqual(severities);
  });

  it('parses WAL file names with the segment size', () => {
    expect(walSegmentNumber('000000010000000A000000F0', 16 * 1024 * 1024)).toEqual({
      timeline: '00000001',
      segno: 10 * 256 + 240,
    });
    expect(walSegmentNumber('000000010000000100000003', 1024 * 1024 * 1024)).toEqual({
      timeline: '00000001',
      segno: 4 + 3,
    });
    expect(walSegmentNumber('00000002.history', 16 * 1024 * 1024)).toBeNull();
    expect(walSegmentNumber('000000010000000A000000F0.00000028.backup', 16 * 1024 * 1024)).toBeNull();
  });
});
