import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11, MYSQL_8_0 } from '../../../test/check-evaluator.js';
import { toTexts, type AnyCheck, type Evaluation, type Message, type ServerFacts } from '../../check.types.js';
import { MYSQL_WEEKLY_OBJECT_CHECKS } from '../weekly-objects.list.js';
import { autoIncrementMax } from './auto-increment-limits.js';
import { mysqlAutoIncrementExhaustion } from './auto-increment-exhaustion.check.js';
import { mysqlFragmentedTables } from './fragmented-tables.check.js';
import { mysqlLargeTables } from './large-tables.check.js';
import { mysqlNonInnodbTables } from './non-innodb-tables.check.js';
import { mysqlOrphanDefiners } from './orphan-definers.check.js';
import { mysqlOverIndexedTables } from './over-indexed-tables.check.js';
import { findRedundantIndexes, parseKeyParts, type IndexDef, type KeyPart } from './index-redundancy.js';
import { mysqlRedundantIndexes } from './redundant-indexes.check.js';
import { mysqlSchemaCharset } from './schema-charset.check.js';
import { mysqlTablesWithoutPrimaryKey } from './tables-without-primary-key.check.js';
import { mysqlUnusedIndexes } from './unused-indexes.check.js';

const en = (m: Message | undefined): string | undefined => (m === undefined ? undefined : toTexts(m).en);

const NOW = new Date('2026-11-20T10:00:00Z');
const DAY = 86_400;
const MARIADB: ServerFacts = { ...MARIADB_10_11, uptimeSeconds: 40 * DAY };
const MYSQL: ServerFacts = { ...MYSQL_8_0, uptimeSeconds: 40 * DAY };

/** Parses raw driver rows through each query's row schema, then evaluates with a fixed clock and window. */
const { evaluate, findings, skipped } = checkEvaluator({
  server: MARIADB,
  window: { from: new Date(NOW.getTime() - 7 * DAY * 1000), to: NOW },
  now: NOW,
  instanceName: 'db-01',
  requireBothLanguages: true,
});
const run = (
  check: AnyCheck,
  raw: Record<string, unknown[]>,
  opts: { server?: Partial<ServerFacts>; thresholds?: Record<string, unknown> } = {},
): Evaluation =>
  evaluate(check, raw, {
    server: { ...MARIADB, ...opts.server },
    ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
  });

const brief = (result: Evaluation) => findings(result).map((f) => [f.severity, f.object]);

describe('MYSQL_WEEKLY_OBJECT_CHECKS', () => {
  it('lists MY-W01 … MY-W10 once each, in catalog order, as weekly MySQL/MariaDB object checks', () => {
    expect(MYSQL_WEEKLY_OBJECT_CHECKS.map((c) => c.catalogRef)).toEqual(
      Array.from({ length: 10 }, (_, i) => `MY-W${String(i + 1).padStart(2, '0')}`),
    );
    for (const c of MYSQL_WEEKLY_OBJECT_CHECKS) {
      expect([c.engine, c.tier, c.category, c.scope]).toEqual(['mysql', 'weekly', 'objects', 'instance']);
      expect(c.flavors).toEqual(['mysql', 'mariadb']);
      expect(c.thresholds.schema.safeParse(c.thresholds.defaults).success).toBe(true);
    }
  });
});

describe('MY-W01 tables without primary key', () => {
  it.each([
    ['no rows: pass', [], []],
    [
      'driver strings, awkward names quoted',
      [
        { table_schema: 'dbp 巡检 o`x', table_name: "no pk ' % ;", engine: 'InnoDB', table_rows: '12345' },
        { table_schema: 'app', table_name: 'log', engine: 'MyISAM', table_rows: null },
      ],
      [
        ['warning', "`dbp 巡检 o``x`.`no pk ' % ;`"],
        ['warning', '`app`.`log`'],
      ],
    ],
  ])('%s', (_name, main, expected) => {
    expect(brief(run(mysqlTablesWithoutPrimaryKey, { main }))).toEqual(expected);
  });

  it('says what is missing and how many rows the table holds', () => {
    const [f] = findings(
      run(mysqlTablesWithoutPrimaryKey, {
        main: [{ table_schema: 'a', table_name: 't', engine: 'InnoDB', table_rows: '7' }],
      }),
    );
    expect(en(f?.message)).toBe(
      'table `a`.`t` (InnoDB, ~7 rows) has no primary key and no unique key on NOT NULL columns',
    );
    expect(f?.value).toBe(7);
  });
});

