import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCheck, Evaluation, FindingDraft, QuerySpec } from '../../check.types.js';
import { postgresAutovacuumLag } from './autovacuum-lag.check.js';
import { postgresDisabledTriggers } from './disabled-triggers.check.js';
import { postgresInvalidIndexes } from './invalid-indexes.check.js';
import { postgresLargeTables } from './large-tables.check.js';
import { postgresMissingStatistics } from './missing-statistics.check.js';
import { postgresPreparedTransactions } from './prepared-transactions.check.js';
import { postgresRedundantIndexes } from './redundant-indexes.check.js';
import { postgresSequenceExhaustion } from './sequence-exhaustion.check.js';
import { postgresTableBloat } from './table-bloat.check.js';
import { postgresUnindexedForeignKeys } from './unindexed-foreign-keys.check.js';
import { postgresUnusedIndexes } from './unused-indexes.check.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Parses raw driver rows through the check's own row schemas, then evaluates with defaults merged with `overrides`. */
function evaluate(
  check: AnyCheck,
  raw: Record<string, unknown[]>,
  overrides: Record<string, unknown> = {},
): Evaluation {
  const rows: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(check.queries as Record<string, QuerySpec<unknown>>)) {
    rows[name] = z.array(q.row).parse(raw[name] ?? []);
  }
  return check.evaluate(rows, {
    server: {
      engine: 'postgres',
      flavor: 'postgres',
      version: '15.20',
      versionNum: 150020,
      versionString: '15.20',
      role: 'primary',
      uptimeSeconds: 3600,
      readOnly: false,
    },
    window: { from: daysAgo(7), to: NOW },
    now: NOW,
    instance: { name: 'pg-prod-1' },
    database: 'app',
    thresholds: { ...(check.thresholds.defaults as Record<string, unknown>), ...overrides },
  });
}

function findings(e: Evaluation): FindingDraft[] {
  if (!Array.isArray(e)) throw new Error(`expected findings, got ${JSON.stringify(e)}`);
  return e;
}
/** `severity object` per finding, the shape most cases assert. */
const verdicts = (e: Evaluation) => findings(e).map((f) => `${f.severity} ${f.object}`);

describe('postgres.invalid-indexes', () => {
  const row = (over: Record<string, unknown> = {}) => ({
    schema_name: 'app',
    table_name: 'Orders',
    index_name: 'orders_ref_ccnew',
    partitioned: false,
    ready: true,
    index_bytes: '827392',
    ...over,
  });
  it.each([
    ['no invalid index', [], []],
    ['a ready leftover of REINDEX CONCURRENTLY', [row()], ['warning "app"."orders_ref_ccnew"']],
    [
      'a failed unique build',
      [row({ index_name: 'u "x"', ready: false, index_bytes: '0' })],
      ['warning "app"."u ""x"""'],
    ],
  ])('%s', (_name, main, expected) => {
    expect(verdicts(evaluate(postgresInvalidIndexes, { main }))).toEqual(expected);
  });
  it('explains what each kind of invalid index costs', () => {
    const [ready, notReady, partitioned] = findings(
      evaluate(postgresInvalidIndexes, {
        main: [row(), row({ ready: false }), row({ partitioned: true, index_bytes: null })],
      }),
    );
    expect(ready?.message).toBe(
      'index "app"."orders_ref_ccnew" on "app"."Orders" is INVALID: the planner ignores it but every write still maintains it',
    );
    expect(ready?.value).toBe(827392);
    expect(notReady?.message).toMatch(/neither used nor maintained/);
    expect(partitioned?.message).toMatch(/not every partition has an attached index/);
    expect(partitioned?.value).toBeUndefined();
  });
});

