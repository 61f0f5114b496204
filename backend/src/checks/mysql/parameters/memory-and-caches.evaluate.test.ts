import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { HostFacts, HostMetrics } from '../../../hostmetrics/host-facts.js';
import { checkEvaluator, MARIADB_10_11, MYSQL_8_0 } from '../../../test/check-evaluator.js';
import type { AnyCheck, CounterBaseline, Evaluation, FindingDraft, QuerySpec, ServerFacts } from '../../check.types.js';
import { mysqlBufferPoolSizing } from './buffer-pool-sizing.check.js';
import { mysqlCacheEfficiency } from './cache-efficiency.check.js';
import { mysqlMemoryOvercommit } from './memory-overcommit.check.js';
import { mysqlRedoLogSizing } from './redo-log-sizing.check.js';
import { mysqlTempTables } from './temp-tables.check.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const WINDOW = { from: new Date('2026-11-23T12:00:00Z'), to: NOW };
const MARIADB: ServerFacts = { ...MARIADB_10_11, uptimeSeconds: 10 * 86_400 };
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const { evaluate, findings, skipped } = checkEvaluator({
  server: MARIADB,
  window: WINDOW,
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});

/** `SHOW GLOBAL VARIABLES` rows (strings, as the driver returns them). */
const vars = (values: Record<string, string | number>) =>
  Object.entries(values).map(([Variable_name, v]) => ({ Variable_name, Value: String(v) }));
/** information_schema.GLOBAL_STATUS on MariaDB: upper-case names, values as strings. */
const status = (values: Record<string, string | number>) =>
  Object.entries(values).map(([name, value]) => ({ name: name.toUpperCase(), value: String(value) }));
/** A snapshot taken at the window start (24 h before NOW). */
const baseline = (counters: Record<string, number>, takenAt = '2026-11-23T12:00:00.000Z'): CounterBaseline => ({
  takenAt,
  coversWindowStart: true,
  counters,
});

const facts = (over: Partial<HostFacts> = {}): HostMetrics => ({
  facts: { node: '10.0.0.5:9100', source: 'p', memTotalBytes: 16 * GiB, filesystems: [], ...over },
});
/**
 * For checks reading host RAM: the shared evaluator has no host metrics option, so rows are parsed through the
 * check's row schemas here and the context is built as the runner builds it.
 */
const withHost = (
  check: AnyCheck,
  raw: Record<string, unknown[]>,
  hostMetrics?: HostMetrics,
  thresholds: Record<string, unknown> = {},
): Evaluation => {
  const rows: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(check.queries as Record<string, QuerySpec<unknown>>))
    rows[name] = z.array(q.row).parse(raw[name] ?? []);
  const e = check.evaluate(rows, {
    server: MARIADB,
    window: WINDOW,
    now: NOW,
    instance: { name: 'db1' },
    thresholds: { ...check.thresholds.defaults, ...thresholds },
    ...(hostMetrics ? { hostMetrics } : {}),
  });
  const texts = Array.isArray(e) ? e.map((f) => f.message) : 'skipped' in e ? [e.skipped] : [];
  for (const t of texts) {
    if (typeof t === 'string' || !/[\u4e00-\u9fff]/.test(t.zh)) throw new Error(`not bilingual: ${JSON.stringify(t)}`);
  }
  return e;
};
const list = (e: Evaluation): FindingDraft[] => findings(e);
const brief = (e: Evaluation) => list(e).map((f) => [f.severity, f.object, f.value, f.threshold]);