describe('MY-W02 parseKeyParts', () => {
  it.each<[string, string, number, KeyPart[] | undefined]>([
    ['one column', '1:a::A', 1, [{ name: 'a', subPart: '', order: 'A' }]],
    [
      'separators inside names, prefix length and DESC',
      '5:a,b:1::A,1:c:10:D',
      2,
      [
        { name: 'a,b:1', subPart: '', order: 'A' },
        { name: 'c', subPart: '10', order: 'D' },
      ],
    ],
    [
      'unicode counted like CHAR_LENGTH',
      '2:列名::A,3:x😀y::',
      2,
      [
        { name: '列名', subPart: '', order: 'A' },
        { name: 'x😀y', subPart: '', order: '' },
      ],
    ],
    ['MySQL functional key part', '7:(a + 1)::A', 1, [{ name: '(a + 1)', subPart: '', order: 'A' }]],
    ['truncated inside a name', '1:a::A,10:abc', 2, undefined],
    ['truncated inside the prefix length', '1:a::A,1:c:1', 2, undefined],
    ['truncated at a token boundary (fewer parts than COUNT(*))', '1:a::A', 2, undefined],
    ['trailing separator', '1:a::A,', 1, undefined],
    ['not a length', 'x:a::A', 1, undefined],
  ])('%s', (_name, encoded, count, expected) => {
    expect(parseKeyParts(encoded, count)).toEqual(expected);
  });
});

const ix = (name: string, columns: string, opts: { unique?: boolean; type?: string } = {}): IndexDef => ({
  name,
  unique: opts.unique ?? name === 'PRIMARY',
  type: opts.type ?? 'BTREE',
  parts: columns.split(',').map((c) => {
    const [col = '', subPart = '', order = 'A'] = c.split('/');
    return { name: col, subPart, order };
  }),
});