describe('postgres.unused-indexes', () => {
  const stats = (over: Record<string, unknown> = {}) => ({
    stats_reset: null,
    postmaster_start: daysAgo(40),
    database_bytes: String(10 * GiB),
    ...over,
  });
  const idx = (name: string, bytes: number, over: Record<string, unknown> = {}) => ({
    schema_name: 'app',
    table_name: 'events',
    index_name: name,
    idx_scan: '0',
    index_bytes: String(bytes),
    last_idx_scan: null,
    ...over,
  });

  it.each([
    ['nothing unused', [stats()], [], []],
    ['a 2 MiB unused index → info', [stats()], [idx('ev_a', 2 * MiB)], ['info "app"."ev_a"']],
    ['below the size floor → nothing', [stats()], [idx('ev_tiny', 8192)], []],
    [
      '≥ 0.5 % of the database and ≥ 100 MiB → warning',
      [stats()],
      [idx('ev_big', 200 * MiB)],
      ['warning "app"."ev_big"'],
    ],
    [
      '≥ 100 MiB but under 0.5 % of a large database → info',
      [stats({ database_bytes: String(100 * GiB) })],
      [idx('ev_big', 200 * MiB)],
      ['info "app"."ev_big"'],
    ],
    [
      'stats reset exactly 30 days ago is old enough',
      [stats({ stats_reset: daysAgo(30), postmaster_start: daysAgo(400) })],
      [idx('ev_a', 2 * MiB)],
      ['info "app"."ev_a"'],
    ],
    [
      'PG16: scanned, but last scan 45 days ago → info even with young statistics',
      [stats({ postmaster_start: daysAgo(2) })],
      [idx('ev_old', 2 * MiB, { idx_scan: '17', last_idx_scan: daysAgo(45) })],
      ['info "app"."ev_old"'],
    ],
    [
      'PG16: last scan 10 days ago → nothing',
      [stats()],
      [idx('ev_recent', 2 * MiB, { idx_scan: '3', last_idx_scan: daysAgo(10) })],
      [],
    ],
  ])('%s', (_name, statsRows, main, expected) => {
    expect(verdicts(evaluate(postgresUnusedIndexes, { stats: statsRows, main }))).toEqual(expected);
  });

  it('skips with the reason while the statistics are younger than the threshold', () => {
    const e = evaluate(postgresUnusedIndexes, {
      stats: [stats({ stats_reset: daysAgo(10), postmaster_start: daysAgo(100) })],
      main: [idx('ev_a', 2 * MiB)],
    });
    expect(e).toEqual({
      skipped: `index usage statistics cover only 10.0 days (since ${daysAgo(10).toISOString()} (statistics reset)); unused indexes are judged after 30 days`,
    });
  });

  it('says since when the index has not been scanned', () => {
    const [f] = findings(evaluate(postgresUnusedIndexes, { stats: [stats()], main: [idx('ev_a', 2 * MiB)] }));
    expect(f?.message).toBe(
      `index "app"."ev_a" on "app"."events" (2.0 MiB, 0.02 % of the database) has not been scanned since ${daysAgo(40).toISOString()} (server start), 40 days`,
    );
    expect(f?.value).toBe(2 * MiB);
  });

  it('skips when pg_stat_database has no row', () => {
    expect(evaluate(postgresUnusedIndexes, { stats: [], main: [] })).toHaveProperty('skipped');
  });
});