describe('mysql.buffer-pool-sizing (MY-M03)', () => {
  const rows = (pool: number, data: number | null, tables = 12) => ({
    variables: vars({ innodb_buffer_pool_size: pool }),
    innodb: [{ bytes: data === null ? null : String(data), tables: String(tables) }],
  });

  it.each([
    ['small pool, much RAM', 128 * MiB, 1 * GiB, 16 * GiB, [['info', 'innodb_buffer_pool_size', 0.78, 60]]],
    ['pool already 75 % of RAM', 12 * GiB, 20 * GiB, 16 * GiB, []],
    ['pool larger than the data', 4 * GiB, 1 * GiB, 16 * GiB, []],
    ['pool just below 60 % of RAM', 9.5 * GiB, 20 * GiB, 16 * GiB, [['info', 'innodb_buffer_pool_size', 59.38, 60]]],
    ['pool above RAM', 20 * GiB, 30 * GiB, 16 * GiB, [['warning', 'innodb_buffer_pool_size', 125, 100]]],
    ['pool equal to RAM', 16 * GiB, 30 * GiB, 16 * GiB, []],
    ['no InnoDB tables', 128 * MiB, null, 16 * GiB, []],
  ] as const)('%s', (_n, pool, data, ram, expected) => {
    expect(brief(withHost(mysqlBufferPoolSizing, rows(pool, data), facts({ memTotalBytes: ram })))).toEqual(expected);
  });

  it('proposes min(data, 60 % of RAM) and names the node', () => {
    const [f] = list(withHost(mysqlBufferPoolSizing, rows(128 * MiB, 1 * GiB), facts()));
    expect(f!.message).toMatchObject({
      en: 'innodb_buffer_pool_size = 128.0 MiB is smaller than the 1.0 GiB of InnoDB data and indexes in 12 tables and only 0.8 % of the 16.0 GiB RAM of 10.0.0.5:9100 (threshold 60 %); on a dedicated host about 1.0 GiB would keep more of the data in memory',
    });
    expect(f!.evidence).toEqual([
      {
        innodb_buffer_pool_size: 128 * MiB,
        innodb_data_index_bytes: GiB,
        innodb_tables: 12,
        mem_total_bytes: 16 * GiB,
      },
    ]);
  });

  it.each([
    ['no host metrics source', undefined, 'no host metrics source'],
    ['source failed', { skipped: { en: 'prometheus down', zh: '普罗米修斯不可用' } }, 'prometheus down'],
    ['no MemTotal', facts({ memTotalBytes: undefined }), 'the host metrics of 10.0.0.5:9100 have no MemTotal'],
  ] as const)('without RAM (%s) compares with the data only and says RAM is unknown', (_n, hm, reason) => {
    const [f] = list(withHost(mysqlBufferPoolSizing, rows(256 * MiB, 1 * GiB), hm as HostMetrics | undefined));
    expect([f!.severity, f!.value, f!.threshold]).toEqual(['info', 25, 100]);
    expect(f!.message).toMatchObject({
      en: `innodb_buffer_pool_size = 256.0 MiB is smaller than the 1.0 GiB of InnoDB data and indexes in 12 tables (25.0 %); the host RAM is unknown (${reason}), so whether the pool can grow was not judged`,
    });
    expect(list(withHost(mysqlBufferPoolSizing, rows(2 * GiB, 1 * GiB), hm as HostMetrics | undefined))).toEqual([]);
  });

  it('is skipped without innodb_buffer_pool_size', () => {
    expect(skipped(evaluate(mysqlBufferPoolSizing, { variables: [], innodb: [] })).en).toBe(
      'the server did not report innodb_buffer_pool_size',
    );
  });

  it('honours overridden RAM limits', () => {
    const e = withHost(mysqlBufferPoolSizing, rows(14 * GiB, 30 * GiB), facts(), { warnRamPercent: 80 });
    expect(brief(e)).toEqual([['warning', 'innodb_buffer_pool_size', 87.5, 80]]);
  });
});

