import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { AnyCheck } from '../check.types.js';
import { pgIdent, pgQualified } from '../quote.js';
// Reports as a reader shows them: texts in the language the test ran in.
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import type { Target } from '../../targets/target-spec.js';
import { PG_ADMIN_URL, randomSuffix, withPgAdmin } from '../../test/pg-fixtures.js';
import { findingsOf, outcomeOf, postgresSuperTarget, runChecks } from '../../test/targets-fixture.js';
import { POSTGRES_WEEKLY_OBJECT_CHECKS } from './weekly-objects.list.js';

const SUFFIX = randomSuffix();
const DB = `dbp 巡检 "o" Mixed_${SUFFIX}`;
/** A monitoring role (pg_monitor) that may read neither the planted tables nor their sequences. */
const MONITOR = `dbp_wobj_monitor_${SUFFIX}`;
const SCHEMA = `Sch "q" 表`;
const T = {
  noPk: `No PK 'x' %;`,
  clean: `Clean ✓ Table`,
  invalid: `Inv "idx" 表`,
  dup: `Dup; Idx %`,
  parent: `Parent ünï`,
  child: `Child 'fk' Mixed`,
  dead: `Dead % Tup`,
  never: `Never Analyzed 'na'`,
  trig: `Trig "T" table`,
  int4: `Int4 ID 表`,
  wide: `Wide;Table`,
} as const;
const I = {
  invalid: `Uniq "Bad" 索引`,
  a: `ix A`,
  ab: `ix A,B`,
  dup1: `Ix "dup" 1`,
  dup2: `Ix "dup" 2`,
  partial: `ix part`,
  idA: `ix id a`,
} as const;
const SEQ = { big: `Big Seq "x"`, near: `Near Max; seq` } as const;
const TRIGGER = `Trg 'd' 触发器`;

const q = (name: string) => pgQualified(SCHEMA, name);
const ID = Object.fromEntries(POSTGRES_WEEKLY_OBJECT_CHECKS.map((c) => [c.catalogRef, c.id]));

/** Thresholds lowered so the small planted tables qualify. */
const LOWERED: Record<string, Record<string, unknown>> = {
  'postgres.unindexed-foreign-keys': { minRows: 5 },
  'postgres.table-bloat': { warnBytes: 256 * 1024, critBytes: 1024 ** 4, minBloatPercent: 20 },
  'postgres.large-tables': {
    minLargeBytes: 700 * 1024,
    minVeryLargeBytes: 1024 ** 4,
    minWideColumns: 50,
    minVeryWideColumns: 200,
  },
};
const thresholds =
  (extra: Record<string, Record<string, unknown>> = {}) =>
  (c: AnyCheck): unknown => ({ ...(c.thresholds.defaults as object), ...LOWERED[c.id], ...extra[c.id] });

function connect(): pg.Client {
  const u = new URL(PG_ADMIN_URL);
  return new pg.Client({
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    database: DB,
  });
}