describe('postgres.redundant-indexes', () => {
  const pair = (index: string, covering: string, over: Record<string, unknown> = {}) => ({
    schema_name: 'app',
    table_name: 'orders',
    index_name: index,
    covering_index: covering,
    index_columns: 'customer_id',
    covering_columns: 'customer_id, created_at',
    same_columns: false,
    is_unique: false,
    predicate: null,
    backs_constraint: false,
    index_bytes: '16384',
    ...over,
  });

  it('reports a left-prefix index once even when several indexes cover it', () => {
    const e = evaluate(postgresRedundantIndexes, {
      main: [
        pair('o_cust', 'o_cust_created'),
        pair('o_cust', 'o_cust_status', { covering_columns: 'customer_id, status' }),
      ],
    });
    expect(verdicts(e)).toEqual(['warning "app"."o_cust"']);
    expect(findings(e)[0]?.message).toBe(
      'index "app"."o_cust" (16 KiB) on "app"."orders" (customer_id) is a left prefix of "app"."o_cust_created" (customer_id, created_at) and 1 more',
    );
    expect(findings(e)[0]?.evidence).toHaveLength(2);
  });

  it('names a duplicate as such, in preference to a longer covering index', () => {
    const e = evaluate(postgresRedundantIndexes, {
      main: [
        pair('o_cust_2', 'o_cust_created'),
        pair('o_cust_2', 'o_cust', { same_columns: true, covering_columns: 'customer_id' }),
      ],
    });
    expect(findings(e)[0]?.message).toMatch(
      /^index "app"."o_cust_2" \(16 KiB\) on "app"."orders" duplicates "app"."o_cust" and 1 more$/,
    );
  });

  it('warns that a constraint-backed duplicate must be removed through its constraint', () => {
    const e = evaluate(postgresRedundantIndexes, {
      main: [pair('uq_code', 'code_key', { same_columns: true, is_unique: true, backs_constraint: true })],
    });
    expect(findings(e)[0]?.message).toMatch(/it backs a constraint, drop that instead$/);
  });

  it('passes without rows', () => {
    expect(evaluate(postgresRedundantIndexes, { main: [] })).toEqual([]);
  });
});

describe('postgres.unindexed-foreign-keys', () => {
  const fk = (rows: string) => ({
    schema_name: 'app',
    table_name: 'order lines',
    constraint_name: 'fk "order"',
    columns: ['order_id', 'Line No'],
    referenced_schema: 'app',
    referenced_table: 'orders',
    estimated_rows: rows,
  });
  it.each([
    ['below the row threshold', [fk('999')], {}, []],
    ['at the row threshold → info', [fk('1000')], {}, ['info "app"."order lines"']],
    ['threshold lowered to 0 reports empty tables', [fk('0')], { minRows: 0 }, ['info "app"."order lines"']],
  ])('%s', (_name, main, overrides, expected) => {
    expect(verdicts(evaluate(postgresUnindexedForeignKeys, { main }, overrides))).toEqual(expected);
  });
  it('names the constraint, its columns and the referenced table', () => {
    const [f] = findings(evaluate(postgresUnindexedForeignKeys, { main: [fk('25000')] }));
    expect(f?.message).toBe(
      'foreign key "fk ""order""" on "app"."order lines" ("order_id", "Line No") → "app"."orders" has no index leading with its columns; the table has about 25000 rows',
    );
    expect(f).toMatchObject({ value: 25000, threshold: 1000 });
  });
});

describe('postgres.table-bloat', () => {
  const t = (name: string, table: number, bloat: number, isNa = false) => ({
    schema_name: 'app',
    table_name: name,
    estimated_rows: '1200000',
    tuple_bytes: 96,
    fillfactor: 100,
    is_na: isNa,
    table_bytes: String(table),
    bloat_bytes: String(bloat),
  });
  it.each([
    ['1.5 GiB of 5 GiB (30 %) → warning', [t('a', 5 * GiB, 1.5 * GiB)], ['warning "app"."a"']],
    ['6 GiB of 10 GiB → critical', [t('b', 10 * GiB, 6 * GiB)], ['critical "app"."b"']],
    ['2 GiB but only 10 % → nothing', [t('c', 20 * GiB, 2 * GiB)], []],
    ['exactly 1 GiB and 20 % → warning', [t('d', 5 * GiB, 1 * GiB)], ['warning "app"."d"']],
    ['under 1 GiB → nothing', [t('e', 2 * GiB, 0.9 * GiB)], []],
    [
      'rows without visible statistics are not judged',
      [t('f', 2 * GiB, 1.5 * GiB), t('g', 10 * GiB, 9 * GiB, true)],
      ['warning "app"."f"'],
    ],
    ['no tables', [], []],
  ])('%s', (_name, main, expected) => {
    expect(verdicts(evaluate(postgresTableBloat, { main }))).toEqual(expected);
  });
  it('skips when no table has statistics it may read', () => {
    expect(evaluate(postgresTableBloat, { main: [t('g', 10 * GiB, 9 * GiB, true)] })).toEqual({
      skipped:
        'no table has complete statistics visible to this role (1 checked); run ANALYZE or grant SELECT so pg_stats shows them',
    });
  });
  it('reports size and share', () => {
    const [f] = findings(evaluate(postgresTableBloat, { main: [t('a', 5 * GiB, 1.5 * GiB)] }));
    expect(f?.message).toBe(
      'table "app"."a" has an estimated 1.5 GiB of bloat, 30.0 % of its 5.0 GiB (≥ 1.0 GiB and ≥ 20 %)',
    );
    expect(f).toMatchObject({ value: 1.5 * GiB, threshold: GiB });
  });
});