describe('mysql.redo-log-sizing (MY-M04)', () => {
  const rows = (v: Record<string, number>, written: number, uptime = 864_000) => ({
    variables: vars(v),
    status: status({ Innodb_os_log_written: written, Uptime: uptime }),
  });
  const MARIA = { innodb_log_file_size: 96 * MiB };
  /** Redo written over the 24 h since the snapshot at `perHour` bytes an hour. */
  const overDay = (perHour: number, before = 5 * GiB) => ({
    current: before + 24 * perHour,
    base: baseline({ 'status.innodb_os_log_written': before }),
  });

  it.each([
    ['200 MiB/h into 96 MiB', MARIADB, MARIA, 200 * MiB, [['warning', 'redo log', 0.48, 1]]],
    ['96 MiB/h: exactly one hour', MARIADB, MARIA, 96 * MiB, []],
    ['50 MiB/h', MARIADB, MARIA, 50 * MiB, []],
    [
      'MySQL 8.0.36 reads innodb_redo_log_capacity',
      MYSQL_8_0,
      { innodb_redo_log_capacity: 100 * MiB, innodb_log_file_size: 1 * GiB, innodb_log_files_in_group: 2 },
      200 * MiB,
      [['warning', 'redo log', 0.5, 1]],
    ],
    [
      'MySQL 8.0.20 multiplies file size and files',
      { ...MYSQL_8_0, version: '8.0.20', versionNum: 80020 },
      { innodb_log_file_size: 48 * MiB, innodb_log_files_in_group: 2 },
      400 * MiB,
      [['warning', 'redo log', 0.24, 1]],
    ],
    [
      'MariaDB 10.4 multiplies file size and files',
      { ...MARIADB, version: '10.4.30', versionNum: 100430 },
      { innodb_log_file_size: 48 * MiB, innodb_log_files_in_group: 2 },
      400 * MiB,
      [['warning', 'redo log', 0.24, 1]],
    ],
    ['no redo written', MARIADB, MARIA, 0, []],
  ] as const)('%s', (_n, server, v, perHour, expected) => {
    const { current, base } = overDay(perHour);
    const e = evaluate(mysqlRedoLogSizing, rows(v, current), { server, counterBaseline: base });
    expect(brief(e)).toEqual(expected);
  });

  it('gives capacity, rate and the counted window in the message and evidence', () => {
    const { current, base } = overDay(200 * MiB);
    const [f] = list(evaluate(mysqlRedoLogSizing, rows(MARIA, current), { counterBaseline: base }));
    expect(f!.message).toMatchObject({
      en: 'the redo log holds 0.48 h of writes: capacity 96.0 MiB (innodb_log_file_size=100663296), 200.0 MiB written per hour (4.7 GiB in the window since 2026-11-23T12:00:00.000Z); threshold 1 h',
    });
    expect(f!.evidence![0]).toEqual({
      capacity_bytes: 96 * MiB,
      capacity_source: 'innodb_log_file_size=100663296',
      written_bytes: 24 * 200 * MiB,
      period_seconds: 86_400,
      bytes_per_hour: 200 * MiB,
    });
    expect(f!.evidence![1]).toEqual({
      counter: 'Innodb_os_log_written',
      baseline: 5 * GiB,
      current,
      delta: 24 * 200 * MiB,
    });
  });

  it('counts since the server start without a snapshot, and says so', () => {
    const [f] = list(evaluate(mysqlRedoLogSizing, rows(MARIA, 10 * 200 * MiB, 36_000)));
    expect([f!.value, f!.threshold]).toEqual([0.48, 1]);
    expect(f!.message).toMatchObject({
      en: expect.stringContaining('(2.0 GiB since 2026-11-24T02:00:00.000Z (server start, within the window))'),
    });
  });

  it.each([
    ['lacks the counter', baseline({ 'status.connections': 5 }), 'it lacks Innodb_os_log_written'],
    ['went backwards', baseline({ 'status.innodb_os_log_written': 99 * GiB }), 'Innodb_os_log_written went backwards'],
  ])('falls back to the server start when the snapshot %s', (_n, base, reason) => {
    const [f] = list(evaluate(mysqlRedoLogSizing, rows(MARIA, 10 * 200 * MiB, 36_000), { counterBaseline: base }));
    expect(f!.message).toMatchObject({
      en: expect.stringContaining(`(snapshot of 2026-11-23T12:00:00.000Z not used: ${reason}`),
    });
  });

  it('is skipped over a period shorter than minPeriodMinutes, and without the variables', () => {
    expect(skipped(evaluate(mysqlRedoLogSizing, rows(MARIA, 50 * MiB, 300))).en).toMatch(
      /lasts 5\.0 min, less than minPeriodMinutes = 10$/,
    );
    expect(
      findings(evaluate(mysqlRedoLogSizing, rows(MARIA, 50 * MiB, 300), { thresholds: { minPeriodMinutes: 1 } })),
    ).toHaveLength(1);
    expect(skipped(evaluate(mysqlRedoLogSizing, rows({}, 1000))).en).toBe(
      'the server reported neither innodb_redo_log_capacity nor innodb_log_file_size',
    );
  });
});

