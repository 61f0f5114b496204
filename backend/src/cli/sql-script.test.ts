import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCheck } from '../checks/check.types.js';
import { POSTGRES_15 } from '../test/check-evaluator.js';
import { checkStatements, inlineParams, psqlConnect, toScript } from './sql-script.js';

describe('inlineParams', () => {
  const when = new Date('2026-11-24T08:00:00.000Z');
  it.each([
    ['SELECT 1', [], 'mysql', 'SELECT 1'],
    [
      "SELECT * FROM t WHERE a >= ? AND b = '?' AND c = ?",
      [when, 'x'],
      'mysql',
      "SELECT * FROM t WHERE a >= '2026-11-24 08:00:00.000' AND b = '?' AND c = 'x'",
    ],
    ['SELECT $2, $1, $1', [1, "o'k"], 'postgres', "SELECT 'o''k', 1, 1"],
    ["SELECT '$1' WHERE t > $1", [when], 'postgres', "SELECT '$1' WHERE t > '2026-11-24T08:00:00.000Z'"],
    ['SELECT ?', [null], 'mysql', 'SELECT NULL'],
  ] as const)('%s', (sql, params, engine, expected) => {
    expect(inlineParams(sql, params, engine)).toBe(expected);
  });
});

describe('checkStatements and toScript', () => {
  const server = { ...POSTGRES_15 };
  const now = new Date('2026-12-06T12:00:00.000Z');
  const ctx = { server, window: { from: new Date(now.getTime() - 86_400_000), to: now }, now, instance: { name: 'i' } };
  const base = {
    engine: 'postgres',
    flavors: ['postgres'],
    category: 'schema',
    tier: 'weekly',
    window: 'state',
    title: { en: 't', zh: '题' },
    description: { en: 'd', zh: '述' },
    remediation: { en: 'r', zh: '改' },
    thresholds: { schema: z.object({}), defaults: {} },
    evaluate: () => [],
  } as const;
  const instanceCheck = {
    ...base,
    id: 'postgres.t-instance',
    catalogRef: 'PG-X1',
    scope: 'instance',
    queries: { a: { sql: [{ since: 0, sql: 'SELECT 1' }], row: z.object({}) } },
  };
  const databaseCheck = {
    ...base,
    id: 'postgres.t-database',
    catalogRef: 'PG-X2',
    scope: 'database',
    queries: {
      a: {
        sql: [{ since: 0, sql: 'SELECT $1::text AS db' }],
        row: z.object({}),
        params: (c: { database?: string }) => [c.database ?? null],
      },
    },
  };
  const tooNew = {
    ...base,
    id: 'postgres.t-too-new',
    catalogRef: 'PG-X3',
    scope: 'instance',
    queries: {
      old: { sql: [{ since: 0, sql: 'SELECT 2' }], row: z.object({}) },
      new: { sql: [{ since: 990000, sql: 'SELECT 3' }], row: z.object({}) },
    },
  };
  const checks = [instanceCheck, databaseCheck, tooNew] as unknown as AnyCheck[];

  it('sends a database-scoped check once per visited database, with that database in the query context', () => {
    expect(checkStatements(checks, ctx, ['app', 'Other "db"'])).toEqual([
      { checkId: 'postgres.t-instance', query: 'a', sql: 'SELECT 1' },
      { checkId: 'postgres.t-database', query: 'a', sql: "SELECT 'app'::text AS db", database: 'app' },
      { checkId: 'postgres.t-database', query: 'a', sql: `SELECT 'Other "db"'::text AS db`, database: 'Other "db"' },
    ]);
  });

  it('without a database list (no live server) lists database-scoped statements once', () => {
    expect(checkStatements(checks, ctx).map((s) => [s.checkId, s.sql, s.database])).toEqual([
      ['postgres.t-instance', 'SELECT 1', undefined],
      ['postgres.t-database', 'SELECT NULL::text AS db', undefined],
    ]);
  });

  it('a check with one query too new for the server sends none of its queries (the runner skips it)', () => {
    expect(checkStatements(checks, ctx).some((s) => s.checkId === 'postgres.t-too-new')).toBe(false);
  });

  it('connects to the target database first, then to each visited database', () => {
    const script = toScript(checkStatements(checks, ctx, ['app', 'Other "db"']), { connectTo: 'postgres' });
    expect(script).toBe(
      [
        '\\connect "postgres"',
        '',
        '/* dbpatrol:postgres.t-instance */ SELECT 1;',
        '',
        '\\connect "app"',
        '',
        "/* dbpatrol:postgres.t-database */ SELECT 'app'::text AS db;",
        '',
        '\\connect "Other ""db"""',
        '',
        `/* dbpatrol:postgres.t-database */ SELECT 'Other "db"'::text AS db;`,
        '',
      ].join('\n'),
    );
    expect(psqlConnect('a"b')).toBe('\\connect "a""b"');
  });

  it('MySQL scripts have no \\connect', () => {
    expect(toScript([{ checkId: 'mysql.x', query: 'a', sql: 'SELECT 1;' }])).toBe('/* dbpatrol:mysql.x */ SELECT 1;\n');
  });
});