describe('postgres.autovacuum-lag', () => {
  const t = (over: Record<string, unknown>) => ({
    schema_name: 'app',
    table_name: 'queue',
    live_tuples: '5000',
    dead_tuples: '0',
    options: null,
    toast_options: null,
    last_autovacuum: null,
    last_vacuum: null,
    autovacuum_count: '0',
    ...over,
  });
  it.each([
    ['15 000 dead of 20 000 → warning', [t({ dead_tuples: '15000' })], ['warning "app"."queue"']],
    ['exactly 10 000 dead is not more than 10 000', [t({ dead_tuples: '10000', live_tuples: '100' })], []],
    ['20 % dead exactly is not more than 20 %', [t({ dead_tuples: '20000', live_tuples: '80000' })], []],
    ['many dead but a small share', [t({ dead_tuples: '50000', live_tuples: '10000000' })], []],
    [
      'autovacuum_enabled=off',
      [t({ options: ['fillfactor=90', 'autovacuum_enabled=off'] })],
      ['warning "app"."queue"'],
    ],
    [
      'autovacuum_enabled=FALSE on the table',
      [t({ options: ['autovacuum_enabled=FALSE'] })],
      ['warning "app"."queue"'],
    ],
    ['toast.autovacuum_enabled=0', [t({ toast_options: ['autovacuum_enabled=0'] })], ['warning "app"."queue"']],
    ['autovacuum_enabled=true', [t({ options: ['autovacuum_enabled=true'] })], []],
    ['autovacuum_enabled=on', [t({ options: ['autovacuum_enabled=on'] })], []],
    [
      'both problems → two findings',
      [t({ dead_tuples: '15000', options: ['autovacuum_enabled=false'] })],
      ['warning "app"."queue"', 'warning "app"."queue"'],
    ],
  ])('%s', (_name, main, expected) => {
    expect(verdicts(evaluate(postgresAutovacuumLag, { main }))).toEqual(expected);
  });
  it('describes the lag and where autovacuum is off', () => {
    const [lag, off] = findings(
      evaluate(postgresAutovacuumLag, {
        main: [
          t({
            dead_tuples: '15000',
            last_vacuum: new Date('2026-11-01T00:00:00Z'),
            options: ['autovacuum_enabled=no'],
            toast_options: ['autovacuum_enabled=f'],
          }),
        ],
      }),
    );
    expect(lag?.message).toBe(
      'table "app"."queue" has 15000 dead tuples, 75.0 % of all (> 10000 and > 20 %); last vacuumed 2026-11-01T00:00:00.000Z',
    );
    expect(off?.message).toBe(
      'autovacuum is disabled for table "app"."queue" and its TOAST table (autovacuum_enabled=no, toast.autovacuum_enabled=f)',
    );
  });
});