describe('mysql.memory-overcommit (MY-M05)', () => {
  // Global 1176 MiB; per connection 6 MiB + min(32, 16) MiB = 22 MiB; 100 connections → 3376 MiB worst case.
  const rows = (over: Record<string, number> = {}, peak = 10) => ({
    variables: vars({
      innodb_buffer_pool_size: 1024 * MiB,
      innodb_log_buffer_size: 16 * MiB,
      key_buffer_size: 8 * MiB,
      query_cache_size: 0,
      aria_pagecache_buffer_size: 128 * MiB,
      sort_buffer_size: MiB,
      join_buffer_size: MiB,
      read_buffer_size: MiB,
      read_rnd_buffer_size: MiB,
      thread_stack: MiB,
      binlog_cache_size: MiB,
      tmp_table_size: 32 * MiB,
      max_heap_table_size: 16 * MiB,
      max_connections: 100,
      ...over,
    }),
    status: status({ Max_used_connections: peak }),
  });

  it.each([
    ['4 GiB RAM: 82.4 %', 4096 * MiB, {}, []],
    ['3.5 GiB RAM: 94.2 %', 3584 * MiB, {}, [['warning', 'max_connections', 94.2, 85]]],
    ['1000 connections on 16 GiB', 16 * GiB, { max_connections: 1000 }, [['warning', 'max_connections', 141.46, 85]]],
    ['tmp limit is the smaller size', 3584 * MiB, { tmp_table_size: 8 * MiB }, []],
  ] as const)('%s', (_n, ram, over, expected) => {
    expect(brief(withHost(mysqlMemoryOvercommit, rows(over), facts({ memTotalBytes: ram })))).toEqual(expected);
  });

  it('reports the sum, the parts and the Max_used_connections figure', () => {
    const [f] = list(withHost(mysqlMemoryOvercommit, rows(), facts({ memTotalBytes: 3584 * MiB })));
    expect(f!.message).toMatchObject({
      en: 'worst-case memory 3.3 GiB is 94.2 % of the 3.5 GiB RAM of 10.0.0.5:9100: global buffers 1.1 GiB + max_connections = 100 × 22.0 MiB per connection; threshold 85 %; with Max_used_connections = 10 (peak since the server started) it is 1.4 GiB (39.0 %)',
    });
    expect(f!.evidence![0]).toEqual({
      worst_case_bytes: 3376 * MiB,
      mem_total_bytes: 3584 * MiB,
      global_bytes: 1176 * MiB,
      per_connection_bytes: 22 * MiB,
      max_connections: 100,
      max_used_connections: 10,
      max_used_bytes: 1396 * MiB,
    });
    expect(f!.evidence).toContainEqual({ variable: 'aria_pagecache_buffer_size', bytes: 128 * MiB });
    expect(f!.evidence).toContainEqual({ variable: 'min(tmp_table_size, max_heap_table_size)', bytes: 16 * MiB });
  });

  it('honours warnPercent', () => {
    const e = withHost(mysqlMemoryOvercommit, rows(), facts({ memTotalBytes: 4096 * MiB }), { warnPercent: 80 });
    expect(brief(e)).toEqual([['warning', 'max_connections', 82.42, 80]]);
  });

  it.each([
    ['no source', undefined, 'the host RAM is unknown (no host metrics source)'],
    ['a failed source', { skipped: { en: 'timeout', zh: '超时' } }, 'the host RAM is unknown (timeout)'],
    [
      'no MemTotal',
      facts({ memTotalBytes: undefined }),
      'the host RAM is unknown (the host metrics of 10.0.0.5:9100 have no MemTotal)',
    ],
  ] as const)('is skipped with %s', (_n, hm, reason) => {
    const e = withHost(mysqlMemoryOvercommit, rows(), hm as HostMetrics | undefined);
    expect(skipped(e).en).toBe(reason);
  });
});

describe('mysql.temp-tables (MY-M06)', () => {
  const rows = (disk: number, all: number, tmp = 16 * MiB, heap = 16 * MiB, uptime = 864_000) => ({
    variables: vars({ tmp_table_size: tmp, max_heap_table_size: heap }),
    status: status({ Created_tmp_disk_tables: disk, Created_tmp_tables: all, Uptime: uptime }),
  });
  const base = baseline({ 'status.created_tmp_disk_tables': 1000, 'status.created_tmp_tables': 10_000 });

  it.each([
    ['30 of 100 on disk', 1030, 10_100, 16 * MiB, [['warning', 'Created_tmp_disk_tables', 30, 25]]],
    ['25 of 100: at the limit', 1025, 10_100, 16 * MiB, []],
    ['no temporary tables', 1000, 10_000, 16 * MiB, []],
    [
      'tmp_table_size above max_heap_table_size',
      1000,
      10_100,
      64 * MiB,
      [['info', 'tmp_table_size', 64 * MiB, 16 * MiB]],
    ],
    [
      'both',
      1090,
      10_100,
      64 * MiB,
      [
        ['warning', 'Created_tmp_disk_tables', 90, 25],
        ['info', 'tmp_table_size', 64 * MiB, 16 * MiB],
      ],
    ],
  ] as const)('%s', (_n, disk, all, tmp, expected) => {
    expect(brief(evaluate(mysqlTempTables, rows(disk, all, tmp), { counterBaseline: base }))).toEqual(expected);
  });

  it('counts the window from the snapshot, not the totals since start', () => {
    // Since start 1030 / 10100 = 10 %: fine; in the window 30 / 100 = 30 %.
    const [f] = list(evaluate(mysqlTempTables, rows(1030, 10_100), { counterBaseline: base }));
    expect(f!.message).toMatchObject({
      en: '30 of 100 internal temporary tables were created on disk (30.0 %) in the window since 2026-11-23T12:00:00.000Z; threshold 25 %',
    });
    expect(f!.evidence).toContainEqual({
      counter: 'Created_tmp_disk_tables',
      baseline: 1000,
      current: 1030,
      delta: 30,
    });
  });

  it('uses the totals since the server start without a snapshot, and says so', () => {
    const [f] = list(evaluate(mysqlTempTables, rows(40, 100)));
    expect(f!.value).toBe(40);
    expect(f!.message).toMatchObject({ en: expect.stringContaining('since 2026-11-14T12:00:00.000Z (server start;') });
  });

  it('tells the effective in-memory limit', () => {
    const [f] = list(evaluate(mysqlTempTables, rows(0, 0, 64 * MiB, 16 * MiB)));
    expect(f!.message).toMatchObject({
      en: 'tmp_table_size = 64.0 MiB is larger than max_heap_table_size = 16.0 MiB: in-memory temporary tables still go to disk at 16.0 MiB, the smaller of the two',
    });
  });
});