describe('MY-W02 findRedundantIndexes (pt-duplicate-key-checker rules)', () => {
  it.each<[string, IndexDef[], [string, string, string][]]>([
    ['left prefix', [ix('PRIMARY', 'id'), ix('idx_a', 'a'), ix('idx_ab', 'a,b')], [['idx_a', 'idx_ab', 'left-prefix']]],
    ['exact duplicate: the first name stays', [ix('k2', 'a,b'), ix('k1', 'a,b')], [['k2', 'k1', 'duplicate']]],
    [
      'unique is not redundant to a longer non-unique index',
      [ix('u_a', 'a', { unique: true }), ix('idx_ab', 'a,b')],
      [],
    ],
    [
      'non-unique duplicate of a unique index goes, the unique stays',
      [ix('a_idx', 'a'), ix('z_uniq', 'a', { unique: true })],
      [['a_idx', 'z_uniq', 'duplicate']],
    ],
    [
      'unique duplicate of PRIMARY goes, PRIMARY never',
      [ix('PRIMARY', 'id'), ix('a_uniq', 'id', { unique: true })],
      [['a_uniq', 'PRIMARY', 'duplicate']],
    ],
    ['non-unique prefix of PRIMARY', [ix('PRIMARY', 'a,b'), ix('idx_a', 'a')], [['idx_a', 'PRIMARY', 'left-prefix']]],
    [
      'non-unique prefix of a unique index',
      [ix('u_ab', 'a,b', { unique: true }), ix('idx_a', 'a')],
      [['idx_a', 'u_ab', 'left-prefix']],
    ],
    ['column names compare case-insensitively', [ix('i1', 'A'), ix('i2', 'a,b')], [['i1', 'i2', 'left-prefix']]],
    ['a prefix length makes a different key part', [ix('i_a10', 'a/10'), ix('i_ab', 'a,b')], []],
    ['DESC makes a different key part', [ix('i_a_desc', 'a//D'), ix('i_ab', 'a,b')], []],
    [
      'FULLTEXT duplicates in any column order',
      [ix('ft1', 'a/,b/', { type: 'FULLTEXT' }), ix('ft2', 'b/,a/', { type: 'FULLTEXT' })],
      [['ft2', 'ft1', 'duplicate']],
    ],
    ['FULLTEXT is not a prefix of a B-tree index', [ix('ft', 'a/', { type: 'FULLTEXT' }), ix('i_ab', 'a,b')], []],
    [
      'HASH indexes only as exact duplicates',
      [ix('h_a', 'a', { type: 'HASH' }), ix('h_ab', 'a,b', { type: 'HASH' })],
      [],
    ],
    [
      'chain: each reported once, against the longest index',
      [ix('i_a', 'a'), ix('i_ab', 'a,b'), ix('i_abc', 'a,b,c')],
      [
        ['i_a', 'i_abc', 'left-prefix'],
        ['i_ab', 'i_abc', 'left-prefix'],
      ],
    ],
    [
      'duplicate pair and a prefix: the prefix points at the kept twin',
      [ix('idx_a', 'a'), ix('idx_ab', 'a,b'), ix('idx_ab_dup', 'a,b')],
      [
        ['idx_a', 'idx_ab', 'left-prefix'],
        ['idx_ab_dup', 'idx_ab', 'duplicate'],
      ],
    ],
    [
      'only the index that leads another one',
      [ix('i_a', 'a'), ix('i_b', 'b'), ix('i_ba', 'b,a')],
      [['i_b', 'i_ba', 'left-prefix']],
    ],
  ])('%s', (_name, indexes, expected) => {
    const got = findRedundantIndexes(indexes).map((r) => [r.index.name, r.coveredBy.name, r.kind]);
    expect(got.sort()).toEqual(expected.sort());
  });

  it('names the foreign keys whose columns lead the redundant index', () => {
    const [r] = findRedundantIndexes(
      [ix('fk_idx', 'parent_id'), ix('idx_parent_created', 'parent_id,created')],
      [
        { constraint: 'fk_parent', columns: ['PARENT_ID'] },
        { constraint: 'fk_other', columns: ['other_id'] },
      ],
    );
    expect(r?.foreignKeys.map((f) => f.constraint)).toEqual(['fk_parent']);
  });
});

const indexRow = (
  table: string,
  index: string,
  keyParts: string | null,
  count: number,
  nonUnique = '1',
  type = 'BTREE',
) => ({
  table_schema: 'dbp 巡检 o`x',
  table_name: table,
  index_name: index,
  non_unique: nonUnique,
  index_type: type,
  column_count: String(count),
  key_parts: keyParts,
});

