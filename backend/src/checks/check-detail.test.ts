import { describe, expect, it } from 'vitest';
import { checkDetailOut } from './check.schema.js';
import { describeCheckDetail } from './checks.routes.js';
import { CHECKS, findCheck } from './registry.js';

const detail = (id: string) => {
  const check = findCheck(id);
  if (!check) throw new Error(`no check ${id}`);
  return checkDetailOut.parse(describeCheckDetail(check));
};

describe('GET /checks/{id} detail: SQL per version', () => {
  it('lists every variant of a query with its since and flavors, in catalog order', () => {
    const indexes = detail('mysql.redundant-indexes').queries['indexes'];
    expect(indexes?.dynamic).toBe(false);
    expect(indexes?.sql.map((v) => [v.since, v.flavors ?? null])).toEqual([
      [0, null],
      [80003, ['mysql']],
      [80013, ['mysql']],
    ]);
    expect(indexes?.sql[0]?.sql).toMatch(/information_schema\.STATISTICS/i);
  });

  it('names every query of a check', () => {
    expect(Object.keys(detail('mysql.redundant-indexes').queries).sort()).toEqual(['foreignKeys', 'indexes']);
  });

  it("marks a query whose SQL comes from the instance's settings as dynamic", () => {
    const queries = Object.values(detail('mysql.backup-age').queries);
    expect(queries.some((q) => q.dynamic)).toBe(true);
  });

  it('shows every query of every check with SQL or a dynamic source, valid against the response schema', () => {
    for (const check of CHECKS) {
      const out = checkDetailOut.parse(describeCheckDetail(check));
      expect([check.id, Object.keys(out.queries)]).toEqual([check.id, Object.keys(check.queries as object)]);
      const queries = Object.values(out.queries);
      expect([check.id, queries.every((q) => q.dynamic || q.sql.some((v) => v.sql.trim() !== ''))]).toEqual([
        check.id,
        true,
      ]);
    }
  });

  it('has no queries for a check fed by host metrics instead of SQL', () => {
    // The platform row reads only the host metrics source (filesystem-free-space also asks the server for its paths).
    expect(detail('postgres.platform-status').queries).toEqual({});
    expect(detail('mysql.platform-status').queries).toEqual({});
  });
});