describe('mysql.cache-efficiency (MY-M07)', () => {
  const rows = (
    open: number,
    opened: number,
    created: number,
    connections: number,
    extra: Record<string, string | number> = {},
  ) => ({
    variables: vars({ table_open_cache: 2000, thread_cache_size: 8, ...extra }),
    status: status({
      Open_tables: open,
      Opened_tables: opened,
      Threads_created: created,
      Connections: connections,
      Uptime: 864_000,
    }),
  });
  const base = baseline({ 'status.opened_tables': 5000, 'status.threads_created': 100, 'status.connections': 1000 });

  it.each([
    ['healthy', 100, 5400, 110, 1100, []],
    ['table cache hit 10 %', 100, 6000, 110, 1100, [['warning', 'table_open_cache', 10, 20]]],
    ['table cache hit exactly 20 %', 100, 5500, 110, 1100, []],
    ['thread cache hit 40 %', 100, 5400, 160, 1100, [['warning', 'thread_cache_size', 40, 50]]],
    ['thread cache hit exactly 50 %', 100, 5400, 150, 1100, [['warning', 'thread_cache_size', 50, 50]]],
    ['thread cache hit 51 %', 100, 5400, 149, 1100, []],
    ['nothing opened, nobody connected', 100, 5000, 100, 1000, []],
    [
      'both',
      10,
      6000,
      200,
      1100,
      [
        ['warning', 'table_open_cache', 1, 20],
        ['warning', 'thread_cache_size', 0, 50],
      ],
    ],
  ] as const)('%s', (_n, open, opened, created, connections, expected) => {
    const e = evaluate(mysqlCacheEfficiency, rows(open, opened, created, connections), { counterBaseline: base });
    expect(brief(e)).toEqual(expected);
  });

  it('names the cache settings and the window in the messages', () => {
    const [t, th] = list(evaluate(mysqlCacheEfficiency, rows(100, 6000, 160, 1100), { counterBaseline: base }));
    expect(t!.message).toMatchObject({
      en: 'table cache hit 10.0 %: 100 tables open, 1000 opened in the window since 2026-11-23T12:00:00.000Z; table_open_cache = 2000; threshold 20 %',
    });
    expect(th!.message).toMatchObject({
      en: 'thread cache hit 40.0 %: 60 threads created for 100 connections in the window since 2026-11-23T12:00:00.000Z; thread_cache_size = 8; threshold 50 %',
    });
    expect(th!.evidence).toEqual([
      { thread_cache_size: '8' },
      { counter: 'Threads_created', baseline: 100, current: 160, delta: 60 },
      { counter: 'Connections', baseline: 1000, current: 1100, delta: 100 },
    ]);
  });

  it('does not grade the thread cache under the thread pool', () => {
    const e = evaluate(mysqlCacheEfficiency, rows(100, 5400, 160, 1100, { thread_handling: 'pool-of-threads' }), {
      counterBaseline: base,
    });
    expect(list(e)).toEqual([]);
  });

  it('uses the totals since the server start without a snapshot', () => {
    const [f] = list(evaluate(mysqlCacheEfficiency, rows(100, 100_000, 10, 1000)));
    expect([f!.object, f!.value]).toEqual(['table_open_cache', 0.1]);
    expect(f!.message).toMatchObject({ en: expect.stringContaining('since 2026-11-14T12:00:00.000Z (server start;') });
  });
});