describe('MY-W02 redundant indexes (evaluate)', () => {
  it('reports each redundant index with its table, the covering index and the foreign key caveat', () => {
    const result = run(mysqlRedundantIndexes, {
      indexes: [
        indexRow('orders', 'PRIMARY', '2:id::A', 1, '0'),
        indexRow('orders', 'idx_cust', '7:cust_id::A', 1),
        indexRow('orders', 'idx_cust_date', '7:cust_id::A,10:created_at::A', 2),
        indexRow('orders', 'idx_cust_date_dup', '7:cust_id::A,10:created_at::A', 2),
        indexRow('clean', 'PRIMARY', '2:id::A', 1, '0'),
        indexRow('clean', 'idx_b', '1:b::A', 1),
      ],
      foreignKeys: [
        {
          table_schema: 'dbp 巡检 o`x',
          table_name: 'orders',
          constraint_name: 'fk_cust',
          referenced_schema: 'crm',
          referenced_table: 'customers',
          column_count: '1',
          fk_columns: '7:cust_id::',
          referenced_columns: '2:id::',
        },
      ],
    });
    const list = findings(result);
    expect(list.map((f) => [f.severity, f.object, f.evidence?.[0]?.index])).toEqual([
      ['warning', '`dbp 巡检 o``x`.`orders`', 'idx_cust'],
      ['warning', '`dbp 巡检 o``x`.`orders`', 'idx_cust_date_dup'],
    ]);
    expect(en(list[0]?.message)).toBe(
      'index `idx_cust` (`cust_id`) on `dbp 巡检 o``x`.`orders` is a left prefix of `idx_cust_date` (`cust_id`, `created_at`); it supports foreign key `fk_cust` (`cust_id`): `idx_cust_date` can serve it too, but check before dropping (InnoDB refuses with ERROR 1553 when no other index can)',
    );
    expect(list[0]?.evidence?.[0]?.sqlDropIndex).toBe('ALTER TABLE `dbp 巡检 o``x`.`orders` DROP INDEX `idx_cust`');
    expect(en(list[1]?.message)).toContain(
      'duplicates `idx_cust_date` (`cust_id`, `created_at`); it supports foreign key `fk_cust`',
    );
  });

  it('names the child table when the redundant index backs a referencing foreign key', () => {
    const list = findings(
      run(mysqlRedundantIndexes, {
        indexes: [
          indexRow('parent', 'k_code', '4:code::A', 1),
          indexRow('parent', 'k_code_name', '4:code::A,4:name::A', 2),
        ],
        foreignKeys: [
          {
            table_schema: 'app',
            table_name: 'child',
            constraint_name: 'fk_code',
            referenced_schema: 'dbp 巡检 o`x',
            referenced_table: 'parent',
            column_count: '1',
            fk_columns: '11:parent_code::',
            referenced_columns: '4:code::',
          },
        ],
      }),
    );
    expect(en(list[0]?.message)).toContain('it supports foreign key `fk_code` (`code`) from `app`.`child`');
  });

  it('does not judge a table whose key list came back truncated', () => {
    const result = run(mysqlRedundantIndexes, {
      indexes: [
        indexRow('t', 'idx_a', '1:a::A', 1),
        indexRow('t', 'idx_ab', '1:a::A,1:b', 2),
        indexRow('u', 'idx_a', null, 1),
      ],
    });
    expect(findings(result)).toEqual([]);
  });

  it('at the row limit, drops the possibly cut last table and says so', () => {
    const indexes = Array.from({ length: 5000 }, (_, i) =>
      indexRow(
        `t${String(Math.floor(i / 2)).padStart(5, '0')}`,
        i % 2 ? 'idx_ab' : 'idx_a',
        i % 2 ? '1:a::A,1:b::A' : '1:a::A',
        i % 2 ? 2 : 1,
      ),
    );
    indexes[4999] = indexRow('t02499', 'idx_a_dup', '1:a::A', 1);
    const list = findings(run(mysqlRedundantIndexes, { indexes }));
    expect(list.filter((f) => f.severity === 'warning')).toHaveLength(2499);
    expect(list.at(-1)).toMatchObject({ severity: 'info', object: 'db-01', value: 5000 });
    expect(en(list.at(-1)?.message)).toContain('`dbp 巡检 o``x`.`t02499`');
  });
});