describe('postgres.sequence-exhaustion', () => {
  const seq = (over: Record<string, unknown>) => ({
    schema_name: 'app',
    sequence_name: 'orders_id_seq',
    data_type: 'bigint',
    min_value: '1',
    max_value: '9223372036854775807',
    increment_by: '1',
    cycle: false,
    last_value: '1000',
    readable: true,
    table_schema: null,
    table_name: null,
    column_name: null,
    column_type: null,
    column_min: null,
    column_max: null,
    ...over,
  });
  const int4Column = {
    table_schema: 'app',
    table_name: 'orders',
    column_name: 'id',
    column_type: 'integer',
    column_min: -2147483648,
    column_max: 2147483647,
  };
  it.each([
    ['a young bigint sequence', [seq({})], []],
    [
      'bigint sequence feeding int4 at 2.1e9 → critical on the column',
      [seq({ last_value: '2100000000', ...int4Column })],
      ['critical "app"."orders"."id"'],
    ],
    [
      'bigint sequence feeding int4 at 1.9e9 → warning',
      [seq({ last_value: '1900000000', ...int4Column })],
      ['warning "app"."orders"."id"'],
    ],
    [
      'smallint column at 32 000 → critical',
      [
        seq({
          last_value: '32000',
          table_schema: 'app',
          table_name: 't',
          column_name: 'n',
          column_type: 'smallint',
          column_min: -32768,
          column_max: 32767,
        }),
      ],
      ['critical "app"."t"."n"'],
    ],
    [
      'sequence at 900 of MAXVALUE 1000 → warning',
      [seq({ max_value: '1000', last_value: '900' })],
      ['warning "app"."orders_id_seq"'],
    ],
    [
      'sequence at 960 of 1000 → critical',
      [seq({ max_value: '1000', last_value: '960' })],
      ['critical "app"."orders_id_seq"'],
    ],
    ['a cycling sequence near its own max', [seq({ max_value: '1000', last_value: '990', cycle: true })], []],
    [
      'int4 sequence on an int4 column is judged once, as the sequence',
      [seq({ data_type: 'integer', max_value: '2147483647', last_value: '2100000000', ...int4Column })],
      ['critical "app"."orders_id_seq"'],
    ],
    [
      'descending sequence near MINVALUE',
      [seq({ min_value: '-1000', max_value: '-1', increment_by: '-1', last_value: '-950' })],
      ['warning "app"."orders_id_seq"'],
    ],
    ['never used (last_value NULL)', [seq({ last_value: null })], []],
    [
      'a sequence feeding two columns is judged once for its own range',
      [
        seq({ max_value: '1000', last_value: '990', ...int4Column }),
        seq({ max_value: '1000', last_value: '990', ...int4Column, table_name: 'orders_archive' }),
      ],
      ['critical "app"."orders_id_seq"'],
    ],
  ])('%s', (_name, main, expected) => {
    expect(verdicts(evaluate(postgresSequenceExhaustion, { main }))).toEqual(expected);
  });
  it('explains a column nearing its type limit', () => {
    const [f] = findings(
      evaluate(postgresSequenceExhaustion, { main: [seq({ last_value: '2100000000', ...int4Column })] }),
    );
    expect(f?.message).toBe(
      `column "app"."orders"."id" (integer) is fed by sequence "app"."orders_id_seq" (bigint) whose last value 2100000000 has used 97.8 % of the column type's range (limit 2147483647) (≥ 95 %)`,
    );
    expect(f).toMatchObject({ value: 97.79, threshold: 95 });
  });
  it('skips when the role cannot read any sequence that could be judged', () => {
    expect(evaluate(postgresSequenceExhaustion, { main: [seq({ readable: false, last_value: null })] })).toEqual({
      skipped: '1 sequence(s) cannot be read by this role (needs USAGE or SELECT on them); their usage is unknown',
    });
  });
});

