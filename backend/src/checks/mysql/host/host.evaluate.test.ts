import { describe, expect, it } from 'vitest';
import type { AnyCheck, Evaluation, FindingDraft } from '../../check.types.js';
import type { HostFacts } from '../../../hostmetrics/host-facts.js';
import { MARIADB_10_11, POSTGRES_15 } from '../../../test/check-evaluator.js';
import { postgresPlatformStatus } from '../../postgres/host/platform-status.check.js';
import { NO_HOST_METRICS } from '../storage/host-metrics.js';
import { mysqlPlatformStatus } from './platform-status.check.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const GiB = 1024 ** 3;
const run = (check: AnyCheck, facts?: HostFacts): Evaluation =>
  check.evaluate(
    {},
    {
      server: check.engine === 'mysql' ? MARIADB_10_11 : POSTGRES_15,
      window: { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW },
      now: NOW,
      instance: { name: 'db1' },
      thresholds: check.thresholds.defaults,
      ...(facts ? { hostMetrics: { facts } } : {}),
    },
  );
const base: HostFacts = {
  node: '10.0.0.5:9100',
  source: 'p',
  memTotalBytes: 16 * GiB,
  cpuCores: 4,
  load5Avg: 1,
  swapTotalBytes: 2 * GiB,
  swapFreeMinBytes: 2 * GiB,
  ntpOffsetSeconds: 0.002,
  ntpSynced: true,
  kernelRelease: '6.1.0',
  osRelease: 'Debian 12',
  filesystems: [],
};

describe.each([mysqlPlatformStatus, postgresPlatformStatus])('$id', (check) => {
  it('is skipped without a source', () => {
    expect(run(check)).toEqual({ skipped: NO_HOST_METRICS });
  });

  it.each([
    ['healthy', {}, []],
    ['swap in use', { swapFreeMinBytes: 1 * GiB }, [['warning', 50]]],
    ['clock off by 2.5 s', { ntpOffsetSeconds: 2.5 }, [['warning', 2.5]]],
    ['not synchronised', { ntpSynced: false }, [['warning', undefined]]],
    ['load 6 on 4 cores', { load5Avg: 6 }, [['warning', 1.5]]],
  ] as const)('%s', (_n, over, expected) => {
    const found = run(check, { ...base, ...over }) as FindingDraft[];
    const info = found.at(-1)!;
    expect(info.severity).toBe('info');
    expect(info.message.en).toBe(
      'platform: 4 cores, 16.0 GiB RAM, swap 2.0 GiB, kernel 6.1.0, OS Debian 12, filesystems ?',
    );
    expect(info.message.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(found.slice(0, -1).map((f) => [f.severity, f.value])).toEqual(expected);
  });
});
