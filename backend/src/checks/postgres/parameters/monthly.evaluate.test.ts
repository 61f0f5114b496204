import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCheck, CounterBaseline, Evaluation, FindingDraft, QuerySpec } from '../../check.types.js';
import type { HostMetrics } from '../../../hostmetrics/host-facts.js';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { POSTGRES_MONTHLY_CHECKS } from '../monthly.list.js';
import { postgresAutovacuumSettings } from './autovacuum-settings.check.js';
import { postgresCheckpointSettings } from './checkpoint-settings.check.js';
import { postgresDurabilitySettings } from './durability-settings.check.js';
import { postgresMaxConnections } from './max-connections.check.js';
import { postgresMemorySettings } from './memory-settings.check.js';
import { postgresObservabilityPrerequisites } from './observability-prerequisites.check.js';
import { postgresPendingRestart } from './pending-restart.check.js';
import { NO_SETTINGS } from './pg-settings.js';
import { postgresWalRetention } from './wal-retention.check.js';

const now = new Date('2026-12-01T12:00:00Z');
const window = { from: new Date('2026-11-01T12:00:00Z'), to: now };
const { evaluate, findings, skipped } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});
const GiB = 1024 ** 3;
const HAN = /[\u4e00-\u9fff]/;

/** A pg_settings row as the driver returns it. */
const set = (name: string, setting: string, unit: string | null = null, boot_val: string = setting) => ({
  name,
  setting,
  unit,
  boot_val,
  source: 'configuration file',
  pending_restart: false,
});

/** `evaluate` with host facts (the shared evaluator does not pass them), rows parsed by the check's schemas. */
function withHost(
  check: AnyCheck,
  raw: Record<string, unknown[]>,
  hostMetrics?: HostMetrics,
  thresholds: Record<string, unknown> = {},
): FindingDraft[] {
  const rows: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(check.queries as Record<string, QuerySpec<unknown>>))
    rows[name] = z.array(q.row).parse(raw[name] ?? []);
  const out: Evaluation = check.evaluate(rows, {
    server,
    window,
    now,
    instance: { name: 'pg-prod-1' },
    thresholds: { ...check.thresholds.defaults, ...thresholds },
    ...(hostMetrics ? { hostMetrics } : {}),
  });
  const list = findings(out);
  for (const f of list) expect(f.message.zh, f.message.en).toMatch(HAN);
  return list;
}
const host = (memTotalBytes: number): HostMetrics => ({
  facts: { node: '10.0.0.5:9100', source: 'prometheus http://p:9090', memTotalBytes, filesystems: [] },
});
const severities = (e: Evaluation) => findings(e).map((f) => [f.severity, f.object]);

describe('POSTGRES_MONTHLY_CHECKS', () => {
  it('lists PG-M01…M06, M08, M10 with read-only SQL for PostgreSQL 12 on', () => {
    expect(POSTGRES_MONTHLY_CHECKS.map((c) => c.catalogRef)).toEqual([
      'PG-M01',
      'PG-M02',
      'PG-M03',
      'PG-M04',
      'PG-M05',
      'PG-M06',
      'PG-M08',
      'PG-M10',
    ]);
    for (const c of POSTGRES_MONTHLY_CHECKS) {
      expect(c.tier).toBe('monthly');
      for (const text of [c.title, c.description, c.remediation]) expect(text.zh).toMatch(HAN);
      expect(c.thresholds.schema.safeParse(c.thresholds.defaults).success).toBe(true);
      for (const q of Object.values(c.queries as Record<string, QuerySpec<unknown>>)) {
        expect(Math.min(...q.sql.map((v) => v.since))).toBeLessThanOrEqual(120000);
        for (const v of q.sql) expect(v.sql).toMatch(/^(SELECT|WITH)\b/);
      }
    }
  });
});