/** Per-table counters reach pg_stat_user_tables asynchronously (PG15+); wait for them, bounded. */
async function waitForStats(c: pg.Client, table: string, want: { dead?: number; live?: number }): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await c.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await c.query<{ dead: string; live: string }>(
      'SELECT n_dead_tup AS dead, n_live_tup AS live FROM pg_stat_user_tables WHERE relid = $1::regclass',
      [q(table)],
    );
    const r = rows[0];
    if (r && Number(r.dead) >= (want.dead ?? 0) && Number(r.live) >= (want.live ?? 0)) return;
    if (Date.now() > deadline) throw new Error(`statistics of ${table} did not arrive: ${JSON.stringify(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function plant(): Promise<void> {
  await withPgAdmin(async (c) => {
    await c.query(`CREATE DATABASE ${pgIdent(DB)}`);
    await c.query(`CREATE ROLE ${pgIdent(MONITOR)} LOGIN IN ROLE pg_monitor`);
  });
  const c = connect();
  await c.connect();
  try {
    const run = (sql: string) => c.query(sql);
    await run(`CREATE SCHEMA ${pgIdent(SCHEMA)}`);

    await run(`CREATE TABLE ${q(T.parent)} (id int PRIMARY KEY)`);
    await run(`INSERT INTO ${q(T.parent)} SELECT g FROM generate_series(1, 20) g`);
    await run(`CREATE TABLE ${q(T.clean)} (id bigserial PRIMARY KEY, parent_id int REFERENCES ${q(T.parent)}, v text)`);
    await run(`CREATE INDEX ON ${q(T.clean)} (parent_id)`);
    await run(
      `INSERT INTO ${q(T.clean)} (parent_id, v) SELECT 1 + g % 20, 'row ' || g FROM generate_series(1, 2000) g`,
    );

    await run(`CREATE TABLE ${q(T.noPk)} (a int, b text)`);

    await run(`CREATE TABLE ${q(T.invalid)} (id int PRIMARY KEY, code int)`);
    await run(`INSERT INTO ${q(T.invalid)} VALUES (1, 7), (2, 7), (3, 8)`);
    await expect(
      run(`CREATE UNIQUE INDEX CONCURRENTLY ${pgIdent(I.invalid)} ON ${q(T.invalid)} (code)`),
    ).rejects.toThrow(/could not create unique index/);

    await run(`CREATE TABLE ${q(T.dup)} (id int PRIMARY KEY, a int, b int, c int)`);
    for (const [name, cols] of [
      [I.a, '(a)'],
      [I.ab, '(a, b)'],
      [I.dup1, '(b, c)'],
      [I.dup2, '(b, c)'],
      [I.partial, '(a) WHERE c > 0'],
      [I.idA, '(id, a)'],
    ] as const) {
      await run(`CREATE INDEX ${pgIdent(name)} ON ${q(T.dup)} ${cols}`);
    }

    await run(`CREATE TABLE ${q(T.child)} (id int PRIMARY KEY, parent_id int REFERENCES ${q(T.parent)})`);
    await run(`INSERT INTO ${q(T.child)} SELECT g, 1 + g % 20 FROM generate_series(1, 10) g`);

    await run(`CREATE TABLE ${q(T.dead)} (id int, v text) WITH (autovacuum_enabled = false)`);
    await run(`INSERT INTO ${q(T.dead)} SELECT g, 'value ' || g FROM generate_series(1, 20000) g`);
    await run(`DELETE FROM ${q(T.dead)} WHERE id > 5000`);

    await run(`CREATE TABLE ${q(T.never)} (id int, v text) WITH (autovacuum_enabled = false)`);
    await run(`INSERT INTO ${q(T.never)} SELECT g, 'n' || g FROM generate_series(1, 2000) g`);

    await run(`CREATE SEQUENCE ${q(SEQ.big)} AS bigint`);
    await run(
      `CREATE TABLE ${q(T.int4)} (id int4 PRIMARY KEY DEFAULT nextval('${q(SEQ.big).replace(/'/g, "''")}'), v text)`,
    );
    await run(`ALTER SEQUENCE ${q(SEQ.big)} OWNED BY ${q(T.int4)}.id`);
    await run(`SELECT setval('${q(SEQ.big).replace(/'/g, "''")}', 2100000000)`);
    await run(`CREATE SEQUENCE ${q(SEQ.near)} MAXVALUE 1000`);
    await run(`SELECT setval('${q(SEQ.near).replace(/'/g, "''")}', 900)`);

    await run(`CREATE TABLE ${q(T.trig)} (id int PRIMARY KEY, v text)`);
    await run(`CREATE FUNCTION ${q('touch ✓')}() RETURNS trigger LANGUAGE plpgsql AS $f$BEGIN RETURN NEW; END$f$`);
    await run(
      `CREATE TRIGGER ${pgIdent(TRIGGER)} BEFORE INSERT ON ${q(T.trig)} FOR EACH ROW EXECUTE FUNCTION ${q('touch ✓')}()`,
    );
    await run(`CREATE TRIGGER "Trg on" BEFORE UPDATE ON ${q(T.trig)} FOR EACH ROW EXECUTE FUNCTION ${q('touch ✓')}()`);
    await run(`ALTER TABLE ${q(T.trig)} DISABLE TRIGGER ${pgIdent(TRIGGER)}`);

    const columns = Array.from({ length: 60 }, (_, i) => `"c ${i}" int`).join(', ');
    await run(`CREATE TABLE ${q(T.wide)} (id int PRIMARY KEY, ${columns})`);

    // Flush the DML counters before ANALYZE so it is not followed by a late flush counting them again.
    await waitForStats(c, T.dead, { dead: 15_000 });
    await waitForStats(c, T.clean, { live: 2000 });
    await waitForStats(c, T.never, { live: 2000 });
    for (const t of [T.parent, T.clean, T.dead, T.dup, T.child, T.invalid, T.trig, T.wide, T.int4, T.noPk]) {
      await run(`ANALYZE ${q(t)}`);
    }
    await waitForStats(c, T.dead, { dead: 15_000 });
  } finally {
    await c.end();
  }
}

