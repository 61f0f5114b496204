import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { AnyCheck, Evaluation, QuerySpec } from '../../check.types.js';
import type { FilesystemFacts, HostMetrics } from '../../../hostmetrics/host-facts.js';
import { MARIADB_10_11, POSTGRES_15 } from '../../../test/check-evaluator.js';
import { postgresFilesystemFreeSpace } from '../../postgres/storage/filesystem-free-space.check.js';
import { mysqlFilesystemFreeSpace } from './filesystem-free-space.check.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const GiB = 1024 ** 3;

/** The check's evaluate with host metrics in the context (the shared evaluator has no such option). */
function run(check: AnyCheck, raw: Record<string, unknown[]>, hostMetrics?: HostMetrics): Evaluation {
  const rows: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(check.queries as Record<string, QuerySpec<unknown>>)) {
    rows[name] = z.array(q.row).parse(raw[name] ?? []);
  }
  const e = check.evaluate(rows, {
    server: check.engine === 'mysql' ? MARIADB_10_11 : POSTGRES_15,
    window: { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW },
    now: NOW,
    instance: { name: 'db1' },
    thresholds: check.thresholds.defaults,
    ...(hostMetrics ? { hostMetrics } : {}),
  });
  for (const f of Array.isArray(e) ? e : 'findings' in e ? e.findings : []) {
    expect(f.message.zh).toMatch(/[\u4e00-\u9fff]/);
  }
  return e;
}

const fs = (mountpoint: string, freeGiB: number, over: Partial<FilesystemFacts> = {}): FilesystemFacts => ({
  mountpoint,
  device: `/dev/${mountpoint.replace(/\W/g, '') || 'root'}`,
  fstype: 'ext4',
  sizeBytes: 100 * GiB,
  availBytes: freeGiB * GiB,
  daysToFull: null,
  ...over,
});
const host = (...filesystems: FilesystemFacts[]): HostMetrics => ({
  facts: { node: '10.0.0.5:9100', source: 'prometheus http://prom:9090', filesystems },
});
const MY_DIRS = {
  directories: [{ datadir: '/var/lib/mysql/', tmpdir: '/tmp', log_bin_basename: '/binlog/mysql-bin' }],
};

describe('mysql.filesystem-free-space with host metrics (MY-D13)', () => {
  it.each([
    ['all roomy', [fs('/', 50), fs('/var/lib/mysql', 50), fs('/binlog', 50)], []],
    [
      'datadir at 15 % free',
      [fs('/', 50), fs('/var/lib/mysql', 15), fs('/binlog', 50)],
      [['warning', '/var/lib/mysql', 15]],
    ],
    ['binlog at 5 % free', [fs('/', 50), fs('/binlog', 5)], [['critical', '/binlog', 5]]],
    ['exactly 20 % free counts', [fs('/', 20)], [['warning', '/', 20]]],
    ['full in 20 days', [fs('/', 50, { daysToFull: 20.04 })], [['warning', '/', 20]]],
    ['full in 3 days', [fs('/', 50, { daysToFull: 3 })], [['critical', '/', 3]]],
    ['inodes at 5 % free', [fs('/', 50, { files: 1000, filesFree: 50 })], [['critical', '/', 5]]],
  ] as const)('%s', (_name, filesystems, expected) => {
    const found = run(mysqlFilesystemFreeSpace, MY_DIRS, host(...filesystems)) as {
      severity: string;
      object: string;
      value: number;
    }[];
    expect(found.map((f) => [f.severity, f.object, f.value])).toEqual(expected);
  });

  it('reports each filesystem once, naming every directory it holds', () => {
    const [f] = run(mysqlFilesystemFreeSpace, MY_DIRS, host(fs('/', 8))) as { message: { en: string } }[];
    expect(f!.message.en).toBe(
      "filesystem / (ext4, holds datadir /var/lib/mysql/, log_bin_basename /binlog/mysql-bin, tmpdir /tmp): 8 % free at the window's lowest (8.0 GiB of 100.0 GiB; threshold 10 %)",
    );
  });

  it("says so when no filesystem of the node holds a directory, and passes on the source's skip reason", () => {
    const found = run(
      mysqlFilesystemFreeSpace,
      { directories: [{ datadir: 'C:\\mysql', tmpdir: null, log_bin_basename: null }] },
      host(fs('/', 50)),
    );
    expect(found).toMatchObject([{ severity: 'info', object: 'C:\\mysql' }]);
    const reason = { en: 'no node_exporter series for node x', zh: '没有节点 x 的指标' };
    expect(run(mysqlFilesystemFreeSpace, MY_DIRS, { skipped: reason })).toEqual({ skipped: reason });
  });
});

describe('postgres.filesystem-free-space with host metrics (PG-D12)', () => {
  const dirs = {
    directories: [{ data_directory: '/var/lib/postgresql/15/main', pg_wal: '/var/lib/postgresql/15/main/pg_wal' }],
  };

  it.each([
    ['roomy', [fs('/', 60)], []],
    ['data at 9 % free', [fs('/', 60), fs('/var/lib/postgresql', 9)], [['critical', '/var/lib/postgresql', 9]]],
  ] as const)('%s', (_name, filesystems, expected) => {
    const found = run(postgresFilesystemFreeSpace, dirs, host(...filesystems)) as {
      severity: string;
      object: string;
      value: number;
    }[];
    expect(found.map((f) => [f.severity, f.object, f.value])).toEqual(expected);
  });

  it('asks for pg_read_all_settings when data_directory is not readable', () => {
    expect(run(postgresFilesystemFreeSpace, { directories: [] }, host(fs('/', 60)))).toMatchObject({
      skipped: { en: expect.stringContaining('pg_read_all_settings') },
    });
  });
});
