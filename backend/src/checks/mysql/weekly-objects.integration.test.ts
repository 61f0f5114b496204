import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Reports as a reader shows them: texts in the language the test ran in.
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import type { Target } from '../../targets/target-spec.js';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';
import { randomSuffix } from '../../test/pg-fixtures.js';
import { findingsOf, mariadbRootTarget, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import type { AnyCheck } from '../check.types.js';
import { myIdent, myQualified } from '../quote.js';
import { MYSQL_WEEKLY_OBJECT_CHECKS } from './weekly-objects.list.js';

const suffix = randomSuffix();
const db = `dbp 巡检 O\`x_${suffix}`;
const latinDb = `dbp 巡检 O\`x_${suffix} latin1`;
const ghost = `dbp_ghost_${suffix}`;

const NO_PK = "no pk ' % ; Tbl";
const T = {
  noPk: NO_PK,
  orders: 'Orders',
  items: 'Order items',
  legacy: 'Legacy MyISAM',
  tiny: 'tiny seq',
  uint: 'Uint seq',
  manyIdx: 'many idx',
  clean: 'Clean Tbl',
};
const obj = (table: string) => myQualified(db, table);

let admin: Connection;
let target: Target;
let report: InspectionReport;

const mine = (checkId: string) =>
  findingsOf(report, checkId).filter((f) => f.object.startsWith(`${myIdent(db)}.`) || f.object === myIdent(latinDb));
/** Thresholds low enough for the planted small tables to show the size-based checks work end to end. */
function thresholds(c: AnyCheck): unknown {
  if (c.id === 'mysql.fragmented-tables') return { minFreePercent: 0, minFreeBytes: 0 };
  if (c.id === 'mysql.large-tables') return { ...c.thresholds.defaults, minIndexBytes: 0 };
  return c.thresholds.defaults;
}

beforeAll(async () => {
  admin = await createConnection({
    host: MARIADB_ROOT.host,
    port: MARIADB_ROOT.port,
    user: MARIADB_ROOT.user,
    password: MARIADB_ROOT.password,
  });
  const q = (sql: string, params: unknown[] = []) => admin.query(sql, params);
  await q(`CREATE DATABASE ${myIdent(db)} CHARACTER SET utf8mb4`);
  await q(`CREATE DATABASE ${myIdent(latinDb)} CHARACTER SET latin1`);
  await q(`CREATE TABLE ${obj(T.noPk)} (a INT, b VARCHAR(10), UNIQUE KEY uk_nullable (a))`);
  await q(
    `CREATE TABLE ${obj(T.orders)} (id INT PRIMARY KEY, a INT, b INT, KEY idx_a (a), KEY idx_a_b (a, b), KEY idx_a_b_dup (a, b))`,
  );
  await q(
    `CREATE TABLE ${obj(T.items)} (id INT PRIMARY KEY, order_id INT, created DATE,
      KEY k_order (order_id), KEY k_order_created (order_id, created),
      CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES ${obj(T.orders)} (id))`,
  );
  await q(`CREATE TABLE ${obj(T.legacy)} (id INT PRIMARY KEY, note VARCHAR(100)) ENGINE = MyISAM`);
  await q(`INSERT INTO ${obj(T.legacy)} VALUES (1, REPEAT('x', 100)), (2, REPEAT('y', 100)), (3, REPEAT('z', 100))`);
  await q(`DELETE FROM ${obj(T.legacy)} WHERE id = 2`);
  await q(`CREATE TABLE ${obj(T.tiny)} (id TINYINT AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT = 120`);
  await q(`CREATE TABLE ${obj(T.uint)} (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT = 3500000000`);
  await q(
    `CREATE TABLE ${obj(T.manyIdx)} (id INT PRIMARY KEY, c1 INT, c2 INT, c3 INT, c4 INT, c5 INT, c6 INT, c7 INT,
      KEY k1 (c1), KEY k2 (c2), KEY k3 (c3), KEY k4 (c4), KEY k5 (c5), KEY k6 (c6), KEY k7 (c7))`,
  );
  await q(`CREATE TABLE ${obj(T.clean)} (id INT AUTO_INCREMENT PRIMARY KEY, v INT)`);
  await q(`INSERT INTO ${obj(T.clean)} (v) VALUES (1), (2)`);
  await q(`CREATE USER ?@'%'`, [ghost]);
  await q(
    `CREATE DEFINER = ${myIdent(ghost)}@'%' SQL SECURITY DEFINER VIEW ${obj('v ghost')} AS SELECT id FROM ${obj(T.clean)}`,
  );
  await q(`CREATE DEFINER = ${myIdent(ghost)}@'%' PROCEDURE ${obj('p ghost')}() SELECT 1`);
  await q(`CREATE DEFINER = CURRENT_USER VIEW ${obj('v alive')} AS SELECT id FROM ${obj(T.clean)}`);
  await q(`DROP USER ?@'%'`, [ghost]);

  target = mariadbRootTarget();
  report = await runChecks(target, MYSQL_WEEKLY_OBJECT_CHECKS, { tier: 'weekly', thresholds });
});

afterAll(async () => {
  await target?.close();
  if (admin) {
    for (const name of [db, latinDb]) await admin.query(`DROP DATABASE IF EXISTS ${myIdent(name)}`);
    await admin.query(`DROP USER IF EXISTS ?@'%'`, [ghost]);
    await admin.end();
  }
});

describe('MySQL weekly object checks on the live MariaDB', () => {
  it('runs every check without an error', () => {
    expect(report.checks.map((c) => [c.checkId, c.status === 'error' ? c.reason : 'ok'])).toEqual(
      MYSQL_WEEKLY_OBJECT_CHECKS.map((c) => [c.id, 'ok']),
    );
  });

  it('reports the same planted findings in Chinese when the report is in Chinese', async () => {
    const zh = await runChecks(target, MYSQL_WEEKLY_OBJECT_CHECKS, { tier: 'weekly', thresholds, language: 'zh' });
    const planted = (r: InspectionReport) =>
      r.findings
        .filter((f) => f.object.startsWith(`${myIdent(db)}.`) || f.object === myIdent(latinDb))
        .map((f) => [f.checkId, f.severity, f.object, f.evidence?.[0]?.index ?? ''].join(' '))
        .sort();
    expect(planted(zh)).toEqual(planted(report));
    for (const f of zh.findings) expect(f.message, f.checkId).toMatch(/\p{Script=Han}/u);
    for (const c of zh.checks.filter((c) => c.status === 'skipped'))
      expect(c.reason, c.checkId).toMatch(/\p{Script=Han}/u);
    expect(findingsOf(zh, 'mysql.tables-without-primary-key').find((f) => f.object === obj(T.noPk))?.message).toBe(
      `表 ${obj(T.noPk)}（InnoDB，约 0 行）没有主键，也没有建在 NOT NULL 列上的唯一键`,
    );
  });

  it('MY-W01 flags the table without a primary key (a nullable unique key does not count)', () => {
    expect(mine('mysql.tables-without-primary-key').map((f) => [f.severity, f.object])).toEqual([
      ['warning', obj(T.noPk)],
    ]);
    expect(obj(T.noPk)).toBe('`dbp 巡检 O``x_' + suffix + "`.`no pk ' % ; Tbl`");
  });

  it('MY-W02 flags the left-prefix and the duplicate index, with the foreign key caveat', () => {
    const found = mine('mysql.redundant-indexes').map((f) => [
      f.object,
      f.evidence?.[0]?.index,
      f.evidence?.[0]?.coveredBy,
      f.evidence?.[0]?.kind,
    ]);
    expect(found.sort()).toEqual(
      [
        [obj(T.items), 'k_order', 'k_order_created', 'left-prefix'],
        [obj(T.orders), 'idx_a', 'idx_a_b', 'left-prefix'],
        [obj(T.orders), 'idx_a_b_dup', 'idx_a_b', 'duplicate'],
      ].sort(),
    );
    const fk = mine('mysql.redundant-indexes').find((f) => f.evidence?.[0]?.index === 'k_order');
    expect(fk?.message).toContain('it supports foreign key `fk_items_order` (`order_id`)');
    expect(fk?.evidence?.[0]?.sqlDropIndex).toBe(`ALTER TABLE ${obj(T.items)} DROP INDEX \`k_order\``);
  });

  it('MY-W03 is skipped and names the missing usage source', () => {
    expect(outcomeOf(report, 'mysql.unused-indexes')).toMatchObject({
      status: 'skipped',
      reason:
        'no index usage source: performance_schema is OFF and userstat is OFF (SET GLOBAL userstat = 1 fills information_schema.INDEX_STATISTICS)',
    });
  });

  it('MY-W04 flags TINYINT as critical and INT UNSIGNED as warning, not the clean table', () => {
    expect(mine('mysql.auto-increment-exhaustion').map((f) => [f.severity, f.object, f.value])).toEqual([
      ['critical', obj(T.tiny), 94.48],
      ['warning', obj(T.uint), 81.49],
    ]);
  });

  it('MY-W05 flags the MyISAM table only', () => {
    expect(mine('mysql.non-innodb-tables').map((f) => [f.severity, f.object, f.value])).toEqual([
      ['warning', obj(T.legacy), 'MyISAM'],
    ]);
  });

  it('MY-W06 sees the free space left by a delete in the MyISAM table', () => {
    expect(mine('mysql.fragmented-tables').map((f) => [f.severity, f.object])).toEqual([['info', obj(T.legacy)]]);
    expect(Number(mine('mysql.fragmented-tables')[0]?.evidence?.[0]?.dataFree)).toBeGreaterThan(0);
  });

  it('MY-W07 flags tables whose indexes outweigh their data, not the clean table', () => {
    const objects = mine('mysql.large-tables').map((f) => f.object);
    expect(objects).toContain(obj(T.manyIdx));
    expect(objects).toContain(obj(T.orders));
    expect(objects).not.toContain(obj(T.clean));
    expect(mine('mysql.large-tables').every((f) => f.severity === 'warning')).toBe(true);
  });

  it('MY-W08 flags the latin1 schema, not the utf8mb4 one', () => {
    expect(mine('mysql.schema-charset-mismatch').map((f) => [f.severity, f.object, f.value])).toEqual([
      ['warning', myIdent(latinDb), 'latin1'],
    ]);
  });

  it('MY-W09 flags the view and procedure of the dropped account, not the live one', () => {
    const account = `'${ghost}'@'%'`;
    expect(mine('mysql.orphan-definers').map((f) => [f.severity, f.object, f.value])).toEqual([
      ['warning', obj('p ghost'), account],
      ['warning', obj('v ghost'), account],
    ]);
  });

  it('MY-W10 flags the table with 8 indexes only', () => {
    expect(mine('mysql.over-indexed-tables').map((f) => [f.severity, f.object, f.value])).toEqual([
      ['info', obj(T.manyIdx), 8],
    ]);
  });

  it('never flags the clean table', () => {
    expect(report.findings.filter((f) => f.object === obj(T.clean))).toEqual([]);
  });
});