describe('MY-W03 unused indexes', () => {
  const unused = [{ table_schema: 'app', table_name: 'orders', index_name: 'idx_note' }];
  const statRow = [{ table_schema: 'app', table_name: 'orders', index_name: 'idx_by_userstat' }];

  it.each<[string, Record<string, unknown[]>, Partial<ServerFacts>, string]>([
    [
      'MariaDB: performance_schema OFF and userstat OFF',
      { settings: [{ performance_schema: '0' }], userstat: [{ userstat: 0 }], psInstrument: [{ enabled: '0' }] },
      {},
      'no index usage source: performance_schema is OFF and userstat is OFF (SET GLOBAL userstat = 1 fills information_schema.INDEX_STATISTICS)',
    ],
    [
      'MySQL: performance_schema OFF (no userstat variable)',
      { settings: [{ performance_schema: 0 }], userstat: [], psInstrument: [{ enabled: '0' }] },
      MYSQL,
      'no index usage source: performance_schema is OFF',
    ],
    [
      'performance_schema ON but not readable',
      { settings: [{ performance_schema: '1' }], userstat: [{ userstat: '0' }], psInstrument: [] },
      {},
      'no index usage source: performance_schema is ON but not readable by this account (grant SELECT ON performance_schema.*) and userstat is OFF (SET GLOBAL userstat = 1 fills information_schema.INDEX_STATISTICS)',
    ],
    [
      'performance_schema ON, table I/O instrument disabled',
      { settings: [{ performance_schema: 1 }], userstat: [], psInstrument: [{ enabled: '0' }] },
      MYSQL,
      "no index usage source: performance_schema is ON but the instrument 'wait/io/table/sql/handler' is disabled",
    ],
    [
      'source present but the server is up less than 30 days',
      {
        settings: [{ performance_schema: '0' }],
        userstat: [{ userstat: '1' }],
        psInstrument: [{ enabled: '0' }],
        userstatUnused: statRow,
      },
      { uptimeSeconds: 29.9 * DAY },
      'server up only 29.9 days; index usage counters (userstat) restart with the server and need 30 days',
    ],
  ])('skips: %s', (_name, raw, server, reason) => {
    expect(skipped(run(mysqlUnusedIndexes, raw, { server })).en).toBe(reason);
  });

  it('uses performance_schema when it is on and readable, from 30 days of uptime', () => {
    const raw = {
      settings: [{ performance_schema: '1' }],
      userstat: [{ userstat: '1' }],
      psInstrument: [{ enabled: '1' }],
      psUnused: unused,
      userstatUnused: statRow,
    };
    const list = findings(run(mysqlUnusedIndexes, raw, { server: { uptimeSeconds: 30 * DAY } }));
    expect(list.map((f) => [f.severity, f.object, f.evidence?.[0]?.index])).toEqual([
      ['info', '`app`.`orders`', 'idx_note'],
    ]);
    expect(en(list[0]?.message)).toBe(
      'index `idx_note` on `app`.`orders` has not been read according to performance_schema since 2026-10-21T10:00:00.000Z (server start); check replicas before dropping',
    );
  });

  it('falls back to INDEX_STATISTICS on MariaDB with userstat = 1', () => {
    const raw = {
      settings: [{ performance_schema: '0' }],
      userstat: [{ userstat: 'ON' }],
      psInstrument: [{ enabled: '0' }],
      psUnused: unused,
      userstatUnused: statRow,
    };
    const list = findings(run(mysqlUnusedIndexes, raw));
    expect(list.map((f) => f.evidence?.[0]?.index)).toEqual(['idx_by_userstat']);
    expect(en(list[0]?.message)).toContain(
      'information_schema.INDEX_STATISTICS since userstat was enabled or last flushed',
    );
  });

  it('passes when the source reports nothing unused', () => {
    const raw = { settings: [{ performance_schema: '1' }], userstat: [], psInstrument: [{ enabled: '1' }] };
    expect(run(mysqlUnusedIndexes, raw, { server: MYSQL })).toEqual([]);
  });
});

