import { describe, expect, it } from 'vitest';
import { assembleHostFacts } from './host-metrics-source.js';
import { nodeFor } from './mapping.js';
import {
  daysToFull,
  hostQueries,
  mountpointFor,
  nodeSelector,
  promString,
  rangeOf,
  type HostQueryName,
} from './promql.js';
import type { PromSample } from './prometheus-client.js';

describe('nodeSelector', () => {
  it.each([
    [{ address: '10.0.0.5' }, 'instance=~"10\\\\.0\\\\.0\\\\.5(:[0-9]+)?"'],
    [{ address: 'db-1.example.com' }, 'instance=~"db-1\\\\.example\\\\.com(:[0-9]+)?"'],
    [{ address: '::1' }, 'instance=~"\\\\[::1\\\\](:[0-9]+)?"'],
    [{ instance: 'db1:9100' }, 'instance="db1:9100"'],
    [{ instance: 'a"b' }, 'instance="a\\"b"'],
  ])('%j → %s', (node, selector) => {
    expect(nodeSelector(node)).toBe(selector);
  });

  it('needs an instance or an address', () => {
    expect(() => nodeSelector({})).toThrow(/instance label or an address/);
  });
});

describe('nodeFor', () => {
  it.each([
    [{ address: '10.0.0.5' }, { address: '10.0.0.5' }],
    [{ address: 'localhost' }, { address: '127.0.0.1' }],
    [{ address: '[::1]' }, { address: '::1' }],
    [{ address: '10.0.0.5', labels: { node: 'node7:9100' } }, { instance: 'node7:9100' }],
    [{ address: '10.0.0.5', labels: { node: 'node7' } }, { address: 'node7' }],
    [{ address: '10.0.0.5', labels: { env: 'prod' } }, { address: '10.0.0.5' }],
  ])('%j → %j', (host, ref) => {
    expect(nodeFor(host)).toEqual(ref);
  });
});

describe('PromQL', () => {
  it('escapes label values', () => {
    expect(promString('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it.each([
    ['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2592000s'],
    ['2026-11-01T00:00:00Z', '2026-11-01T00:00:10Z', '60s'],
  ])('range %s..%s is %s', (from, to, r) => {
    expect(rangeOf(new Date(from), new Date(to))).toBe(r);
  });

  it('reads every fact over the window with the node selector', () => {
    const q = hostQueries('instance="n:9100"', '86400s');
    expect(q.memTotal).toBe('max_over_time(node_memory_MemTotal_bytes{instance="n:9100"}[86400s])');
    expect(q.load5Avg).toBe('avg_over_time(node_load5{instance="n:9100"}[86400s])');
    expect(q.fsAvailIn1Day).toMatch(/^predict_linear\(node_filesystem_avail_bytes\{instance="n:9100",fstype!~"tmpfs/);
    expect(q.fsAvailIn1Day).toMatch(/\[86400s\], 86400\)$/);
    expect(q.ntpOffsetMax).toBe('max_over_time(abs(node_timex_offset_seconds{instance="n:9100"})[86400s:1m])');
    for (const text of Object.values(q)) expect(text).toContain('instance="n:9100"');
  });
});

describe('daysToFull', () => {
  it.each([
    [100, 90, 10],
    [100, 100, null],
    [100, 120, null],
    [0, -5, 0],
    [50, 0, 1],
    [NaN, 10, null],
  ])('avail %d, in a day %d → %s days', (avail, in1Day, days) => {
    expect(daysToFull(avail, in1Day)).toBe(days);
  });
});

describe('mountpointFor', () => {
  const fss = [{ mountpoint: '/' }, { mountpoint: '/var' }, { mountpoint: '/var/lib/mysql' }, { mountpoint: '/data' }];
  it.each([
    ['/var/lib/mysql/', '/var/lib/mysql'],
    ['/var/lib/mysql', '/var/lib/mysql'],
    ['/var/lib/mysql-bin/x', '/var'],
    ['/database', '/'],
    ['/data/pg/pg_wal', '/data'],
    ['relative/path', undefined],
  ])('%s is on %s', (path, mount) => {
    expect(mountpointFor(path, fss)?.mountpoint).toBe(mount);
  });
});

describe('assembleHostFacts', () => {
  const empty = (): Record<HostQueryName, PromSample[]> =>
    Object.fromEntries(Object.keys(hostQueries('x="y"', '60s')).map((k) => [k, []])) as unknown as Record<
      HostQueryName,
      PromSample[]
    >;
  const fs = (mountpoint: string, value: number): PromSample => ({
    labels: { instance: 'n:9100', device: `/dev/${mountpoint.length}`, fstype: 'ext4', mountpoint },
    value,
  });

  it('is undefined when the node has no series', () => {
    expect(assembleHostFacts(empty(), 'p')).toBeUndefined();
  });

  it('joins filesystem series by device and mountpoint, with days to full', () => {
    const r = empty();
    r.memTotal = [{ labels: { instance: 'n:9100' }, value: 8 * 1024 ** 3 }];
    r.cpuCores = [{ labels: { instance: 'n:9100' }, value: 4 }];
    r.ntpSync = [{ labels: { instance: 'n:9100' }, value: 1 }];
    r.uname = [{ labels: { instance: 'n:9100', release: '6.1.0-26-amd64' }, value: 1 }];
    r.fsSize = [fs('/', 1000), fs('/data', 500)];
    r.fsAvailMin = [fs('/', 100), fs('/data', 400)];
    r.fsAvailIn1Day = [fs('/', 90), fs('/data', 410)];
    r.fsFiles = [fs('/', 64)];
    r.fsFilesFree = [fs('/', 8)];
    expect(assembleHostFacts(r, 'p')).toEqual({
      node: 'n:9100',
      source: 'p',
      memTotalBytes: 8 * 1024 ** 3,
      cpuCores: 4,
      ntpSynced: true,
      kernelRelease: '6.1.0-26-amd64',
      filesystems: [
        {
          mountpoint: '/',
          device: '/dev/1',
          fstype: 'ext4',
          sizeBytes: 1000,
          availBytes: 100,
          files: 64,
          filesFree: 8,
          daysToFull: 10,
        },
        { mountpoint: '/data', device: '/dev/5', fstype: 'ext4', sizeBytes: 500, availBytes: 400, daysToFull: null },
      ],
    });
  });
});
