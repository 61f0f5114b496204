import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCheck, QuerySpec } from './check.types.js';
import { TIERS } from './check.types.js';
import { CATALOG_VERSION, CHECKS } from './registry.js';

const FORBIDDEN =
  /\b(INSERT|UPDATE|DELETE|MERGE|REPLACE(?!\s*\()|CREATE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|SET|LOCK|CALL|DO|HANDLER|LOAD|KILL|FLUSH|RESET|VACUUM|ANALYZE|CLUSTER|REINDEX|COPY|PURGE|INSTALL|UNINSTALL|SHUTDOWN|BEGIN|COMMIT|ROLLBACK)\b/i;
const HAN = /\p{Script=Han}/u;

/** SQL without string literals and comments, so names like 'SET' inside quotes do not count. */
const code = (sql: string) =>
  sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '');

/** The oldest server each flavor supports: MySQL 5.7 GA, MariaDB 10.0, PostgreSQL 12. */
const SUPPORTED_FLOOR: Record<string, number> = { mysql: 50709, mariadb: 100000, postgres: 120000 };

const queries = (c: AnyCheck) => Object.entries(c.queries as Record<string, QuerySpec<unknown>>);

describe('check registry', () => {
  it('has unique ids of the form <engine>.<slug>', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKS) expect(c.id).toMatch(new RegExp(`^${c.engine}\\.[a-z0-9]+(-[a-z0-9]+)*$`));
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))(
    '%s is complete: catalog code, tier, texts in English and Chinese',
    (_id, c) => {
      expect(c.catalogRef).toMatch(c.engine === 'postgres' ? /^PG-[DWMA]\d{2}$/ : /^MY-[DWMA]\d{2}$/);
      expect(c.catalogRef[3]).toBe({ daily: 'D', weekly: 'W', monthly: 'M', annual: 'A' }[c.tier]);
      expect(TIERS).toContain(c.tier);
      expect(c.flavors.length).toBeGreaterThan(0);
      for (const text of [c.title, c.description, c.remediation]) {
        expect(text.en.trim().length).toBeGreaterThan(3);
        expect(text.zh).toMatch(HAN);
        expect(text.en).not.toMatch(HAN);
      }
      expect(c.thresholds.schema.safeParse(c.thresholds.defaults).success).toBe(true);
    },
  );

  it.each(CHECKS.map((c) => [c.id, c] as const))(
    '%s has read-only SQL from the oldest supported version on',
    (_id, c) => {
      for (const [name, q] of queries(c)) {
        expect(q.row, `${name} row schema`).toBeInstanceOf(z.ZodType);
        if (q.dynamicSql) continue;
        expect(q.sql.length, `${name} has SQL`).toBeGreaterThan(0);
        for (const flavor of c.flavors) {
          const forFlavor = q.sql.filter((v) => !v.flavors || v.flavors.includes(flavor));
          if (forFlavor.length === 0) continue;
          expect(Math.min(...forFlavor.map((v) => v.since)), `${name}/${flavor} oldest variant`).toBeLessThanOrEqual(
            SUPPORTED_FLOOR[flavor]!,
          );
        }
        for (const v of q.sql) {
          expect(v.sql.trim()).toMatch(/^(SELECT|WITH|SHOW)\b/i);
          expect(code(v.sql)).not.toMatch(FORBIDDEN);
          expect(v.sql).not.toMatch(/;\s*\S/);
        }
      }
    },
  );

  it('names a catalog version that changes with the SQL', () => {
    expect(CATALOG_VERSION).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{8}$/);
  });
});