describe('MY-W04 AUTO_INCREMENT exhaustion', () => {
  it.each<[string, string, bigint | undefined]>([
    ['tinyint', 'tinyint(4)', 127n],
    ['tinyint', 'tinyint(3) unsigned', 255n],
    ['smallint', 'smallint(6)', 32767n],
    ['smallint', 'smallint unsigned', 65535n],
    ['mediumint', 'mediumint(9)', 8388607n],
    ['mediumint', 'mediumint(8) unsigned', 16777215n],
    ['int', 'int(11)', 2147483647n],
    ['int', 'int(10) unsigned zerofill', 4294967295n],
    ['int', 'int unsigned', 4294967295n],
    ['bigint', 'bigint(20)', 9223372036854775807n],
    ['bigint', 'bigint(20) unsigned', 18446744073709551615n],
    ['float', 'float', 16777216n],
    ['double', 'double', 9007199254740992n],
    ['decimal', 'decimal(10,0)', undefined],
  ])('%s %s → max %s', (dataType, columnType, max) => {
    expect(autoIncrementMax(dataType, columnType)).toBe(max);
  });

  const row = (dataType: string, columnType: string, autoIncrement: string | number) => ({
    table_schema: 'dbp 巡检 o`x',
    table_name: 'seq',
    column_name: 'id',
    data_type: dataType,
    column_type: columnType,
    auto_increment: autoIncrement,
  });

  it.each<[string, ReturnType<typeof row>, string | null, number?]>([
    ['74.99 % passes', row('smallint', 'smallint(5) unsigned', '49151'), null],
    ['75 % warns', row('smallint', 'smallint(5) unsigned', '49152'), 'warning', 75],
    ['89.99 % warns', row('smallint', 'smallint(5) unsigned', '58981'), 'warning', 89.99],
    ['90 % is critical', row('smallint', 'smallint(5) unsigned', '58982'), 'critical', 90],
    ['TINYINT at 120 of 127', row('tinyint', 'tinyint(4)', '120'), 'critical', 94.48],
    ['INT UNSIGNED at 3.5e9', row('int', 'int(10) unsigned', '3500000000'), 'warning', 81.49],
    [
      'BIGINT UNSIGNED beyond double precision',
      row('bigint', 'bigint(20) unsigned', '18446744073709551000'),
      'critical',
      99.99,
    ],
    ['a number from the driver', row('int', 'int(11)', 5), null],
    ['unknown type is ignored', row('decimal', 'decimal(20,0)', '99999999999999999999'), null],
  ])('%s', (_name, r, severity, value) => {
    const list = findings(run(mysqlAutoIncrementExhaustion, { main: [r] }));
    if (severity === null) return expect(list).toEqual([]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      severity,
      object: '`dbp 巡检 o``x`.`seq`',
      value,
      threshold: severity === 'critical' ? 90 : 75,
    });
  });

  it('says which column, how far and against what threshold', () => {
    const [f] = findings(run(mysqlAutoIncrementExhaustion, { main: [row('tinyint', 'tinyint(4)', '120')] }));
    expect(en(f?.message)).toBe(
      'AUTO_INCREMENT column `id` (tinyint(4)) of `dbp 巡检 o``x`.`seq` is at 120 of 127 (94.48 %, ≥ 90 %)',
    );
  });

  it('honours configured thresholds', () => {
    const r = row('int', 'int(10) unsigned', '3500000000');
    expect(
      brief(run(mysqlAutoIncrementExhaustion, { main: [r] }, { thresholds: { warnPercent: 50, critPercent: 80 } })),
    ).toEqual([['critical', '`dbp 巡检 o``x`.`seq`']]);
  });
});

describe('MY-W05 non-InnoDB tables', () => {
  const row = (table: string, engine: string) => ({
    table_schema: 'app',
    table_name: table,
    engine,
    table_rows: '10',
    total_bytes: '16384',
  });

  it.each<[string, ReturnType<typeof row>[], Record<string, unknown> | undefined, [string, string][]]>([
    ['nothing returned', [], undefined, []],
    [
      'MyISAM, Aria and MEMORY warn',
      [row('a', 'MyISAM'), row('b', 'Aria'), row('c', 'MEMORY')],
      undefined,
      [
        ['warning', '`app`.`a`'],
        ['warning', '`app`.`b`'],
        ['warning', '`app`.`c`'],
      ],
    ],
    [
      'an allowed engine, compared case-insensitively',
      [row('r', 'ROCKSDB'), row('m', 'MyISAM')],
      { allowedEngines: ['InnoDB', 'RocksDB'] },
      [['warning', '`app`.`m`']],
    ],
  ])('%s', (_name, main, thresholds, expected) => {
    expect(brief(run(mysqlNonInnodbTables, { main }, { thresholds }))).toEqual(expected);
  });

  it('explains the engine risk', () => {
    const [f] = findings(run(mysqlNonInnodbTables, { main: [row('cache', 'MEMORY')] }));
    expect(en(f?.message)).toBe(
      'table `app`.`cache` uses the MEMORY engine (contents lost on every restart, table-level locks); allowed: InnoDB',
    );
  });
});

