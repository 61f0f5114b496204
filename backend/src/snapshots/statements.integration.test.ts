import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget } from '../targets/open-target.js';
import { collectStatements } from './collect-statements.js';
import { postgresStatementsSql } from './postgres-statements.js';

describe('statement samples: absence is not an error', () => {
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  beforeAll(() => admin.connect());
  afterAll(() => admin.end());
  const target = openTarget({
    engine: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
  });
  afterAll(() => target.close());

  it('PostgreSQL without pg_stat_statements in the database: no statements', async () => {
    const facts = await target.facts();
    const [ext] = await target.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_stat_statements'",
    );
    if (ext?.n) return; // only meaningful where the extension is absent (the local server)
    expect(await collectStatements(target, facts)).toBeUndefined();
  });

  it('the pg_stat_statements SELECT parses for the 12 and the 13+ column sets', async () => {
    // A stand-in relation with the view's columns lets the server parse and plan each variant.
    const schema = `pgss_${process.pid}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      await admin.query(`CREATE TABLE ${schema}.pg_stat_statements (userid oid, dbid oid, queryid bigint, query text,
        calls bigint, total_time float8, total_exec_time float8, total_plan_time float8, rows bigint,
        shared_blks_hit bigint, temp_blks_written bigint, wal_bytes numeric, toplevel bool)`);
      await admin.query(`INSERT INTO ${schema}.pg_stat_statements VALUES
        (10, 1, 7, 'SELECT 1', 3, 1, 5, 0.5, 3, 9, 0, 100, true), (10, 1, 8, 'SELECT 2', 1, 1, 1, 0, 1, 1, 0, 0, false)`);
      const v13 = await target.query<Record<string, unknown>>(
        postgresStatementsSql(
          schema,
          new Set([
            'total_exec_time',
            'total_plan_time',
            'wal_bytes',
            'shared_blks_hit',
            'temp_blks_written',
            'toplevel',
          ]),
        ),
        [100],
      );
      expect(v13).toHaveLength(1);
      expect(Number(v13[0]?.total_ms)).toBe(5.5);
      expect(Number(v13[0]?.wal_bytes)).toBe(100);
      const v12 = await target.query<Record<string, unknown>>(
        postgresStatementsSql(schema, new Set(['total_time', 'shared_blks_hit'])),
        [100],
      );
      expect(v12).toHaveLength(2);
      expect(v12[0]).not.toHaveProperty('wal_bytes');
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('MariaDB/MySQL with performance_schema OFF: no statements', async () => {
    const my = openTarget({ engine: 'mysql', host: '127.0.0.1', port: 3306, user: 'root' });
    try {
      const [ps] = await my.query<{ on: unknown }>('SELECT @@performance_schema AS `on`');
      if (Number(ps?.on) === 1) return; // only meaningful where it is OFF (the local server)
      expect(await collectStatements(my, await my.facts())).toBeUndefined();
    } finally {
      await my.close();
    }
  });
});