describe('postgres.missing-statistics', () => {
  const t = (over: Record<string, unknown>) => ({
    schema_name: 'app',
    table_name: 'imports',
    estimated_rows: '2000',
    modified_since_analyze: '2000',
    last_analyzed: null,
    ...over,
  });
  it.each([
    ['never analyzed with 2000 rows → warning', [t({})], ['warning "app"."imports"']],
    ['never analyzed with 999 rows', [t({ estimated_rows: '999' })], []],
    [
      'analyzed, 30 000 of 100 000 rows modified since → info',
      [t({ estimated_rows: '100000', modified_since_analyze: '30000', last_analyzed: daysAgo(3) })],
      ['info "app"."imports"'],
    ],
    [
      'analyzed, 15 000 of 100 000 modified (15 %)',
      [t({ estimated_rows: '100000', modified_since_analyze: '15000', last_analyzed: daysAgo(3) })],
      [],
    ],
    [
      'analyzed, 9 999 modified of 10 000',
      [t({ estimated_rows: '10000', modified_since_analyze: '9999', last_analyzed: daysAgo(3) })],
      [],
    ],
  ])('%s', (_name, main, expected) => {
    expect(verdicts(evaluate(postgresMissingStatistics, { main }))).toEqual(expected);
  });
  it('says the table was never analyzed', () => {
    const [f] = findings(evaluate(postgresMissingStatistics, { main: [t({})] }));
    expect(f?.message).toBe('table "app"."imports" has about 2000 rows and has never been analyzed (≥ 1000 rows)');
  });
});

describe('postgres.disabled-triggers', () => {
  const trg = (name: string) => ({
    schema_name: 'app',
    table_name: 'Orders',
    trigger_name: name,
    function_schema: 'audit',
    function_name: 'log_change',
  });
  it.each([
    ['none disabled', [], {}, []],
    [
      'one disabled → critical with the defaults (1 / 1)',
      [trg("audit 'x'")],
      {},
      [`critical "audit 'x'" ON "app"."Orders"`],
    ],
    [
      'two disabled, warn 1 / crit 3 → warnings',
      [trg('a'), trg('b')],
      { critCount: 3 },
      ['warning "a" ON "app"."Orders"', 'warning "b" ON "app"."Orders"'],
    ],
    ['one disabled, warn 2 → nothing', [trg('a')], { warnCount: 2, critCount: 3 }, []],
  ])('%s', (_name, main, overrides, expected) => {
    expect(verdicts(evaluate(postgresDisabledTriggers, { main }, overrides))).toEqual(expected);
  });
});

describe('postgres.prepared-transactions', () => {
  const px = (gid: string, age: number) => ({
    gid,
    database: 'app',
    owner: 'app_rw',
    xid: '734',
    prepared: new Date(NOW.getTime() - age * 1000),
    age_seconds: age,
  });
  it.each([
    ['none', [], []],
    ['0.5 s old', [px('x1', 0.5)], []],
    ['5 s old → warning', [px('x1', 5)], ["warning 'x1'"]],
    ['exactly 30 s → critical, gid quoted as a literal', [px("tx'9", 30)], ["critical 'tx''9'"]],
  ])('%s', (_name, main, expected) => {
    expect(verdicts(evaluate(postgresPreparedTransactions, { main }))).toEqual(expected);
  });
});

describe('postgres.large-tables', () => {
  const t = (name: string, bytes: number | null, columns: number, dropped = 0) => ({
    schema_name: 'app',
    table_name: name,
    total_bytes: bytes === null ? null : String(bytes),
    columns: String(columns),
    dropped_columns: String(dropped),
  });
  it.each([
    ['small and narrow', [t('a', 10 * GiB, 12)], []],
    ['60 GiB → info', [t('b', 60 * GiB, 12)], ['info "app"."b"']],
    ['50 columns → info', [t('c', GiB, 50)], ['info "app"."c"']],
    ['large and wide → two findings', [t('d', 120 * GiB, 250)], ['info "app"."d"', 'info "app"."d"']],
    ['size unknown (dropped meanwhile)', [t('e', null, 3)], []],
  ])('%s', (_name, main, expected) => {
    expect(verdicts(evaluate(postgresLargeTables, { main }))).toEqual(expected);
  });
  it('labels the second level and counts dropped columns', () => {
    const [size, width] = findings(evaluate(postgresLargeTables, { main: [t('d', 120 * GiB, 250, 7)] }));
    expect(size?.message).toBe('table "app"."d" is very large: 120.0 GiB with indexes and TOAST (≥ 100.0 GiB)');
    expect(width?.message).toBe('table "app"."d" is very wide: 250 columns plus 7 dropped (≥ 200)');
    expect(width).toMatchObject({ value: 250, threshold: 200 });
  });
});