describe('MY-W06 fragmented tables', () => {
  const GiB = 1024 ** 3;
  const row = (table: string, engine: string, data: number, index: number, free: number) => ({
    table_schema: 'app',
    table_name: table,
    engine,
    data_length: String(data),
    index_length: String(index),
    data_free: String(free),
  });

  it.each<[string, ReturnType<typeof row>[], [string, string][]]>([
    ['20 % exactly is not above the threshold', [row('t', 'InnoDB', 4 * GiB, GiB, GiB)], []],
    ['more than 20 % and more than 1 GiB', [row('t', 'InnoDB', 4 * GiB, 0, 2 * GiB)], [['info', '`app`.`t`']]],
    ['a high share but only 1 GiB', [row('t', 'InnoDB', GiB, 0, GiB)], []],
    ['MyISAM free space counts per table', [row('m', 'MyISAM', 2 * GiB, 0, 1.5 * GiB)], [['info', '`app`.`m`']]],
    [
      'InnoDB tables reporting the same DATA_FREE share a tablespace',
      [
        row('s1', 'InnoDB', GiB, 0, 5 * GiB),
        row('s2', 'InnoDB', 2 * GiB, 0, 5 * GiB),
        row('own', 'InnoDB', GiB, 0, 3 * GiB),
      ],
      [['info', '`app`.`own`']],
    ],
  ])('%s', (_name, main, expected) => {
    expect(brief(run(mysqlFragmentedTables, { main }))).toEqual(expected);
  });

  it('reports share and bytes', () => {
    const [f] = findings(run(mysqlFragmentedTables, { main: [row('t', 'InnoDB', 3 * GiB, GiB, 2 * GiB)] }));
    expect(f).toMatchObject({ value: 50, threshold: 20 });
    expect(en(f?.message)).toBe(
      'table `app`.`t` (InnoDB) has 2.0 GiB free, 50.0 % of its 4.0 GiB of data and indexes (> 20 % and > 1.0 GiB)',
    );
  });

  it('an emptied table with free space counts as fully fragmented', () => {
    expect(
      findings(
        run(mysqlFragmentedTables, { main: [row('e', 'MyISAM', 0, 0, 112)] }, { thresholds: { minFreeBytes: 0 } }),
      )[0],
    ).toMatchObject({ value: 100 });
  });
});

describe('MY-W07 large tables', () => {
  const GiB = 1024 ** 3;
  const row = (table: string, rows: string | null, data: number, index: number) => ({
    table_schema: 'app',
    table_name: table,
    engine: 'InnoDB',
    table_rows: rows,
    data_length: String(data),
    index_length: String(index),
  });

  it.each<[string, ReturnType<typeof row>, [string, number][]]>([
    ['small table', row('t', '1000', GiB, 0.5 * GiB), []],
    ['exactly 10 GiB is not above', row('t', '1000', 8 * GiB, 2 * GiB), []],
    ['above 10 GiB', row('t', '1000', 9 * GiB, 2 * GiB), [['info', 11 * GiB]]],
    ['above 10 M rows', row('t', '10000001', GiB, 0.5 * GiB), [['info', 10_000_001]]],
    ['indexes larger than data and ≥ 1 GiB', row('t', null, 0.5 * GiB, GiB), [['warning', GiB]]],
    ['indexes larger than data but small', row('t', '10', 16384, 65536), []],
    [
      'both',
      row('t', '20000000', 5 * GiB, 6 * GiB),
      [
        ['info', 11 * GiB],
        ['warning', 6 * GiB],
      ],
    ],
  ])('%s', (_name, r, expected) => {
    expect(findings(run(mysqlLargeTables, { main: [r] })).map((f) => [f.severity, f.value])).toEqual(expected);
  });

  it('with a zero floor flags small index-heavy tables', () => {
    const [f] = findings(
      run(mysqlLargeTables, { main: [row('t', '10', 16384, 65536)] }, { thresholds: { minIndexBytes: 0 } }),
    );
    expect(en(f?.message)).toBe('indexes of `app`.`t` take 64 KiB, more than its 16 KiB of data (4.0×)');
  });
});

describe('MY-W08 schema charset', () => {
  const row = (schema: string, charset: string, server = 'utf8mb4') => ({
    schema_name: schema,
    schema_charset: charset,
    schema_collation: `${charset}_general_ci`,
    server_charset: server,
    server_collation: `${server}_general_ci`,
  });

  it.each<[string, ReturnType<typeof row>[], [string, string][]]>([
    ['latin1 schema on a utf8mb4 server', [row('legacy db', 'latin1')], [['warning', '`legacy db`']]],
    ['utf8 and utf8mb3 are the same character set', [row('a', 'utf8', 'utf8mb3'), row('b', 'utf8mb3', 'utf8')], []],
  ])('%s', (_name, main, expected) => {
    expect(brief(run(mysqlSchemaCharset, { main }))).toEqual(expected);
  });

  it('names both character sets and collations', () => {
    expect(en(findings(run(mysqlSchemaCharset, { main: [row('x`y', 'gbk')] }))[0]?.message)).toBe(
      'schema `x``y` defaults to gbk (gbk_general_ci), the server to utf8mb4 (utf8mb4_general_ci)',
    );
  });
});

