import { describe, expect, it } from 'vitest';
import type { AnyCheck, Evaluation } from '../../check.types.js';
import { toTexts } from '../../check.types.js';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
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

const { evaluate: run, findings } = checkEvaluator({
  server,
  window: { from: daysAgo(7), to: NOW },
  now: NOW,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});
/** Evaluates with the check's defaults merged with `thresholds`. */
const evaluate = (check: AnyCheck, raw: Record<string, unknown[]>, thresholds: Record<string, unknown> = {}) =>
  run(check, raw, { thresholds });
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
    expect(toTexts(ready!.message).en).toBe(
      'index "app"."orders_ref_ccnew" on "app"."Orders" is INVALID: the planner ignores it but every write still maintains it',
    );
    expect(ready?.value).toBe(827392);
    expect(toTexts(notReady!.message).en).toMatch(/neither used nor maintained/);
    expect(toTexts(partitioned!.message).en).toMatch(/not every partition has an attached index/);
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

  it.each([
    ['warnBytes 10 MiB makes a 60 MiB index (0.6 % of 10 GiB) a warning', { warnBytes: 10 * MiB }, 60 * MiB, 'warning'],
    [
      'warnDatabasePercent 50 keeps a 200 MiB index of a 10 GiB database info',
      { warnDatabasePercent: 50 },
      200 * MiB,
      'info',
    ],
  ] as const)('renamed thresholds: %s', (_name, thresholds, bytes, severity) => {
    const out = findings(evaluate(postgresUnusedIndexes, { stats: [stats()], main: [idx('ev_a', bytes)] }, thresholds));
    expect(out.map((f) => f.severity)).toEqual([severity]);
  });

  it('skips with the reason while the statistics are younger than the threshold', () => {
    const e = evaluate(postgresUnusedIndexes, {
      stats: [stats({ stats_reset: daysAgo(10), postmaster_start: daysAgo(100) })],
      main: [idx('ev_a', 2 * MiB)],
    });
    expect(e).toEqual({
      skipped: {
        en: `index usage statistics cover only 10.0 days (since ${daysAgo(10).toISOString()} (statistics reset)); unused indexes are judged after 30 days`,
        zh: expect.any(String),
      },
    });
  });

  it('says since when the index has not been scanned', () => {
    const [f] = findings(evaluate(postgresUnusedIndexes, { stats: [stats()], main: [idx('ev_a', 2 * MiB)] }));
    expect(toTexts(f!.message).en).toBe(
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
    expect(toTexts(findings(e)[0]!.message).en).toBe(
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
    expect(toTexts(findings(e)[0]!.message).en).toMatch(
      /^index "app"."o_cust_2" \(16 KiB\) on "app"."orders" duplicates "app"."o_cust" and 1 more$/,
    );
  });

  it('warns that a constraint-backed duplicate must be removed through its constraint', () => {
    const e = evaluate(postgresRedundantIndexes, {
      main: [pair('uq_code', 'code_key', { same_columns: true, is_unique: true, backs_constraint: true })],
    });
    expect(toTexts(findings(e)[0]!.message).en).toMatch(/it backs a constraint, drop that instead$/);
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
    expect(toTexts(f!.message).en).toBe(
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
  it.each([
    [
      'minBloatPercent 5 lets 2 GiB at 10 % through',
      { minBloatPercent: 5 },
      [t('c', 20 * GiB, 2 * GiB)],
      ['warning "app"."c"'],
    ],
    ['minBloatPercent 40 holds back 1.5 GiB at 30 %', { minBloatPercent: 40 }, [t('a', 5 * GiB, 1.5 * GiB)], []],
  ] as const)('renamed thresholds: %s', (_name, thresholds, main, expected) => {
    expect(verdicts(evaluate(postgresTableBloat, { main: [...main] }, thresholds))).toEqual(expected);
  });

  it('skips when no table has statistics it may read', () => {
    expect(evaluate(postgresTableBloat, { main: [t('g', 10 * GiB, 9 * GiB, true)] })).toEqual({
      skipped: {
        en: 'no table has complete statistics visible to this role (1 checked); run ANALYZE or grant SELECT so pg_stats shows them',
        zh: expect.any(String),
      },
    });
  });
  it('reports size and share', () => {
    const [f] = findings(evaluate(postgresTableBloat, { main: [t('a', 5 * GiB, 1.5 * GiB)] }));
    expect(toTexts(f!.message).en).toBe(
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
    expect(toTexts(lag!.message).zh).toBe(
      '表 "app"."queue" 有 15000 个死元组，占全部元组的 75.0%（> 10000 且 > 20%）；最近一次清理：2026-11-01T00:00:00.000Z',
    );
    expect(toTexts(off!.message).zh).toBe(
      '表 "app"."queue" 及其 TOAST 表禁用了 autovacuum（autovacuum_enabled=no, toast.autovacuum_enabled=f）',
    );
    expect(toTexts(lag!.message).en).toBe(
      'table "app"."queue" has 15000 dead tuples, 75.0 % of all (> 10000 and > 20 %); last vacuumed 2026-11-01T00:00:00.000Z',
    );
    expect(toTexts(off!.message).en).toBe(
      'autovacuum is disabled for table "app"."queue" and its TOAST table (autovacuum_enabled=no, toast.autovacuum_enabled=f)',
    );
  });
});

describe('postgres.autovacuum-lag thresholds', () => {
  const t = (dead: string, live: string) => ({
    schema_name: 'app',
    table_name: 'queue',
    live_tuples: live,
    dead_tuples: dead,
    options: null,
    toast_options: null,
    last_autovacuum: null,
    last_vacuum: null,
    autovacuum_count: '0',
  });
  it.each([
    ['warnDeadPercent 10 flags 15 % dead', { warnDeadPercent: 10 }, t('15000', '85000'), ['warning "app"."queue"']],
    ['warnDeadPercent 80 clears 75 % dead', { warnDeadPercent: 80 }, t('15000', '5000'), []],
  ] as const)('renamed thresholds: %s', (_name, thresholds, row, expected) => {
    expect(verdicts(evaluate(postgresAutovacuumLag, { main: [row] }, thresholds))).toEqual(expected);
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
    expect(toTexts(f!.message).en).toBe(
      `column "app"."orders"."id" (integer) is fed by sequence "app"."orders_id_seq" (bigint) whose last value 2100000000 has used 97.8 % of the column type's range (limit 2147483647) (≥ 95 %)`,
    );
    expect(f).toMatchObject({ value: 97.79, threshold: 95 });
  });
  it.each([
    ['warnPercent 50 flags a sequence at 70 %', { warnPercent: 50 }, '70', ['warning "app"."s"']],
    ['critPercent 60 makes it critical', { critPercent: 60 }, '70', ['critical "app"."s"']],
    ['warnPercent 95 clears 90 %', { warnPercent: 95, critPercent: 99 }, '90', []],
  ] as const)('renamed thresholds: %s', (_name, thresholds, last, expected) => {
    const small = seq({ sequence_name: 's', data_type: 'integer', max_value: '100', last_value: last });
    expect(verdicts(evaluate(postgresSequenceExhaustion, { main: [small] }, thresholds))).toEqual(expected);
  });

  it('skips when the role cannot read any sequence that could be judged', () => {
    expect(evaluate(postgresSequenceExhaustion, { main: [seq({ readable: false, last_value: null })] })).toEqual({
      skipped: {
        en: '1 sequence(s) cannot be read by this role (needs USAGE or SELECT on them); their usage is unknown',
        zh: expect.any(String),
      },
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
  it.each([
    ['staleModifiedPercent 10 reports 15 % modified', { staleModifiedPercent: 10 }, '15000', ['info "app"."imports"']],
    ['staleModifiedCount 40000 holds back 30 000 modified', { staleModifiedCount: 40_000 }, '30000', []],
  ] as const)('renamed thresholds: %s', (_name, thresholds, modified, expected) => {
    const row = t({ estimated_rows: '100000', modified_since_analyze: modified, last_analyzed: daysAgo(3) });
    expect(verdicts(evaluate(postgresMissingStatistics, { main: [row] }, thresholds))).toEqual(expected);
  });

  it('says the table was never analyzed', () => {
    const [f] = findings(evaluate(postgresMissingStatistics, { main: [t({})] }));
    expect(toTexts(f!.message).en).toBe(
      'table "app"."imports" has about 2000 rows and has never been analyzed (≥ 1000 rows)',
    );
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
  it.each([
    ['minLargeBytes 5 GiB reports a 10 GiB table', { minLargeBytes: 5 * GiB }, t('a', 10 * GiB, 12), 'large'],
    [
      'minVeryLargeBytes 8 GiB calls it very large',
      { minLargeBytes: 5 * GiB, minVeryLargeBytes: 8 * GiB },
      t('a', 10 * GiB, 12),
      'very large',
    ],
    ['minWideColumns 10 reports 12 columns', { minWideColumns: 10 }, t('a', GiB, 12), 'wide'],
    [
      'minVeryWideColumns 11 calls them very wide',
      { minWideColumns: 10, minVeryWideColumns: 11 },
      t('a', GiB, 12),
      'very wide',
    ],
  ] as const)('renamed thresholds: %s', (_name, thresholds, row, label) => {
    const [f, ...rest] = findings(evaluate(postgresLargeTables, { main: [row] }, thresholds));
    expect(rest).toEqual([]);
    expect(toTexts(f!.message).en).toContain(`is ${label}:`);
  });

  it('labels the second level and counts dropped columns', () => {
    const [size, width] = findings(evaluate(postgresLargeTables, { main: [t('d', 120 * GiB, 250, 7)] }));
    expect(toTexts(size!.message).en).toBe(
      'table "app"."d" is very large: 120.0 GiB with indexes and TOAST (≥ 100.0 GiB)',
    );
    expect(width!.message).toEqual({
      en: 'table "app"."d" is very wide: 250 columns plus 7 dropped (≥ 200)',
      zh: '表 "app"."d" 列数非常多：250 列，另有 7 个已删除的列（≥ 200）',
    });
    expect(width).toMatchObject({ value: 250, threshold: 200 });
  });
});
