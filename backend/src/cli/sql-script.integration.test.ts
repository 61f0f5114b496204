import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyCheck } from '../checks/check.types.js';
import { CATALOG_VERSION, CHECKS } from '../checks/registry.js';
import { loadConfig } from '../config/config.js';
import { inspectTarget, selectChecks } from '../inspections/inspect-target.js';
import type { Target, TargetSession } from '../targets/target-spec.js';
import { PG_ADMIN_URL, randomSuffix, withPgAdmin } from '../test/pg-fixtures.js';
import { lastDays, postgresSuperTarget } from '../test/targets-fixture.js';
import { checksSql } from './checks.command.js';
import { checkStatements, inlineParams, toScript } from './sql-script.js';

// `dbpatrol checks sql --url` against the local PostgreSQL with two databases of its own: the script connects to each
// database an inspection visits, and holds exactly the statements a real inspection sends (recorded on its sessions).
const s = randomSuffix();
const DBS = [`dbp_sqlscript_a_${s}`, `dbp_sqlscript B "${s}"`];
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const run = promisify(execFile);

beforeAll(async () => {
  for (const db of DBS) await withPgAdmin((c) => c.query(`CREATE DATABASE ${quote(db)}`));
});

afterAll(async () => {
  for (const db of DBS) await withPgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${quote(db)} WITH (FORCE)`));
});

interface Sent {
  database: string;
  checkId: string;
  sql: string;
}

/** The target with every statement its sessions send recorded (database, tag, SQL with parameters inlined). */
function recording(target: Target, sent: Sent[]): Target {
  const defaultDb = target.spec.database ?? 'postgres';
  const wrap = (session: TargetSession, database: string): TargetSession => ({
    ...(session.database !== undefined ? { database: session.database } : {}),
    query: (sql, params = [], opts) => {
      sent.push({ database, checkId: opts?.tag ?? '', sql: inlineParams(sql, params, 'postgres') });
      return session.query(sql, params, opts);
    },
    release: () => session.release(),
  });
  return {
    spec: target.spec,
    facts: () => target.facts(),
    listDatabases: () => target.listDatabases(),
    close: () => target.close(),
    query: (sql, params, opts) => target.query(sql, params, opts),
    session: async (database) => wrap(await target.session(database), database ?? defaultDb),
  };
}

describe('dbpatrol checks sql --url on the local PostgreSQL', () => {
  it('prints a \\connect and the database-scoped statements for every database the inspection visits', async () => {
    const script = await checksSql({ url: PG_ADMIN_URL, tier: 'weekly' }, loadConfig(process.env));
    const dbScoped = CHECKS.filter((c) => c.engine === 'postgres' && c.scope === 'database' && c.tier !== 'annual');
    expect(dbScoped.length).toBeGreaterThan(0);
    const blocks = script.split(/^\\connect /m).slice(1);
    const blockFor = (db: string) => blocks.find((b) => b.startsWith(`${quote(db)}\n`));
    expect(blocks[0]).toMatch(/^"postgres"\n/);
    for (const db of DBS) {
      const block = blockFor(db);
      expect(block, db).toBeDefined();
      expect(block).toContain('/* dbpatrol:postgres.tables-without-primary-key */');
      // Only database-scoped checks in a database's own block.
      for (const tag of block!.matchAll(/\/\* dbpatrol:([^ ]+) \*\//g))
        expect(dbScoped.map((c) => c.id)).toContain(tag[1]);
    }
    expect(script.split('\n')[1]).toContain(DBS[0]);
  });

  it('holds exactly what a weekly inspection of these databases sends, and psql runs it', async () => {
    const target = postgresSuperTarget();
    const sent: Sent[] = [];
    const now = new Date();
    const window = lastDays(7, now);
    const instance = { name: '127.0.0.1:5432', engine: 'postgres' as const };
    try {
      const facts = await target.facts();
      const report = await inspectTarget(recording(target, sent), {
        tier: 'weekly',
        window,
        now,
        instance,
        checks: CHECKS,
        catalogVersion: CATALOG_VERSION,
        databases: { include: DBS },
      });
      expect(report.reachable).toBe(true);
      const checks: AnyCheck[] = selectChecks(CHECKS, 'postgres', 'weekly');
      const planned = checkStatements(checks, { server: facts, window, now, instance: { name: instance.name } }, DBS);
      const ids = new Set(checks.map((c) => c.id));
      const key = (x: Sent) => `${x.database}\u0000${x.checkId}\u0000${x.sql}`;
      const actual = sent
        .filter((x) => ids.has(x.checkId))
        .map(key)
        .sort();
      const expected = planned
        .map((p) => key({ database: p.database ?? 'postgres', checkId: p.checkId, sql: p.sql }))
        .sort();
      expect(actual.length).toBeGreaterThan(20);
      expect(actual).toEqual(expected);

      const dir = await mkdtemp(path.join(tmpdir(), 'dbp-sqlscript-'));
      const u = new URL(PG_ADMIN_URL);
      let stdout: string;
      try {
        await writeFile(path.join(dir, 'script.sql'), toScript(planned, { connectTo: 'postgres' }));
        ({ stdout } = await run(
          'psql',
          ['-X', '-v', 'ON_ERROR_STOP=1', '-f', path.join(dir, 'script.sql'), '-h', u.hostname, '-p', u.port || '5432'],
          {
            maxBuffer: 64 * 1024 * 1024,
            env: { ...process.env, PGUSER: decodeURIComponent(u.username) || 'postgres', PGDATABASE: 'postgres' },
          },
        ));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      for (const db of DBS) expect(stdout).toContain(`You are now connected to database "${db}"`);
    } finally {
      await target.close();
    }
  });
});