describe('MY-W09 orphan definers', () => {
  const row = (type: string, name: string, user: string, host: string, security = 'DEFINER') => ({
    object_type: type,
    object_schema: 'app',
    object_name: name,
    definer: `${user}@${host}`,
    security_type: security,
    definer_user: user,
    definer_host: host,
  });

  it.each<[string, Partial<ServerFacts>, string]>([
    ['MariaDB 10.11', {}, 'cannot read the account list: grant SELECT ON mysql.global_priv to the monitoring account'],
    [
      'MariaDB 10.3',
      { versionNum: 100339 },
      'cannot read the account list: grant SELECT ON mysql.user to the monitoring account',
    ],
    ['MySQL 8.0', MYSQL, 'cannot read the account list: grant SELECT ON mysql.user to the monitoring account'],
  ])('skips when the account list is unreadable (%s)', (_name, server, reason) => {
    expect(skipped(run(mysqlOrphanDefiners, { accounts: [], orphans: [] }, { server })).en).toBe(reason);
  });

  it('passes when every definer exists', () => {
    expect(run(mysqlOrphanDefiners, { accounts: [{ accounts: '12' }], orphans: [] })).toEqual([]);
  });

  it('warns for DEFINER security, informs for INVOKER', () => {
    const list = findings(
      run(mysqlOrphanDefiners, {
        accounts: [{ accounts: '12' }],
        orphans: [
          row('VIEW', 'v_sales', "o'brien", '%'),
          row('VIEW', 'v_inv', 'gone', '10.0.0.%', 'INVOKER'),
          row('TRIGGER', 'trg_audit', 'app@corp', 'localhost'),
          row('PROCEDURE', 'p_role', 'old_role', ''),
        ],
      }),
    );
    expect(list.map((f) => [f.severity, f.object, f.value])).toEqual([
      ['warning', '`app`.`v_sales`', "'o''brien'@'%'"],
      ['info', '`app`.`v_inv`', "'gone'@'10.0.0.%'"],
      ['warning', '`app`.`trg_audit`', "'app@corp'@'localhost'"],
      ['warning', '`app`.`p_role`', "'old_role'@''"],
    ]);
    expect(en(list[0]?.message)).toBe(
      "view `app`.`v_sales` has DEFINER 'o''brien'@'%', which does not exist: using it fails with ERROR 1449",
    );
  });
});

describe('MY-W10 over-indexed and over-wide tables', () => {
  it.each<[string, Record<string, unknown[]>, [string, number][]]>([
    [
      'at the thresholds',
      {
        indexCounts: [{ table_schema: 'a', table_name: 't', index_count: '6' }],
        columnCounts: [{ table_schema: 'a', table_name: 't', column_count: '50' }],
      },
      [],
    ],
    [
      'above both',
      {
        indexCounts: [{ table_schema: 'a', table_name: 't', index_count: '7' }],
        columnCounts: [{ table_schema: 'a', table_name: 'w', column_count: '51' }],
      },
      [
        ['`a`.`t`', 7],
        ['`a`.`w`', 51],
      ],
    ],
  ])('%s', (_name, raw, expected) => {
    const list = findings(run(mysqlOverIndexedTables, raw));
    expect(list.map((f) => [f.object, f.value])).toEqual(expected);
    expect(list.every((f) => f.severity === 'info')).toBe(true);
  });

  it('states count and threshold', () => {
    const [f] = findings(
      run(
        mysqlOverIndexedTables,
        { indexCounts: [{ table_schema: 'a', table_name: 't', index_count: '9' }] },
        { thresholds: { maxIndexes: 8 } },
      ),
    );
    expect(f).toMatchObject({ message: { en: 'table `a`.`t` has 9 indexes (> 8)' }, threshold: 8 });
  });
});