describe('postgres.pending-restart (PG-M01)', () => {
  const pending = (name: string, setting: string, unit: string | null = null) => ({
    name,
    setting,
    unit,
    source: 'configuration file',
    sourcefile: '/etc/postgresql/15/main/postgresql.conf',
    sourceline: 12,
  });
  const fileError = (over: Record<string, unknown>) => ({
    sourcefile: '/var/lib/postgresql/15/main/postgresql.auto.conf',
    sourceline: '3',
    seqno: '40',
    name: 'work_mem',
    setting: 'lots',
    error: 'invalid value for parameter "work_mem": "lots"',
    ...over,
  });
  const may = [{ can_read: true }];

  it.each([
    ['nothing pending, no file errors', { privilege: may }, []],
    [
      'a pending restart',
      { pending: [pending('shared_buffers', '16384', '8kB')], privilege: may },
      [['warning', 'shared_buffers']],
    ],
    [
      'its "could not be applied" line is the same pending restart, not a file error',
      {
        pending: [pending('max_connections', '100')],
        privilege: may,
        fileErrors: [fileError({ name: 'max_connections', setting: '400', error: 'setting could not be applied' })],
      },
      [['warning', 'max_connections']],
    ],
    [
      'an invalid value',
      { privilege: may, fileErrors: [fileError({})] },
      [['critical', '/var/lib/postgresql/15/main/postgresql.auto.conf:3']],
    ],
    [
      'a syntax error (no name)',
      {
        privilege: may,
        fileErrors: [fileError({ name: null, setting: null, error: 'syntax error', sourceline: 817 })],
      },
      [['critical', '/var/lib/postgresql/15/main/postgresql.auto.conf:817']],
    ],
    [
      'without the privilege: pending is graded, file errors are said to be unchecked',
      { pending: [pending('shared_buffers', '16384', '8kB')], privilege: [{ can_read: false }] },
      [
        ['warning', 'shared_buffers'],
        ['info', 'pg_file_settings'],
      ],
    ],
  ] as const)('%s', (_n, rows, expected) => {
    expect(severities(evaluate(postgresPendingRestart, rows as unknown as Record<string, unknown[]>))).toEqual(
      expected,
    );
  });

  it('names the running value and the file', () => {
    const [f] = findings(
      evaluate(postgresPendingRestart, { pending: [pending('max_connections', '100')], privilege: may }),
    );
    expect(f!.message).toEqual({
      en: 'max_connections was changed in the configuration but needs a restart: the server still runs with 100; the next restart applies the new value',
      zh: 'max_connections 已在配置中修改，但须重启才能生效：实例仍以 100 运行；下次重启时将应用新值',
    });
    expect(f!.evidence![0]).toMatchObject({ sourcefile: '/etc/postgresql/15/main/postgresql.conf', sourceline: 12 });
  });

  it('masks a secret in a broken line', () => {
    const [f] = findings(
      evaluate(postgresPendingRestart, {
        privilege: may,
        fileErrors: [fileError({ name: 'ssl_passphrase_command', setting: 'echo hunter2', error: 'bad' })],
      }),
    );
    expect(f!.message.en).not.toContain('hunter2');
  });

  it('ignoreParameters leaves a planned restart out', () => {
    const out = evaluate(
      postgresPendingRestart,
      { pending: [pending('shared_buffers', '16384', '8kB')], privilege: may },
      { thresholds: { ignoreParameters: ['SHARED_BUFFERS'] } },
    );
    expect(findings(out)).toEqual([]);
  });
});

