import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_VERSION, CHECKS } from '../checks/registry.js';
import { loadConfig } from '../config/config.js';
import { inspectTarget } from '../inspections/inspect-target.js';
import { openTarget } from '../targets/open-target.js';
import { parseTargetUrl } from '../targets/target-url.js';
import { MARIADB_ROOT } from '../test/mysql-fixtures.js';
import { PG_ADMIN_URL } from '../test/pg-fixtures.js';
import type { HostFacts, HostMetrics } from './host-facts.js';
import { HostMetricsSource } from './host-metrics-source.js';
import { nodeFor } from './mapping.js';

/** A real node_exporter scraped every second by a real Prometheus, on free ports, with a temp storage dir. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

let dir: string;
let prometheusUrl: string;
const children: ChildProcess[] = [];
const logs: string[] = [];

function start(cmd: string, args: string[]): void {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
  children.push(child);
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not happen in ${ms} ms:\n${logs.join('').slice(-2000)}`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-hostmetrics-'));
  const [nodePort, promPort] = [await freePort(), await freePort()];
  await writeFile(
    path.join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: node',
      `    static_configs: [{ targets: ['127.0.0.1:${nodePort}'] }]`,
      '',
    ].join('\n'),
  );
  start('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`]);
  start('/usr/bin/prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ]);
  prometheusUrl = `http://127.0.0.1:${promPort}`;
  // Samples of the node, a few scrapes deep (predict_linear needs two points).
  await poll('node_exporter samples in Prometheus', async () => {
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=count_over_time(node_load1[1m])`);
    const j = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    return Number(j.data.result[0]?.value[1] ?? 0) >= 3 ? true : undefined;
  });
}, 90_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

const windowOf = (now: Date) => ({ from: new Date(now.getTime() - 30 * 86_400_000), to: now });

async function factsOf(address: string): Promise<HostMetrics> {
  const now = new Date();
  return new HostMetricsSource({ url: prometheusUrl, timeoutMs: 10_000 }).read(
    nodeFor({ address }),
    windowOf(now),
    now,
  );
}

describe('host facts from a live Prometheus scraping node_exporter', () => {
  it('reads RAM, CPU cores, load, kernel and the root filesystem of 127.0.0.1', async () => {
    const m = await factsOf('127.0.0.1');
    if (!('facts' in m)) throw new Error(JSON.stringify(m.skipped));
    const f: HostFacts = m.facts;
    const meminfo = await readFile('/proc/meminfo', 'utf8');
    const memTotalKiB = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)![1]);
    expect(f.memTotalBytes).toBe(memTotalKiB * 1024);
    const stat = await readFile('/proc/stat', 'utf8');
    expect(f.cpuCores).toBe(stat.split('\n').filter((l) => /^cpu\d+ /.test(l)).length);
    expect(f.load1Max).toBeGreaterThanOrEqual(0);
    expect(f.kernelRelease).toBe((await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim());
    const root = f.filesystems.find((x) => x.mountpoint === '/');
    expect(root).toBeDefined();
    expect(root!.sizeBytes).toBeGreaterThan(0);
    expect(root!.availBytes).toBeGreaterThan(0);
    expect(root!.availBytes).toBeLessThanOrEqual(root!.sizeBytes);
    expect(f.node).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(f.source).toBe(prometheusUrl);
  });

  it('says why when the host has no node_exporter series, or Prometheus is not there', async () => {
    expect(await factsOf('10.255.255.1')).toEqual({
      skipped: expect.objectContaining({
        en: expect.stringContaining('no node_exporter series for node 10.255.255.1'),
      }),
    });
    const down = await new HostMetricsSource({ url: 'http://127.0.0.1:1', timeoutMs: 2000 }).read(
      { address: '127.0.0.1' },
      windowOf(new Date()),
      new Date(),
    );
    expect(down).toEqual({ skipped: expect.objectContaining({ en: expect.stringContaining('failed') }) });
  });
});

describe('filesystem checks on the local servers with the host metrics source', () => {
  const config = loadConfig({});

  async function inspect(url: string, checkId: string, thresholds?: Record<string, unknown>) {
    const spec = parseTargetUrl(url);
    const now = new Date();
    const hostMetrics = await new HostMetricsSource({ url: prometheusUrl }).read(
      nodeFor({ address: spec.host }),
      windowOf(now),
      now,
    );
    const target = openTarget({ ...config.targets, ...spec });
    try {
      return await inspectTarget(target, {
        tier: 'monthly',
        window: windowOf(now),
        now,
        instance: { name: 'local', engine: spec.engine },
        checks: CHECKS,
        catalogVersion: CATALOG_VERSION,
        only: [checkId],
        ...(thresholds ? { thresholds: (c) => ({ ...c.thresholds.defaults, ...thresholds }) } : {}),
        ...{ hostMetrics },
      } as Parameters<typeof inspectTarget>[1]);
    } finally {
      await target.close();
    }
  }

  const MYSQL_URL = `mysql://${MARIADB_ROOT.user}${MARIADB_ROOT.password ? `:${MARIADB_ROOT.password}` : ''}@${MARIADB_ROOT.host}:${MARIADB_ROOT.port}/`;

  it('MY-D13 grades the filesystem holding datadir on the local MariaDB (passes at the defaults, fails at 100 %)', async () => {
    const ok = await inspect(MYSQL_URL, 'mysql.filesystem-free-space');
    const outcome = ok.checks.find((o) => o.checkId === 'mysql.filesystem-free-space');
    expect(['pass', 'fail']).toContain(outcome?.status);
    const strict = await inspect(MYSQL_URL, 'mysql.filesystem-free-space', {
      warnFreePercent: 100,
      critFreePercent: 0,
    });
    const found = strict.findings.filter((f) => f.checkId === 'mysql.filesystem-free-space');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.message.en).toMatch(/holds datadir \/.*% free at the window's lowest/);
    expect(found[0]!.evidence?.[0]).toMatchObject({ fstype: expect.any(String), sizeBytes: expect.any(Number) });
  }, 60_000);

  it('PG-D12 grades the filesystem holding data_directory and pg_wal on the local PostgreSQL', async () => {
    const strict = await inspect(PG_ADMIN_URL, 'postgres.filesystem-free-space', {
      warnFreePercent: 100,
      critFreePercent: 0,
    });
    const found = strict.findings.filter((f) => f.checkId === 'postgres.filesystem-free-space');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.message.en).toMatch(/holds data_directory \/.*pg_wal \/.*% free/);
  }, 60_000);
});

describe('platform status (MY-M12, PG-M09) on the local servers', () => {
  it.each([
    ['mysql.platform-status', `mysql://root@127.0.0.1:3306/`],
    ['postgres.platform-status', PG_ADMIN_URL],
  ])(
    '%s describes the host with its real RAM and kernel',
    async (checkId, url) => {
      const spec = parseTargetUrl(url);
      const now = new Date();
      const hostMetrics = await new HostMetricsSource({ url: prometheusUrl }).read(
        nodeFor({ address: spec.host }),
        windowOf(now),
        now,
      );
      const target = openTarget({ ...loadConfig({}).targets, ...spec });
      try {
        const report = await inspectTarget(target, {
          tier: 'monthly',
          window: windowOf(now),
          now,
          instance: { name: 'local', engine: spec.engine },
          checks: CHECKS,
          catalogVersion: CATALOG_VERSION,
          only: [checkId],
          ...{ hostMetrics },
        } as Parameters<typeof inspectTarget>[1]);
        const info = report.findings.find((f) => f.checkId === checkId && f.severity === 'info');
        const memTotalKiB = Number(/^MemTotal:\s+(\d+) kB/m.exec(await readFile('/proc/meminfo', 'utf8'))![1]);
        expect(info?.evidence?.[0]).toMatchObject({
          memTotalBytes: memTotalKiB * 1024,
          kernelRelease: (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim(),
        });
      } finally {
        await target.close();
      }
    },
    60_000,
  );
});
