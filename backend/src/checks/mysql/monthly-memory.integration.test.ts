import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostMetrics } from '../../hostmetrics/host-facts.js';
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import { collectCounters } from '../../snapshots/collect-counters.js';
import type { Target } from '../../targets/target-spec.js';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';
import { findingsOf, mariadbRootTarget, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import type { AnyCheck, CounterBaseline } from '../check.types.js';
import { mysqlBufferPoolSizing } from './parameters/buffer-pool-sizing.check.js';
import { mysqlCacheEfficiency } from './parameters/cache-efficiency.check.js';
import { mysqlMemoryOvercommit } from './parameters/memory-overcommit.check.js';
import { mysqlRedoLogSizing } from './parameters/redo-log-sizing.check.js';
import { mysqlTempTables } from './parameters/temp-tables.check.js';

// The shared MariaDB's global settings are not touched: the test plants redo writes, on-disk temporary tables
// (session-level tmp_table_size), table opens and connections of its own between a counter snapshot it takes and the
// run, then checks the findings against the variables and counters it reads from the server itself.
const CHECKS: readonly AnyCheck[] = [
  mysqlBufferPoolSizing,
  mysqlRedoLogSizing,
  mysqlMemoryOvercommit,
  mysqlTempTables,
  mysqlCacheEfficiency,
];
const DB = `dbp_mmem_${randomBytes(4).toString('hex')}`;
const ROWS = 4000;
const PAD = 1000;
const TEMP_QUERIES = 6;

let root: Target;
let admin: mysql.Connection;
const v: Record<string, string> = {};
/** Global status before the plant (the snapshot), after the plant and after the runs. */
let before: Record<string, number>;
let mid: Record<string, number>;
let after: Record<string, number>;
let snapshot: CounterBaseline;
let ramBytes: number;
let plantedBytes = 0;
let tempOpens = 0;
/** Run with the snapshot and the host's RAM, thresholds set so each measure reports its value. */
let tuned: InspectionReport;
/** Run without snapshot or host metrics, default thresholds. */
let plain: InspectionReport;
/** Run with a host declared smaller than the buffer pool. */
let tiny: InspectionReport;

const readStatus = async (): Promise<Record<string, number>> => {
  const [rows] = await admin.query('SHOW GLOBAL STATUS');
  const out: Record<string, number> = {};
  for (const r of rows as { Variable_name: string; Value: string }[]) {
    const n = Number(r.Value);
    if (r.Value !== '' && Number.isFinite(n)) out[r.Variable_name.toLowerCase()] = n;
  }
  return out;
};
const hostWith = (memTotalBytes: number): HostMetrics => ({
  facts: { node: 'localhost:9100', source: 'test (/proc/meminfo)', memTotalBytes, filesystems: [] },
});
const num = (name: string): number => Number(v[name] ?? NaN);
const only = (report: InspectionReport, id: string) => findingsOf(report, id);
/** The evidence row of a counter from a snapshot-based finding. */
const counterRow = (evidence: Record<string, unknown>[] | undefined, counter: string) =>
  evidence?.find((e) => e.counter === counter) as { baseline: number; current: number; delta: number } | undefined;
/** A delta the check counted lies between what the test saw after the plant and after the run. */
const expectDeltaWithin = (row: { baseline: number; delta: number } | undefined, counter: string) => {
  expect(row, counter).toBeDefined();
  expect(row!.baseline).toBe(before[counter]);
  expect(row!.delta).toBeGreaterThanOrEqual(mid[counter]! - before[counter]!);
  expect(row!.delta).toBeLessThanOrEqual(after[counter]! - before[counter]!);
};

beforeAll(async () => {
  admin = await mysql.createConnection({ ...MARIADB_ROOT });
  const [vars] = await admin.query('SHOW GLOBAL VARIABLES');
  for (const r of vars as { Variable_name: string; Value: string }[]) v[r.Variable_name] = r.Value;
  ramBytes = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
  root = mariadbRootTarget();
  const facts = await root.facts();
  await admin.query(`CREATE DATABASE \`${DB}\``);
  await admin.query(
    `CREATE TABLE \`${DB}\`.redo (id INT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(${PAD}) NOT NULL) ENGINE=InnoDB`,
  );
  for (const t of ['a', 'b', 'c']) await admin.query(`CREATE TABLE \`${DB}\`.open_${t} (id INT) ENGINE=InnoDB`);

  // The snapshot a scheduled collection would have stored at the window start.
  const takenAt = new Date().toISOString();
  snapshot = { takenAt, coversWindowStart: true, counters: await collectCounters(root, facts) };
  before = Object.fromEntries(
    Object.entries(snapshot.counters).map(([k, n]) => [k.replace(/^status\./, ''), n]),
  ) as Record<string, number>;

  // Redo: ~4 MB of rows in our own InnoDB table.
  const values = Array.from({ length: ROWS }, (_, i) => `('${String(i).padStart(PAD, 'x')}')`);
  for (let i = 0; i < ROWS; i += 500)
    await admin.query(`INSERT INTO \`${DB}\`.redo (pad) VALUES ${values.slice(i, i + 500).join(', ')}`);
  const [size] = await admin.query(
    `SELECT DATA_LENGTH + INDEX_LENGTH AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'redo'`,
    [DB],
  );
  plantedBytes = Number((size as { bytes: string }[])[0]?.bytes ?? 0);
  // On-disk temporary tables: a 16 KiB in-memory limit for this session only, GROUP BY over 4 MB of distinct keys.
  await admin.query('SET SESSION tmp_table_size = 16384, max_heap_table_size = 16384');
  for (let i = 0; i < TEMP_QUERIES; i++)
    await admin.query(`SELECT pad, COUNT(*) AS n FROM \`${DB}\`.redo GROUP BY pad ORDER BY n DESC LIMIT 1`);
  // Table opens that the table cache cannot keep: each CREATE TEMPORARY TABLE counts in Opened_tables, never in
  // Open_tables; enough of them to bring Open_tables / ΔOpened_tables well under 20 %.
  for (const t of ['a', 'b', 'c']) await admin.query(`SELECT COUNT(*) FROM \`${DB}\`.open_${t}`);
  const [open] = await admin.query("SHOW GLOBAL STATUS LIKE 'Open_tables'");
  tempOpens = Math.min(4000, Math.max(500, 8 * Number((open as { Value: string }[])[0]?.Value ?? 0)));
  for (let i = 0; i < tempOpens; i++) {
    await admin.query(`CREATE TEMPORARY TABLE \`${DB}\`.tmp_open (id INT)`);
    await admin.query(`DROP TEMPORARY TABLE \`${DB}\`.tmp_open`);
  }
  // New connections, several at once so some need a new thread.
  const conns = await Promise.all(Array.from({ length: 6 }, () => mysql.createConnection({ ...MARIADB_ROOT })));
  await Promise.all(conns.map((c) => c.end()));
  mid = await readStatus();

  const tunedThresholds: Record<string, Record<string, unknown>> = {
    [mysqlRedoLogSizing.id]: { minPeriodMinutes: 0 },
    [mysqlMemoryOvercommit.id]: { warnPercent: 0.001 },
    [mysqlTempTables.id]: { warnPercent: 0 },
    // Any hit below 100 % reports (ΔOpened_tables > Open_tables is planted); the default 20 % is asserted below.
    [mysqlCacheEfficiency.id]: { warnTableCacheHitPercent: 100, warnThreadCacheHitPercent: 100 },
  };
  const withHost = (hostMetrics: HostMetrics) => ({ tier: 'monthly' as const, hostMetrics });
  tuned = await runChecks(root, CHECKS, {
    ...withHost(hostWith(ramBytes)),
    counterBaseline: snapshot,
    thresholds: (c: AnyCheck) => ({ ...c.thresholds.defaults, ...tunedThresholds[c.id] }),
  });
  plain = await runChecks(root, CHECKS, { tier: 'monthly' });
  tiny = await runChecks(root, [mysqlBufferPoolSizing], withHost(hostWith(num('innodb_buffer_pool_size') / 2)));
  after = await readStatus();
}, 120_000);

afterAll(async () => {
  await admin?.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await admin?.end();
  await root?.close();
});

describe('monthly memory and cache checks on the local MariaDB', () => {
  it('run without errors', () => {
    for (const report of [tuned, plain])
      for (const c of CHECKS) expect(outcomeOf(report, c.id)?.status, c.id).not.toBe('error');
  });

  it('MY-M03 compares the pool with the InnoDB data (planted table included) and the RAM', () => {
    const pool = num('innodb_buffer_pool_size');
    const [warning] = only(tiny, mysqlBufferPoolSizing.id);
    expect([warning?.severity, warning?.value, warning?.threshold]).toEqual(['warning', 200, 100]);
    const row = warning!.evidence![0] as { innodb_buffer_pool_size: number; innodb_data_index_bytes: number };
    expect(row.innodb_buffer_pool_size).toBe(pool);
    expect(row.innodb_data_index_bytes).toBeGreaterThanOrEqual(plantedBytes);
    // With the real RAM and without it the outcome follows from data vs pool (and pool vs 60 % of RAM).
    const data = row.innodb_data_index_bytes;
    const withRam = pool < data && (pool / ramBytes) * 100 < 60 ? ['info'] : [];
    expect(only(tuned, mysqlBufferPoolSizing.id).map((f) => f.severity)).toEqual(withRam);
    const noRam = only(plain, mysqlBufferPoolSizing.id);
    expect(noRam.map((f) => f.severity)).toEqual(pool < data ? ['info'] : []);
    if (noRam[0]) expect(noRam[0].message).toContain('the host RAM is unknown (no host metrics source)');
  });

  it('MY-M04 counts the planted redo since the snapshot and grades capacity / hourly rate', () => {
    const [f] = only(tuned, mysqlRedoLogSizing.id);
    expect(f).toBeDefined();
    const head = f!.evidence![0] as {
      capacity_bytes: number;
      written_bytes: number;
      period_seconds: number;
      bytes_per_hour: number;
    };
    // MariaDB ≥ 10.5: one redo file of innodb_log_file_size.
    expect(head.capacity_bytes).toBe(num('innodb_log_file_size'));
    expect(head.written_bytes).toBeGreaterThanOrEqual(ROWS * PAD);
    expectDeltaWithin(counterRow(f!.evidence, 'Innodb_os_log_written'), 'innodb_os_log_written');
    const hours = head.capacity_bytes / head.bytes_per_hour;
    expect(f!.severity).toBe('warning');
    expect(hours).toBeLessThan(1);
    expect(Number(f!.value)).toBeCloseTo(hours, hours < 0.1 ? 2 : 1);
    expect(f!.message).toContain(`in the window since ${snapshot.takenAt}`);
  });

  it('MY-M04 without a snapshot counts since the server start, and says so', () => {
    const o = outcomeOf(plain, mysqlRedoLogSizing.id);
    const uptime = mid.uptime!;
    if (uptime < 600) {
      expect(o).toMatchObject({ status: 'skipped' });
      expect(o!.reason).toContain('less than minPeriodMinutes = 10');
      return;
    }
    const perHour = (mid.innodb_os_log_written! / uptime) * 3600;
    const hours = num('innodb_log_file_size') / perHour;
    const found = only(plain, mysqlRedoLogSizing.id);
    if (Math.abs(hours - 1) > 0.2) expect(found.length).toBe(hours < 1 ? 1 : 0);
    if (found[0]) expect(found[0].message).toContain('(server start');
  });

  it('MY-M05 sums the global and per-connection buffers the server reports', () => {
    const global = [
      'innodb_buffer_pool_size',
      'innodb_log_buffer_size',
      'key_buffer_size',
      'query_cache_size',
      'aria_pagecache_buffer_size',
    ].reduce((s, n) => s + num(n), 0);
    const perThread =
      ['sort_buffer_size', 'join_buffer_size', 'read_buffer_size', 'read_rnd_buffer_size', 'thread_stack'].reduce(
        (s, n) => s + num(n),
        0,
      ) +
      num('binlog_cache_size') +
      Math.min(num('tmp_table_size'), num('max_heap_table_size'));
    const worst = global + num('max_connections') * perThread;
    const pct = (worst / ramBytes) * 100;
    const [f] = only(tuned, mysqlMemoryOvercommit.id);
    expect(f).toMatchObject({ severity: 'warning', threshold: 0.001 });
    expect(f!.value).toBeCloseTo(pct, 2);
    expect(f!.evidence![0]).toMatchObject({
      worst_case_bytes: worst,
      mem_total_bytes: ramBytes,
      global_bytes: global,
      per_connection_bytes: perThread,
      max_connections: num('max_connections'),
    });
    const peak = (f!.evidence![0] as { max_used_connections: number }).max_used_connections;
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(f!.message).toContain(`with Max_used_connections = ${peak}`);
    expect(outcomeOf(plain, mysqlMemoryOvercommit.id)).toMatchObject({
      status: 'skipped',
      reason: 'the host RAM is unknown (no host metrics source)',
    });
  });

  it('MY-M06 counts the planted on-disk temporary tables in the window', () => {
    const disk = only(tuned, mysqlTempTables.id).find((f) => f.object === 'Created_tmp_disk_tables');
    expect(disk).toBeDefined();
    const d = counterRow(disk!.evidence, 'Created_tmp_disk_tables');
    const all = counterRow(disk!.evidence, 'Created_tmp_tables');
    expectDeltaWithin(d, 'created_tmp_disk_tables');
    expectDeltaWithin(all, 'created_tmp_tables');
    expect(d!.delta).toBeGreaterThanOrEqual(TEMP_QUERIES);
    expect(disk!.value).toBeCloseTo(Math.min(100, (d!.delta / all!.delta) * 100), 2);
    // The global limits were not changed by the session plant.
    const info = num('tmp_table_size') > num('max_heap_table_size') ? ['tmp_table_size'] : [];
    expect(
      only(plain, mysqlTempTables.id)
        .filter((f) => f.severity === 'info')
        .map((f) => f.object),
    ).toEqual(info);
  });

  it('MY-M07 reports the planted table-cache misses and the thread cache hit over the window', () => {
    const found = only(tuned, mysqlCacheEfficiency.id);
    const table = found.find((f) => f.object === 'table_open_cache');
    const thread = found.find((f) => f.object === 'thread_cache_size');
    const opened = counterRow(table?.evidence, 'Opened_tables');
    expectDeltaWithin(opened, 'opened_tables');
    expect(opened!.delta).toBeGreaterThanOrEqual(tempOpens + 3);
    const open = (table!.evidence![0] as { Open_tables: number; table_open_cache: string }).Open_tables;
    expect(open).toBeGreaterThan(0);
    expect(table).toMatchObject({ severity: 'warning', threshold: 100 });
    // Eight temporary-table opens per open table: under the default 20 % unless the plant hit its cap.
    if (tempOpens < 4000) expect(table!.value).toBeLessThan(20);
    expect(table!.evidence![0]).toMatchObject({ table_open_cache: v.table_open_cache });
    expect(table!.value).toBeCloseTo(Math.min(100, (open / opened!.delta) * 100), 2);
    const created = counterRow(thread?.evidence, 'Threads_created');
    const conns = counterRow(thread?.evidence, 'Connections');
    expectDeltaWithin(created, 'threads_created');
    expectDeltaWithin(conns, 'connections');
    expect(conns!.delta).toBeGreaterThanOrEqual(6);
    expect(thread!.value).toBeCloseTo(Math.max(0, (1 - created!.delta / conns!.delta) * 100), 2);
    expect(thread!.message).toContain(`thread_cache_size = ${v.thread_cache_size}`);
  });
});