describe('postgres.durability-settings (PG-M02)', () => {
  const safe = {
    fsync: 'on',
    full_page_writes: 'on',
    synchronous_commit: 'on',
    wal_level: 'replica',
    data_checksums: 'on',
    archive_mode: 'off',
  };
  const rows = (over: Partial<typeof safe>) => ({
    settings: Object.entries({ ...safe, ...over }).map(([n, v]) => set(n, v)),
  });

  it.each([
    ['safe (archive_mode off is left to PG-D08)', {}, {}, []],
    ['fsync off', { fsync: 'off' }, {}, [['critical', 'fsync']]],
    ['full_page_writes off', { full_page_writes: 'off' }, {}, [['warning', 'full_page_writes']]],
    ['synchronous_commit off', { synchronous_commit: 'off' }, {}, [['warning', 'synchronous_commit']]],
    ['synchronous_commit local', { synchronous_commit: 'local' }, {}, [['warning', 'synchronous_commit']]],
    ['synchronous_commit remote_apply', { synchronous_commit: 'remote_apply' }, {}, []],
    ['wal_level minimal', { wal_level: 'minimal' }, {}, [['warning', 'wal_level']]],
    ['data checksums off', { data_checksums: 'off' }, {}, [['warning', 'data_checksums']]],
    [
      'data checksums off lowered',
      { data_checksums: 'off' },
      { dataChecksumsOff: 'info' },
      [['info', 'data_checksums']],
    ],
    [
      'everything off',
      { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off', wal_level: 'minimal', data_checksums: 'off' },
      {},
      [
        ['critical', 'fsync'],
        ['warning', 'full_page_writes'],
        ['warning', 'synchronous_commit'],
        ['warning', 'wal_level'],
        ['warning', 'data_checksums'],
      ],
    ],
  ] as const)('%s', (_n, over, thresholds, expected) => {
    expect(severities(evaluate(postgresDurabilitySettings, rows(over), { thresholds }))).toEqual(expected);
  });

  it('shows archive_mode as evidence', () => {
    const [f] = findings(evaluate(postgresDurabilitySettings, rows({ fsync: 'off' })));
    expect(f!.message.en).toMatch(/^fsync = off: .*corrupt the whole cluster/);
    expect(f!.evidence).toContainEqual({ parameter: 'archive_mode', value: 'off', source: 'configuration file' });
  });

  it('skips without settings', () => {
    expect(skipped(evaluate(postgresDurabilitySettings, { settings: [] }))).toEqual(NO_SETTINGS);
  });
});

describe('postgres.memory-settings (PG-M03)', () => {
  const rows = (sharedBuffers8k: number, workMemKb: number, cache8k: number, maxConnections = 100) => ({
    settings: [
      set('shared_buffers', String(sharedBuffers8k), '8kB', '1024'),
      set('work_mem', String(workMemKb), 'kB', '4096'),
      set('maintenance_work_mem', '65536', 'kB'),
      set('effective_cache_size', String(cache8k), '8kB', '524288'),
      set('max_connections', String(maxConnections)),
    ],
  });
  const MiB8k = 128; // 8kB pages per MiB

  it.each([
    [
      'default shared_buffers without RAM',
      rows(16384, 4096, 524288),
      undefined,
      [
        ['info', 'shared_buffers'],
        ['info', 'RAM'],
      ],
    ],
    ['tuned without RAM: RAM unknown is said', rows(4 * 1024 * MiB8k, 4096, 524288), undefined, [['info', 'RAM']]],
    ['tuned on 16 GiB', rows(4 * 1024 * MiB8k, 16384, 12 * 1024 * MiB8k), host(16 * GiB), []],
    ['default on 16 GiB', rows(16384, 4096, 524288), host(16 * GiB), [['info', 'shared_buffers']]],
    [
      'shared_buffers 8 GiB of 16 (50 %)',
      rows(8 * 1024 * MiB8k, 4096, 524288),
      host(16 * GiB),
      [['warning', 'shared_buffers']],
    ],
    [
      'shared_buffers 6.4 GiB of 16 (exactly 40 %) is not over',
      rows(6.4 * 1024 * MiB8k, 4096, 524288),
      host(16 * GiB),
      [],
    ],
    [
      'work_mem 256MB × 100 = 25 GiB on 16 GiB',
      rows(4 * 1024 * MiB8k, 256 * 1024, 524288),
      host(16 * GiB),
      [['warning', 'work_mem']],
    ],
    [
      'effective_cache_size 32 GiB on 16 GiB',
      rows(4 * 1024 * MiB8k, 4096, 32 * 1024 * MiB8k),
      host(16 * GiB),
      [['warning', 'effective_cache_size']],
    ],
    [
      'a source without MemTotal: unknown',
      rows(4 * 1024 * MiB8k, 4096, 524288),
      { facts: { node: 'n', source: 's', filesystems: [] } } as HostMetrics,
      [['info', 'RAM']],
    ],
  ] as const)('%s', (_n, raw, hostMetrics, expected) => {
    expect(withHost(postgresMemorySettings, raw, hostMetrics).map((f) => [f.severity, f.object])).toEqual(expected);
  });

  it('words the RAM comparison and the unknown RAM', () => {
    const [f] = withHost(postgresMemorySettings, rows(8 * 1024 * MiB8k, 4096, 524288), host(16 * GiB));
    expect(f).toMatchObject({ value: '8GB', threshold: 40 });
    expect(f!.message.en).toMatch(/^shared_buffers = 8GB is 50 % \(threshold 40 %\) of RAM 16\.0 GiB: /);
    const unknown = withHost(postgresMemorySettings, rows(4 * 1024 * MiB8k, 4096, 524288)).at(-1)!;
    expect(unknown.message.en).toBe(
      'host RAM unknown (no host metrics source is configured): shared_buffers = 4GB, work_mem = 4MB × max_connections = 100 and effective_cache_size = 4GB were not compared with RAM',
    );
    const failed = withHost(postgresMemorySettings, rows(4 * 1024 * MiB8k, 4096, 524288), {
      skipped: { en: 'Prometheus did not answer', zh: 'Prometheus 无响应' },
    }).at(-1)!;
    expect(failed.message.en).toMatch(/^host RAM unknown \(Prometheus did not answer\)/);
  });

  it('warnSharedBuffersPercent 60 clears 50 %', () => {
    const raw = rows(8 * 1024 * MiB8k, 4096, 524288);
    expect(withHost(postgresMemorySettings, raw, host(16 * GiB), { warnSharedBuffersPercent: 60 })).toEqual([]);
  });
});

describe('postgres.max-connections (PG-M04)', () => {
  it.each([
    ['100', '100', {}, []],
    ['300 is not over', '300', {}, []],
    ['301', '301', {}, [['warning', 'max_connections']]],
    ['500 with warnCount 1000', '500', { warnCount: 1000 }, []],
  ] as const)('%s', (_n, value, thresholds, expected) => {
    const out = evaluate(postgresMaxConnections, { settings: [set('max_connections', value)] }, { thresholds });
    expect(severities(out)).toEqual(expected);
  });

  it('words the finding', () => {
    const [f] = findings(evaluate(postgresMaxConnections, { settings: [set('max_connections', '1000')] }));
    expect(f).toMatchObject({ value: 1000, threshold: 300 });
    expect(f!.message.en).toMatch(/^max_connections = 1000 \(threshold 300\): /);
  });
});

describe('postgres.autovacuum-settings (PG-M05)', () => {
  const rows = (over: Record<string, string>) => ({
    settings: [
      set('autovacuum', over.autovacuum ?? 'on'),
      set('track_counts', over.track_counts ?? 'on'),
      set('autovacuum_max_workers', '3'),
      set('log_autovacuum_min_duration', over.log ?? '600000', 'ms', '600000'),
      set('autovacuum_vacuum_scale_factor', over.vacuum ?? '0.2', null, '0.2'),
      set('autovacuum_analyze_scale_factor', over.analyze ?? '0.1', null, '0.1'),
      set('autovacuum_vacuum_insert_scale_factor', '0.2', null, '0.2'),
    ],
  });

  it.each([
    ['defaults', {}, []],
    ['autovacuum off', { autovacuum: 'off' }, [['critical', 'autovacuum']]],
    ['track_counts off', { track_counts: 'off' }, [['critical', 'track_counts']]],
    ['no autovacuum logging', { log: '-1' }, [['info', 'log_autovacuum_min_duration']]],
    ['vacuum scale factor 0.4 (2×) is not over', { vacuum: '0.4' }, []],
    ['vacuum scale factor 0.5', { vacuum: '0.5' }, [['info', 'autovacuum_vacuum_scale_factor']]],
    ['analyze scale factor 0.5', { analyze: '0.5' }, [['info', 'autovacuum_analyze_scale_factor']]],
    ['lower scale factors are fine', { vacuum: '0.01', analyze: '0.005' }, []],
  ] as const)('%s', (_n, over, expected) => {
    expect(severities(evaluate(postgresAutovacuumSettings, rows(over)))).toEqual(expected);
  });

  it('PostgreSQL 12 has no insert scale factor', () => {
    const r = rows({}).settings.filter((x) => x.name !== 'autovacuum_vacuum_insert_scale_factor');
    expect(findings(evaluate(postgresAutovacuumSettings, { settings: r }))).toEqual([]);
  });

  it('names the factor against its default', () => {
    const [f] = findings(evaluate(postgresAutovacuumSettings, rows({ vacuum: '0.5' })));
    expect(f).toMatchObject({ value: 0.5, threshold: 2 });
    expect(f!.message.en).toMatch(
      /^autovacuum_vacuum_scale_factor = 0\.5 is 2\.5 times the default 0\.2 \(threshold 2×\)/,
    );
    const none = evaluate(postgresAutovacuumSettings, rows({ vacuum: '0.5' }), {
      thresholds: { infoScaleFactorRatio: 3 },
    });
    expect(findings(none)).toEqual([]);
  });
});

describe('postgres.checkpoint-settings (PG-M06)', () => {
  const settings = [
    set('max_wal_size', '1024', 'MB'),
    set('min_wal_size', '80', 'MB'),
    set('checkpoint_timeout', '300', 's'),
    set('checkpoint_completion_target', '0.9'),
    set('log_checkpoints', 'on'),
  ];
  const cp = (timed: number, req: number, reset = '2026-10-01T00:00:00Z') => [
    { checkpoints_timed: String(timed), checkpoints_req: String(req), stats_reset: new Date(reset) },
  ];
  const baseline = (timed: number, req: number, over: Partial<CounterBaseline> = {}): CounterBaseline => ({
    takenAt: '2026-11-01T12:00:00.000Z',
    coversWindowStart: true,
    counters: { 'checkpointer.checkpoints_timed': timed, 'checkpointer.checkpoints_req': req },
    ...over,
  });

  it.each([
    ['since reset: 5 %', cp(950, 50), undefined, {}, []],
    ['since reset: 10 % is not over', cp(900, 100), undefined, {}, []],
    ['since reset: 20 %', cp(800, 200), undefined, {}, [['warning', 'max_wal_size']]],
    ['too few checkpoints', cp(3, 4), undefined, {}, []],
    ['window: 800 timed, 200 requested in it', cp(1800, 210), baseline(1000, 10), {}, [['warning', 'max_wal_size']]],
    ['window: quiet now, bad before', cp(1900, 1000), baseline(1000, 995), {}, []],
    ['warnRequestedPercent 25 clears 20 %', cp(800, 200), undefined, { warnRequestedPercent: 25 }, []],
  ] as const)('%s', (_n, checkpoints, counterBaseline, thresholds, expected) => {
    const out = evaluate(
      postgresCheckpointSettings,
      { settings, checkpoints },
      { thresholds, ...(counterBaseline ? { counterBaseline } : {}) },
    );
    expect(severities(out)).toEqual(expected);
  });

  it('says the counters run since the statistics reset', () => {
    const [f] = findings(evaluate(postgresCheckpointSettings, { settings, checkpoints: cp(800, 200) }));
    expect(f).toMatchObject({ value: 20, threshold: 10 });
    expect(f!.message.en).toBe(
      '200 of 1000 checkpoints (20 %) were requested rather than timed (threshold 10 %) since 2026-10-01T00:00:00.000Z; window start not covered; WAL filled max_wal_size before checkpoint_timeout ended (max_wal_size = 1GB, checkpoint_timeout = 5min), unless manual CHECKPOINT, CREATE DATABASE or base backups requested them',
    );
  });

  it('says the window when the snapshot is used', () => {
    const [f] = findings(
      evaluate(
        postgresCheckpointSettings,
        { settings, checkpoints: cp(1800, 210) },
        { counterBaseline: baseline(1000, 10) },
      ),
    );
    expect(f!.message.en).toContain('200 of 1000 checkpoints (20 %)');
    expect(f!.message.en).toContain('in the window since 2026-11-01T12:00:00.000Z');
  });

  it.each([
    [
      'statistics reset after the snapshot',
      cp(800, 200, '2026-11-15T00:00:00Z'),
      baseline(1000, 10),
      'statistics reset since',
    ],
    [
      'counters went backwards',
      cp(800, 200),
      baseline(1000, 10),
      'checkpointer.checkpoints_timed went backwards (statistics reset since)',
    ],
    [
      'snapshot without the counters',
      cp(800, 200),
      baseline(0, 0, { counters: {} }),
      'it lacks checkpointer.checkpoints_timed',
    ],
  ] as const)('falls back to since-reset when %s', (_n, checkpoints, counterBaseline, reason) => {
    const [f] = findings(evaluate(postgresCheckpointSettings, { settings, checkpoints }, { counterBaseline }));
    expect(f!.message.en).toContain('200 of 1000 checkpoints');
    expect(f!.message.en).toContain(`not used: ${reason})`);
  });

  it('log_checkpoints off is informational', () => {
    const off = settings.map((s) => (s.name === 'log_checkpoints' ? set('log_checkpoints', 'off') : s));
    expect(severities(evaluate(postgresCheckpointSettings, { settings: off, checkpoints: cp(10, 0) }))).toEqual([
      ['info', 'log_checkpoints'],
    ]);
    const ok = evaluate(
      postgresCheckpointSettings,
      { settings: off, checkpoints: cp(10, 0) },
      { thresholds: { requireLogCheckpoints: false } },
    );
    expect(findings(ok)).toEqual([]);
  });

  it('reads pg_stat_checkpointer from PostgreSQL 17', () => {
    const sql = postgresCheckpointSettings.queries.checkpoints.sql;
    expect(sql.find((v) => v.since === 170000)!.sql).toContain('FROM pg_stat_checkpointer');
    expect(sql.find((v) => v.since === 0)!.sql).toContain('FROM pg_stat_bgwriter');
  });
});

describe('postgres.wal-retention (PG-M08)', () => {
  const slot = (name: string) => ({
    slot_name: name,
    slot_type: 'physical',
    active: false,
    wal_status: 'extended',
    retained_bytes: String(3 * GiB),
  });
  const v13 = (limit: string) => [
    set('max_slot_wal_keep_size', limit, 'MB', '-1'),
    set('wal_keep_size', '0', 'MB'),
    set('wal_segment_size', '16777216', 'B'),
  ];
  const PG12 = { ...server, version: '12.20', versionNum: 120020, versionString: '12.20' };

  it.each([
    ['unlimited without slots', { settings: v13('-1'), slots: [] }, server, []],
    [
      'unlimited with a slot',
      { settings: v13('-1'), slots: [slot('standby_1')] },
      server,
      [['warning', 'max_slot_wal_keep_size']],
    ],
    ['limited with a slot', { settings: v13('51200'), slots: [slot('standby_1')] }, server, []],
    [
      'PostgreSQL 12 with a slot',
      {
        settings: [set('wal_keep_segments', '64'), set('wal_segment_size', '16777216', 'B')],
        slots: [{ ...slot('standby_1'), wal_status: null }],
      },
      PG12,
      [['warning', 'standby_1']],
    ],
    [
      'PostgreSQL 12 without slots',
      { settings: [set('wal_keep_segments', '64'), set('wal_segment_size', '16777216', 'B')], slots: [] },
      PG12,
      [],
    ],
  ] as const)('%s', (_n, rows, srv, expected) => {
    expect(
      severities(evaluate(postgresWalRetention, rows as unknown as Record<string, unknown[]>, { server: srv })),
    ).toEqual(expected);
  });

  it('names the slots and what they retain', () => {
    const [f] = findings(evaluate(postgresWalRetention, { settings: v13('-1'), slots: [slot('a'), slot('b')] }));
    expect(f!.message.en).toMatch(/^max_slot_wal_keep_size = -1 \(unlimited\) with 2 replication slot\(s\) \(a, b\)/);
    expect(f!.evidence).toContainEqual(expect.objectContaining({ slot: 'a', retained: '3.0 GiB' }));
    const pg12 = findings(
      evaluate(
        postgresWalRetention,
        { settings: [set('wal_keep_segments', '64'), set('wal_segment_size', '16777216', 'B')], slots: [slot('s')] },
        { server: PG12 },
      ),
    )[0]!;
    expect(pg12.message.en).toContain('wal_keep_segments = 64 keeps 1.0 GiB besides');
  });

  it('ignoreSlots leaves a slot out', () => {
    const out = evaluate(
      postgresWalRetention,
      { settings: v13('-1'), slots: [slot('dbz')] },
      { thresholds: { ignoreSlots: ['dbz'] } },
    );
    expect(findings(out)).toEqual([]);
  });
});

describe('postgres.observability-prerequisites (PG-M10)', () => {
  const rows = (over: Record<string, string>, version: string | null = '1.10') => ({
    settings: [
      set('shared_preload_libraries', over.preload ?? 'pg_stat_statements, auto_explain'),
      set('track_io_timing', over.io ?? 'on'),
      set('track_activity_query_size', over.text ?? '4096', 'B'),
      set('log_min_duration_statement', over.slow ?? '1000', 'ms'),
      set('compute_query_id', over.queryId ?? 'auto'),
    ],
    extension: [{ database: 'postgres', version }],
  });
  const fine = host(16 * GiB);

  it.each([
    ['everything enabled', rows({}), fine, []],
    ['no host metrics source', rows({}), undefined, [['info', 'host metrics']]],
    [
      'a source that failed',
      rows({}),
      { skipped: { en: 'Prometheus did not answer', zh: 'Prometheus 无响应' } },
      [['info', 'host metrics']],
    ],
    ['pg_stat_statements not preloaded', rows({ preload: '' }), fine, [['info', 'shared_preload_libraries']]],
    ['preloaded, extension missing', rows({}, null), fine, [['info', 'pg_stat_statements']]],
    ['quoted in the list', rows({ preload: '"pg_stat_statements"' }), fine, []],
    ['compute_query_id off', rows({ queryId: 'off' }), fine, [['info', 'compute_query_id']]],
    ['track_io_timing off', rows({ io: 'off' }), fine, [['info', 'track_io_timing']]],
    ['query text 1kB', rows({ text: '1024' }), fine, [['info', 'track_activity_query_size']]],
    ['no slow statement log', rows({ slow: '-1' }), fine, [['info', 'log_min_duration_statement']]],
    ['log_min_duration_statement 0 logs everything', rows({ slow: '0' }), fine, []],
  ] as const)('%s', (_n, raw, hostMetrics, expected) => {
    expect(
      withHost(postgresObservabilityPrerequisites, raw, hostMetrics as HostMetrics | undefined).map((f) => [
        f.severity,
        f.object,
      ]),
    ).toEqual(expected);
  });

  it('a default PostgreSQL 15 names every prerequisite and the rows needing it', () => {
    const out = withHost(
      postgresObservabilityPrerequisites,
      rows({ preload: '', io: 'off', text: '1024', slow: '-1' }, null),
    );
    expect(out.map((f) => f.object)).toEqual([
      'shared_preload_libraries',
      'track_io_timing',
      'track_activity_query_size',
      'log_min_duration_statement',
      'host metrics',
    ]);
    expect(out[0]!.message.en).toContain('PG-A01');
    expect(out[2]).toMatchObject({ value: 1024, threshold: 4096 });
    expect(out[2]!.message.en).toMatch(/^track_activity_query_size = 1kB \(threshold 4 KiB\): /);
    expect(out[4]!.message.en).toMatch(/^no host metrics source is configured: .*PG-D12.*PG-M03.*PG-M09/);
  });
});