describe('PostgreSQL weekly object checks on planted problems', () => {
  let target: Target;
  let report: InspectionReport;

  beforeAll(async () => {
    await plant();
    target = postgresSuperTarget();
    report = await runChecks(target, POSTGRES_WEEKLY_OBJECT_CHECKS, {
      tier: 'weekly',
      databases: { include: [DB] },
      thresholds: thresholds(),
    });
  });

  it('gives every finding and skip reason in Chinese when the report is in Chinese', async () => {
    const zh = await runChecks(target, POSTGRES_WEEKLY_OBJECT_CHECKS, {
      tier: 'weekly',
      databases: { include: [DB] },
      thresholds: thresholds(),
      language: 'zh',
    });
    expect(new Set(zh.findings.map((f) => f.checkId)).size).toBeGreaterThan(5);
    for (const f of zh.findings) expect(f.message, f.checkId).toMatch(/\p{Script=Han}/u);
    for (const c of zh.checks.filter((x) => x.status === 'skipped'))
      expect(c.reason, c.checkId).toMatch(/\p{Script=Han}/u);
  });

  afterAll(async () => {
    await target?.close();
    await withPgAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${pgIdent(DB)} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${pgIdent(MONITOR)}`);
    });
  });

  /** Findings of a check in the planted database, as `severity object`. */
  const found = (r: InspectionReport, ref: string) =>
    findingsOf(r, ID[ref]!)
      .filter((f) => f.database === DB)
      .map((f) => `${f.severity} ${f.object}`);

  it('runs every database-scoped check in the planted database only, without errors', () => {
    for (const c of POSTGRES_WEEKLY_OBJECT_CHECKS) {
      const outcome = outcomeOf(report, c.id);
      expect(outcome?.status, `${c.id}: ${outcome?.reason}`).not.toBe('error');
      if (c.scope === 'database' && outcome?.status !== 'skipped') expect(outcome?.databases).toEqual([DB]);
    }
  });

  it('PG-W01 flags the table without a primary key', () => {
    expect(found(report, 'PG-W01')).toContain(`warning ${q(T.noPk)}`);
  });

  it('PG-W02 flags the index left invalid by the failed CREATE UNIQUE INDEX CONCURRENTLY', () => {
    expect(found(report, 'PG-W02')).toEqual([`warning ${q(I.invalid)}`]);
  });

  it('PG-W03 waits for 30 days of statistics, then flags never-scanned non-unique indexes', async () => {
    const outcome = outcomeOf(report, ID['PG-W03']!);
    const [{ days }] = (await target.query<{ days: number }>(
      `SELECT extract(epoch FROM now() - COALESCE(stats_reset, pg_postmaster_start_time()))::float8 / 86400 AS days
         FROM pg_stat_database WHERE datname = $1`,
      [DB],
    )) as [{ days: number }];
    if (days < 30) {
      expect(outcome?.status).toBe('skipped');
      expect(outcome?.reason).toMatch(/^index usage statistics cover only \d+\.\d days .*judged after 30 days$/);
    }

    const young = await runChecks(target, [POSTGRES_WEEKLY_OBJECT_CHECKS.find((c) => c.catalogRef === 'PG-W03')!], {
      databases: { include: [DB] },
      thresholds: thresholds({ 'postgres.unused-indexes': { minStatsAgeDays: 0, minIndexBytes: 0 } }),
    });
    const unused = found(young, 'PG-W03');
    for (const name of [I.a, I.ab, I.dup1, I.dup2, I.partial, I.idA]) expect(unused).toContain(`info ${q(name)}`);
    expect(unused.filter((o) => o.includes('pkey') || o.includes(I.invalid))).toEqual([]);
  });

  it('PG-W04 flags the left-prefix and the newer duplicate index, not the partial one or the primary key', () => {
    expect(found(report, 'PG-W04').sort()).toEqual([`warning ${q(I.a)}`, `warning ${q(I.dup2)}`].sort());
    const prefix = findingsOf(report, ID['PG-W04']!).find((f) => f.object === q(I.a));
    expect(prefix?.message).toContain(`is a left prefix of ${q(I.ab)} (a, b)`);
  });

  it('PG-W05 flags the foreign key without an index, not the indexed one', () => {
    expect(found(report, 'PG-W05')).toEqual([`info ${q(T.child)}`]);
  });

  it('PG-W06 estimates the bloat of the table with 75 % deleted rows and not of the freshly loaded one', () => {
    const bloat = findingsOf(report, ID['PG-W06']!).filter((f) => f.database === DB);
    expect(bloat.map((f) => `${f.severity} ${f.object}`)).toEqual([`warning ${q(T.dead)}`]);
    expect(bloat[0]?.message).toMatch(/, (6\d|7\d)\.\d % of its /);
  });

  it('PG-W07 flags the dead tuples and the disabled autovacuum', () => {
    const av = found(report, 'PG-W07');
    expect(av.filter((o) => o === `warning ${q(T.dead)}`)).toHaveLength(2);
    expect(av).toContain(`warning ${q(T.never)}`);
  });

  it('PG-W08 flags the int4 column behind a bigint sequence and the sequence near its MAXVALUE', () => {
    expect(found(report, 'PG-W08').sort()).toEqual(
      [`critical ${pgQualified(SCHEMA, T.int4, 'id')}`, `warning ${q(SEQ.near)}`].sort(),
    );
  });

  it('PG-W09 flags the table with rows that was never analyzed', () => {
    expect(found(report, 'PG-W09')).toEqual([`warning ${q(T.never)}`]);
  });

  it('PG-W10 flags the disabled trigger only', () => {
    expect(found(report, 'PG-W10')).toEqual([`critical ${pgIdent(TRIGGER)} ON ${q(T.trig)}`]);
  });

  it('PG-W11 reads pg_prepared_xacts once for the instance', async () => {
    const outcome = outcomeOf(report, ID['PG-W11']!);
    expect(outcome?.databases).toBeUndefined();
    const [{ max_prepared_transactions: max }] = (await target.query<{ max_prepared_transactions: string }>(
      'SHOW max_prepared_transactions',
    )) as [{ max_prepared_transactions: string }];
    if (Number(max) === 0) expect(outcome?.status).toBe('pass');
  });

  it('PG-W12 flags the wide table and the large one', () => {
    const big = found(report, 'PG-W12');
    expect(big).toContain(`info ${q(T.wide)}`);
    expect(big).toContain(`info ${q(T.dead)}`);
  });

  it('skips, with the reason, bloat and sequence checks for a role that may not read statistics or sequences', async () => {
    const monitor = postgresSuperTarget({ user: MONITOR });
    try {
      const r = await runChecks(
        monitor,
        POSTGRES_WEEKLY_OBJECT_CHECKS.filter((c) => c.catalogRef === 'PG-W06' || c.catalogRef === 'PG-W08'),
        { databases: { include: [DB] }, thresholds: thresholds() },
      );
      expect(outcomeOf(r, ID['PG-W06']!)).toMatchObject({
        status: 'skipped',
        reason: expect.stringMatching(/^no table has complete statistics visible to this role/),
      });
      expect(outcomeOf(r, ID['PG-W08']!)).toMatchObject({
        status: 'skipped',
        reason: '3 sequence(s) cannot be read by this role (needs USAGE or SELECT on them); their usage is unknown',
      });
    } finally {
      await monitor.close();
    }
  });

  it('flags nothing about the clean table', () => {
    const mine = report.findings.filter((f) => f.database === DB);
    expect(mine.length).toBeGreaterThan(10);
    expect(mine.filter((f) => f.object.includes(T.clean))).toEqual([]);
  });
});
