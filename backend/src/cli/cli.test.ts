import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../test/pg-fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/dbpatrol.js', import.meta.url));
const run = promisify(execFile);

async function dbpatrol(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The built `dbpatrol` command, run as a user would, against a real PostgreSQL store. */
describe('dbpatrol CLI', () => {
  let dir: string;
  let env: Record<string, string>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-cli-'));
    const db = await createScratchDatabase('dbpatrol_cli');
    drop = db.drop;
    env = { DBPATROL_STORE_URL: db.url, DBPATROL_DATA_DIR: dir, DBPATROL_LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await drop?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports and exports the inventory, keeping the password sealed and out of the export', async () => {
    const file = path.join(dir, 'inventory.yaml');
    await writeFile(
      file,
      'businesses:\n  - name: cli-biz\n    hosts:\n      - name: cli-host\n        address: 127.0.0.1\n' +
        '        instances:\n          - { name: cli-pg, engine: postgres, port: 5432, user: mon, password: "cli-S3cret" }\n',
    );
    const dry = await dbpatrol(['inventory', 'import', file, '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dryRun: true');
    const imported = await dbpatrol(['inventory', 'import', file], env);
    expect(imported.stdout).toMatch(/created:\n\s+- cli-pg/);
    const exported = await dbpatrol(['inventory', 'export'], env);
    expect(exported.stdout).toContain('name: cli-pg');
    expect(exported.stdout).not.toContain('cli-S3cret');
  });

  it('rotates the sealing key and still opens every credential', async () => {
    const keyBefore = await readFile(path.join(dir, 'secret.key'), 'utf8');
    const rotated = await dbpatrol(['secrets', 'rotate'], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/re-sealed 1 credential\(s\) with key [0-9a-f]{12}/);
    expect(await readFile(path.join(dir, 'secret.key'), 'utf8')).not.toBe(keyBefore);
    const again = await dbpatrol(['secrets', 'rotate'], env);
    expect(again.stdout).toMatch(/re-sealed 1 credential/);
  });

  it('creates tokens and lists them without secrets', async () => {
    const created = await dbpatrol(['tokens', 'create', '--name', 'grafana', '--role', 'editor'], env);
    expect(created.stdout).toMatch(/^dbp_\S+\n$/);
    const listed = await dbpatrol(['tokens', 'list'], env);
    expect(listed.stdout).toMatch(/^grafana\teditor\t/m);
    expect(listed.stdout).not.toContain(created.stdout.trim());
  });

  it.each([
    [['tokens', 'create', '--name', 'x', '--role', 'root'], /--role.*root.*(viewer|Allowed)/s],
    [['serve', '--port', 'eighty'], /--port.*must be a port number/s],
    [['inventory', 'import', '/nonexistent.yaml'], /file: cannot read \/nonexistent.yaml/],
    [['nonsense'], /unknown command 'nonsense'/],
  ])('exits 2 with a message naming the problem: %j', async (args, message) => {
    const res = await dbpatrol(args, env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
  });

  it('exits 2 listing every configuration problem', async () => {
    const res = await dbpatrol(['migrate'], { ...env, DBPATROL_STORE_URL: 'mysql://nope', DBPATROL_PORT: '99999' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('DBPATROL_STORE_URL: must start with');
    expect(res.stderr).toContain('DBPATROL_PORT: must be ≤ 65535');
  });

  it('never prints a store password from a connection error', async () => {
    const res = await dbpatrol(['migrate'], {
      ...env,
      DBPATROL_STORE_URL: 'postgres://someone:Hunter2-secret@127.0.0.1:1/x',
    });
    expect(res.code).toBe(1);
    expect(res.stderr + res.stdout).not.toContain('Hunter2-secret');
  });
});

describe('dbpatrol serve on the embedded store', () => {
  it('starts with no server installed, inspects the local servers with --demo, prints the token on first start only', async () => {
    const { spawn } = await import('node:child_process');
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-serve-'));
    const start = (demo: boolean) =>
      new Promise<{ url: string; out: string; stop: () => Promise<number | null> }>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...(demo ? ['--demo'] : [])], {
          env: { PATH: process.env.PATH ?? '', DBPATROL_DATA_DIR: dir, DBPATROL_LOG_LEVEL: 'warn' },
        });
        let out = '';
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 45_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
          if (url && (demo ? out.includes('all reports:') || out.includes('not inspected') : /Store:.*\n/.test(out))) {
            clearTimeout(timer);
            setTimeout(
              () =>
                resolve({
                  url,
                  out,
                  stop: () =>
                    new Promise((r) => {
                      child.once('exit', (code) => r(code));
                      child.kill('SIGTERM');
                    }),
                }),
              200,
            );
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
    try {
      const first = await start(true);
      expect(first.out).toContain('embedded PGlite');
      expect(first.out).toMatch(/demo-mariadb\s+score\s+\d+\/100/);
      expect(first.out).toMatch(/demo-postgres\s+score\s+\d+\/100/);
      const token = /^\s+(dbp_\S+)$/m.exec(first.out)?.[1];
      expect(token).toBeDefined();
      const res = await fetch(`${first.url}/api/v1/businesses`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await (await fetch(`${first.url}/readyz`)).json()).toEqual({ status: 'ready', store: 'embedded' });
      const reports = await fetch(`${first.url}/api/v1/reports`, { headers: { authorization: `Bearer ${token}` } });
      const items = ((await reports.json()) as { items: { id: string; contentHash: string }[] }).items;
      expect(items).toHaveLength(2);

      // reports export through the API, then verify the JSON file and an edited copy
      const file = path.join(dir, 'exported.json');
      const api = ['--url', first.url, '--token', token!];
      const exported = await dbpatrol(
        ['reports', 'export', items[0]!.id, '--format', 'json', '--out', file, ...api],
        {},
      );
      expect(exported.code, exported.stderr).toBe(0);
      expect(JSON.parse(await readFile(file, 'utf8')).contentHash).toBe(items[0]!.contentHash);
      const intact = await dbpatrol(['reports', 'verify', file], {});
      expect(intact.code, intact.stderr).toBe(0);
      expect(intact.stdout).toContain('intact');
      const text = await readFile(file, 'utf8');
      const at = text.indexOf('"score": ') + '"score": '.length;
      const digit = text[at]!;
      await writeFile(file, text.slice(0, at) + (digit === '9' ? '8' : String(Number(digit) + 1)) + text.slice(at + 1));
      const altered = await dbpatrol(['reports', 'verify', file], {});
      expect(altered.code).toBe(1);
      expect(altered.stderr).toContain('ALTERED');
      const xlsx = path.join(dir, 'exported.xlsx');
      const byEnv = await dbpatrol(
        ['reports', 'export', items[1]!.id, '--format', 'xlsx', '--lang', 'zh', '--out', xlsx, '--url', first.url],
        {
          DBPATROL_TOKEN: token!,
        },
      );
      expect(byEnv.code, byEnv.stderr).toBe(0);
      expect((await readFile(xlsx)).subarray(0, 2).toString('latin1')).toBe('PK');
      const unknown = await dbpatrol(['reports', 'export', 'no-such-id', '--format', 'pdf', ...api], {});
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('no report or inspection with id no-such-id');
      expect(await first.stop()).toBe(0);
      const second = await start(false);
      expect(second.out).not.toContain('dbp_');
      expect(await second.stop()).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('dbpatrol inspect and checks (no store)', () => {
  const noStore = { DBPATROL_LOG_LEVEL: 'warn' };

  it('inspects a live PostgreSQL and writes the JSON report document', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-inspect-'));
    try {
      const out = path.join(dir, 'report.json');
      const res = await dbpatrol(
        [
          'inspect',
          '--url',
          'postgres://postgres@127.0.0.1:5432/postgres',
          '--tier',
          'daily',
          '--format',
          'json',
          '--out',
          out,
        ],
        noStore,
      );
      expect([0, 1]).toContain(res.code);
      const report = JSON.parse(await readFile(out, 'utf8'));
      expect(report).toMatchObject({
        server: { engine: 'postgres', flavor: 'postgres' },
        tier: 'daily',
        window: { from: expect.any(String), to: expect.any(String) },
      });
      expect(new Date(report.window.to).getTime() - new Date(report.window.from).getTime()).toBe(86_400_000);
      expect(report.checks.length).toBeGreaterThan(0);
      for (const c of report.checks)
        expect(c).toEqual(
          expect.objectContaining({
            checkId: expect.any(String),
            catalogRef: expect.any(String),
            status: expect.any(String),
            durationMs: expect.any(Number),
          }),
        );
      expect(res.code).toBe(report.counts.critical > 0 ? 1 : 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints a text report of a live MariaDB grouped by check, times in --tz with the offset', async () => {
    const res = await dbpatrol(
      [
        'inspect',
        '--url',
        'mariadb://root@127.0.0.1:3306/',
        '--tier',
        'weekly',
        '--window',
        '2d',
        '--tz',
        'Asia/Tokyo',
      ],
      noStore,
    );
    expect([0, 1]).toContain(res.code);
    expect(res.stdout).toMatch(
      /^DB Patrol · Database inspection report · weekly · 127\.0\.0\.1:3306 \(mariadb 10\.11\.\d+, primary\)/,
    );
    expect(res.stdout).toMatch(/Score: \d+\/100/);
    expect(res.stdout).toContain('GMT+09:00');
    expect(res.stdout).not.toContain('\x1b[');
  });

  it('prints a Chinese text report of a live MariaDB with no English headings', async () => {
    const res = await dbpatrol(
      ['inspect', '--url', 'mariadb://root@127.0.0.1:3306/', '--tier', 'weekly', '--lang', 'zh', '--tz', 'UTC'],
      noStore,
    );
    expect([0, 1]).toContain(res.code);
    expect(res.stdout).toMatch(/^DB Patrol · 数据库巡检报告 · 周检 · 127\.0\.0\.1:3306/);
    for (const english of [
      'Findings',
      'NOT INSPECTED',
      'CRITICAL',
      'WARNING',
      'Remediation',
      'passed',
      'Window',
      'Score',
    ]) {
      expect(res.stdout).not.toContain(english);
    }
    expect(res.stdout).toContain('未巡检');
    expect(res.stdout).toContain('处理建议');
  });

  it('writes html, csv, xlsx and pdf reports of a live PostgreSQL with --out', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-inspect-files-'));
    try {
      const magic: Record<string, (b: Buffer) => boolean> = {
        html: (b) => b.toString('utf8').startsWith('<!doctype html>') && b.toString('utf8').includes('数据库巡检报告'),
        csv: (b) => b.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) && b.toString('utf8').includes('级别'),
        xlsx: (b) => b.subarray(0, 2).toString('latin1') === 'PK',
        pdf: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
      };
      for (const format of Object.keys(magic)) {
        const out = path.join(dir, `r.${format}`);
        const res = await dbpatrol(
          ['inspect', '--url', 'postgres://postgres@127.0.0.1:5432/postgres', '--tier', 'daily', '--lang', 'zh'].concat(
            ['--format', format, '--out', out],
          ),
          noStore,
        );
        expect([0, 1], res.stderr).toContain(res.code);
        expect(magic[format]!(await readFile(out)), format).toBe(true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['inspect', '--url', 'postgres://x@127.0.0.1:1/db'], 3, /unreachable/],
    [['inspect', '--url', 'oracle://x@h/db'], 2, /--url/],
    [['inspect', '--url', 'postgres://x@h/db', '--tier', 'hourly'], 2, /--tier.*hourly/s],
    [['inspect', '--url', 'postgres://x@h/db', '--tz', 'Mars/Olympus'], 2, /--tz: must be an IANA time zone/],
    [['inspect', '--url', 'postgres://x@h/db', '--format', 'docx'], 2, /--format.*docx/s],
    [['reports', 'verify', '/nonexistent/report.json'], 2, /cannot read/],
    [['reports', 'export', 'r1', '--url', 'http://127.0.0.1:1', '--format', 'doc'], 2, /--format.*doc/s],
    [['inspect', '--url', 'postgres://x@h/db', '--window', '7 days'], 2, /--window: "7 days" is not a duration/],
    [
      ['inspect', '--url', 'postgres://x@h/db', '--only', 'postgres.nope'],
      2,
      /--only: unknown check id\(s\): postgres.nope/,
    ],
  ])('%j exits %d', async (args, code, message) => {
    const res = await dbpatrol(args, noStore);
    expect(res.code).toBe(code);
    expect(res.stdout + res.stderr).toMatch(message);
  });

  it('lists the catalog and prints the SQL a run sends', async () => {
    const list = await dbpatrol(['checks', 'list', '--engine', 'postgres', '--tier', 'daily'], noStore);
    expect(list.stdout).toMatch(/^PG-D01\s+postgres\.availability\s+daily/m);
    expect(list.stdout).not.toMatch(/MY-/);
    const sql = await dbpatrol(
      ['checks', 'sql', '--engine', 'postgres', '--tier', 'weekly', '--server-version', '15.4'],
      noStore,
    );
    expect(sql.code).toBe(0);
    expect(sql.stdout).toContain('/* dbpatrol:postgres.availability */ SELECT');
    expect(sql.stdout).toContain('/* dbpatrol:postgres.tables-without-primary-key */');
    expect((await dbpatrol(['checks', 'sql', '--tier', 'weekly'], noStore)).stderr).toMatch(
      /--engine: is required unless --url is given/,
    );
  });
});
