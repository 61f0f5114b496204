import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { REPO } from '../test/grafana-rules.js';
import { MARIADB_ROOT } from '../test/mysql-fixtures.js';
import { dropDatabase, PG_ADMIN_URL, randomSuffix } from '../test/pg-fixtures.js';
import { ensureCliBuilt } from '../test/worker-process.js';

interface StackUrls {
  api: string;
  prometheus: string;
  adminTokenFile: string;
}
interface PromAlert {
  metric: Record<string, string>;
}

const suffix = randomSuffix();
const SCRATCH_DB = `dbp_e2e_${suffix}`;
const SCRATCH_USER = `dbp_e2e_${suffix}`;
const SCRATCH_PASSWORD = `pw-${randomSuffix()}${randomSuffix()}`;
const STORE_DB = `dbpatrol_stack_e2e_${suffix}`;
const INSTANCE = `e2e-maria-${suffix}`;
const CHECK = 'mysql.auto-increment-exhaustion';

/**
 * `npm run stack` on this machine (PostgreSQL store, an API and two workers, Debian's Prometheus and node-exporter),
 * a critical problem planted on the local MariaDB, and the provisioned critical-finding rule with a 5 s `for`.
 */
describe('npm run stack: an alert in Prometheus goes pending → firing → resolved', () => {
  let dir: string;
  let stack: ChildProcess | undefined;
  let urls: StackUrls;
  let token: string;
  let root: mysql.Connection;
  const stackOutput: string[] = [];

  const api = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${urls.api}/api/v1${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown> & { id: string };
    if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const alerts = async (): Promise<PromAlert[]> => {
    const q = encodeURIComponent(`ALERTS{alertname="DBPatrolCriticalFinding",instance="${INSTANCE}",check="${CHECK}"}`);
    const res = (await (await fetch(`${urls.prometheus}/api/v1/query?query=${q}`)).json()) as {
      data: { result: PromAlert[] };
    };
    return res.data.result;
  };
  const waitUntil = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stackOutput.join('')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const inspect = async (instanceId: string): Promise<void> => {
    const run = await api('POST', '/inspections', { instanceIds: [instanceId], tier: 'weekly', windowDays: 7 });
    await waitUntil(
      'the inspection to finish',
      async () => {
        const i = (await api('GET', `/inspections/${run.id}`)) as unknown as { state: string };
        return ['succeeded', 'partial', 'failed'].includes(i.state) ? i : undefined;
      },
      60_000,
    );
  };
  const alertState = async (): Promise<string | undefined> => (await alerts())[0]?.metric.alertstate;

  beforeAll(async () => {
    await ensureCliBuilt();
    dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-stack-'));
    root = await mysql.createConnection({ ...MARIADB_ROOT, multipleStatements: true });
    await root.query(
      `CREATE DATABASE ${SCRATCH_DB};
       CREATE TABLE ${SCRATCH_DB}.coupons (id TINYINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, code varchar(20)) AUTO_INCREMENT = 250;
       INSERT INTO ${SCRATCH_DB}.coupons(code) VALUES ('WELCOME');
       CREATE USER '${SCRATCH_USER}'@'127.0.0.1' IDENTIFIED BY '${SCRATCH_PASSWORD}';
       GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR ON *.* TO '${SCRATCH_USER}'@'127.0.0.1';
       GRANT SELECT ON ${SCRATCH_DB}.* TO '${SCRATCH_USER}'@'127.0.0.1';`,
    );
    // The provisioned rule, with a `for` short enough for a test.
    const rules = YAML.parse(await readFile(path.join(REPO, 'prometheus/rules/dbpatrol.rules.yml'), 'utf8')) as {
      groups: { name: string; rules: { alert: string; for: string }[] }[];
    };
    const critical = rules.groups[0]!.rules.find((r) => r.alert === 'DBPatrolCriticalFinding')!;
    await writeFile(
      path.join(dir, 'e2e.yml'),
      YAML.stringify({ groups: [{ name: 'e2e', rules: [{ ...critical, for: '5s' }] }] }),
    );
    stack = spawn(
      process.execPath,
      [
        path.join(REPO, 'scripts/stack.mjs'),
        '--no-build',
        '--store-url',
        PG_ADMIN_URL,
        '--database',
        STORE_DB,
        '--state-dir',
        path.join(dir, 'state'),
        '--scrape-interval',
        '1',
        '--rules-dir',
        dir,
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DBPATROL_POLL_MS: '500' } },
    );
    stack.stdout!.on('data', (d: Buffer) => stackOutput.push(d.toString()));
    stack.stderr!.on('data', (d: Buffer) => stackOutput.push(d.toString()));
    const line = await waitUntil(
      'the stack to start',
      async () => {
        if (stack!.exitCode !== null) throw new Error(`stack exited ${stack!.exitCode}\n${stackOutput.join('')}`);
        return /^STACK (.+)$/m.exec(stackOutput.join(''))?.[1];
      },
      90_000,
    );
    urls = JSON.parse(line) as StackUrls;
    token = (await readFile(urls.adminTokenFile, 'utf8')).trim();
  }, 120_000);

  afterAll(async () => {
    if (stack && stack.exitCode === null) {
      const exited = new Promise((r) => stack!.once('exit', r));
      stack.kill('SIGTERM');
      await exited;
    }
    await root
      ?.query(`DROP DATABASE IF EXISTS ${SCRATCH_DB}; DROP USER IF EXISTS '${SCRATCH_USER}'@'127.0.0.1';`)
      .catch(() => undefined);
    await root?.end();
    await dropDatabase(STORE_DB).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('scrapes /metrics with the token, and the alert follows the planted problem', async () => {
    // Prometheus reaches /metrics with the viewer token the set-up wrote; node-exporter is scraped too.
    const up = await waitUntil(
      'both targets up',
      async () => {
        const res = (await (await fetch(`${urls.prometheus}/api/v1/query?query=up`)).json()) as {
          data: { result: { metric: { job: string }; value: [number, string] }[] };
        };
        const byJob = Object.fromEntries(res.data.result.map((r) => [r.metric.job, r.value[1]]));
        return byJob.dbpatrol === '1' && byJob.node === '1' ? byJob : undefined;
      },
      30_000,
    );
    expect(up).toMatchObject({ dbpatrol: '1', node: '1' });

    const biz = await api('POST', '/businesses', { name: `e2e-${suffix}` });
    const host = await api('POST', '/hosts', { name: `e2e-host-${suffix}`, businessId: biz.id, address: '127.0.0.1' });
    const instance = await api('POST', '/instances', {
      name: INSTANCE,
      hostId: host.id,
      engine: 'mariadb',
      port: MARIADB_ROOT.port,
      user: SCRATCH_USER,
      password: SCRATCH_PASSWORD,
    });
    expect(await alertState()).toBeUndefined();

    await inspect(instance.id);
    const metrics = await (
      await fetch(`${urls.api}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    expect(metrics).toMatch(
      new RegExp(
        `dbpatrol_check_failing\\{[^}]*instance="${INSTANCE}"[^}]*check="${CHECK}"[^}]*severity="critical"\\} 1`,
      ),
    );

    // Seen pending first (for: 5s), then firing.
    expect(
      await waitUntil('the alert pending', async () => ((await alertState()) ? alertState() : undefined), 20_000),
    ).toBe('pending');
    await waitUntil('the alert firing', async () => ((await alertState()) === 'firing' ? true : undefined), 30_000);
    expect((await alerts())[0]!.metric).toMatchObject({
      severity: 'critical',
      catalog_ref: 'MY-W04',
      engine: 'mariadb',
    });

    // Fixed on the server, re-inspected: the failing series goes away and the alert resolves.
    await root.query(`ALTER TABLE ${SCRATCH_DB}.coupons MODIFY id INT UNSIGNED AUTO_INCREMENT`);
    await inspect(instance.id);
    await waitUntil('the alert resolved', async () => ((await alerts()).length === 0 ? true : undefined), 30_000);
  }, 180_000);
});
