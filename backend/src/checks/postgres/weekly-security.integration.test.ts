import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyCheck } from '../check.types.js';
import { pgIdent, pgQualified } from '../quote.js';
import { PG_ADMIN_URL, pgUrlFor, randomSuffix, withPgAdmin } from '../../test/pg-fixtures.js';
import { findingsOf, outcomeOf, postgresSuperTarget, runChecks } from '../../test/targets-fixture.js';
// Reports as a reader shows them: texts in the language the test ran in.
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import type { Target } from '../../targets/target-spec.js';
import { postgresConfigRoleDrift } from './security/config-role-drift.check.js';
import { POSTGRES_MAJOR_VERSIONS, splitPostgresVersion } from './security/eol-versions.js';
import { postgresLoggingAudit } from './security/logging-audit.check.js';
import { postgresNonTlsSessions } from './security/non-tls-sessions.check.js';
import { postgresOutdatedExtensions } from './security/outdated-extensions.check.js';
import { postgresPasswordExpiry } from './security/password-expiry.check.js';
import { postgresPasswordHashing } from './security/password-hashing.check.js';
import { postgresPublicSchemaCreate } from './security/public-schema-create.check.js';
import { postgresSchemaDrift } from './security/schema-drift.check.js';
import { postgresSecurityDefinerSearchPath } from './security/security-definer-search-path.check.js';
import { postgresSuperuserLogins } from './security/superuser-logins.check.js';
import { postgresVersionEol } from './security/version-eol.check.js';
import { postgresWeakHbaRules } from './security/weak-hba-rules.check.js';
import { POSTGRES_WEEKLY_SECURITY_CHECKS } from './weekly-security.list.js';

const sfx = randomSuffix();
const DB = `dbp 巡检 "s" Mixed_${sfx}`;
const SCHEMA = 'sch "引" 模式';
const TABLE = '订单 "T"';
const PASSWORD = `pw-${sfx}`;
const ROLES = {
  su: `dbp_Su "管理" ${sfx}`,
  infinity: `dbp_inf_${sfx}`,
  expiring: `dbp_exp_${sfx}`,
  md5: `dbp_md5_${sfx}`,
  monitor: `dbp_mon_${sfx}`,
};
const q = pgIdent;
const UNSAFE_FN = `${pgQualified(SCHEMA, '定义者 f')}(integer, text)`;
const LOOSE_FN = `${pgQualified(SCHEMA, 'loose')}(integer)`;

const targets: Target[] = [];
const open = (extra: Parameters<typeof postgresSuperTarget>[0] = {}) => {
  const t = postgresSuperTarget({ database: DB, ...extra });
  targets.push(t);
  return t;
};
const inMyDb = (report: InspectionReport, check: AnyCheck) =>
  findingsOf(report, check.id).filter((f) => f.database === DB);
const sorted = <T>(rows: T[]) => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
const objectsOf = (report: InspectionReport, check: AnyCheck) => findingsOf(report, check.id).map((f) => f.object);

async function inDb<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgUrlFor(DB) });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString();
  await withPgAdmin(async (c) => {
    await c.query(`CREATE DATABASE ${q(DB)}`);
    await c.query(`CREATE ROLE ${q(ROLES.su)} LOGIN SUPERUSER`);
    await c.query(`CREATE ROLE ${q(ROLES.infinity)} LOGIN PASSWORD '${PASSWORD}' VALID UNTIL 'infinity'`);
    await c.query(`CREATE ROLE ${q(ROLES.expiring)} LOGIN PASSWORD '${PASSWORD}' VALID UNTIL '${inTenDays}'`);
    await c.query(`SET password_encryption = 'md5'`);
    await c.query(`CREATE ROLE ${q(ROLES.md5)} LOGIN PASSWORD '${PASSWORD}' VALID UNTIL '2099-01-01'`);
    await c.query(`RESET password_encryption`);
    await c.query(`CREATE ROLE ${q(ROLES.monitor)} LOGIN IN ROLE pg_monitor`);
  });
  await inDb(async (c) => {
    await c.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
    await c.query(`CREATE SCHEMA ${q(SCHEMA)}`);
    await c.query('CREATE SCHEMA clean');
    await c.query(`CREATE TABLE ${pgQualified(SCHEMA, TABLE)} (id int PRIMARY KEY, note text)`);
    await c.query(`CREATE INDEX "note idx" ON ${pgQualified(SCHEMA, TABLE)} (note)`);
    await c.query(
      `CREATE FUNCTION ${pgQualified(SCHEMA, '定义者 f')}(a integer, b text) RETURNS integer LANGUAGE sql SECURITY DEFINER AS 'SELECT $1'`,
    );
    await c.query(
      `CREATE FUNCTION ${pgQualified(SCHEMA, 'loose')}(integer) RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = public AS 'SELECT $1'`,
    );
    await c.query(
      `CREATE FUNCTION clean.pinned(integer) RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS 'SELECT $1'`,
    );
    await c.query(`CREATE EXTENSION citext VERSION '1.4'`);
    await c.query('CREATE EXTENSION pg_trgm SCHEMA clean');
  });
});

afterAll(async () => {
  await Promise.allSettled(targets.map((t) => t.close()));
  await withPgAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${q(DB)} WITH (FORCE)`);
    for (const role of Object.values(ROLES)) {
      await c.query(`DROP OWNED BY ${q(role)}`).catch(() => undefined);
      await c.query(`DROP ROLE IF EXISTS ${q(role)}`);
    }
  });
});

describe('PostgreSQL weekly security checks on the live server', () => {
  it('gives every finding and skip reason in Chinese when the report is in Chinese', async () => {
    const zh = await runChecks(open(), POSTGRES_WEEKLY_SECURITY_CHECKS, {
      databases: { include: [DB] },
      language: 'zh',
    });
    expect(zh.findings.length).toBeGreaterThan(3);
    for (const f of zh.findings) expect(f.message, f.checkId).toMatch(/\p{Script=Han}/u);
    for (const c of zh.checks.filter((x) => x.status === 'skipped'))
      expect(c.reason, c.checkId).toMatch(/\p{Script=Han}/u);
    const expiring = findingsOf(zh, postgresPasswordExpiry.id).find((f) => f.object === q(ROLES.expiring));
    expect(expiring!.message).toMatch(/^可登录角色 .* 的密码将于 .* 过期，还剩 [\d.]+ 天（阈值 30 天）$/);
  });

  it('find every planted problem as superuser, naming the exact object', async () => {
    const report = await runChecks(open(), POSTGRES_WEEKLY_SECURITY_CHECKS, { databases: { include: [DB] } });

    expect(objectsOf(report, postgresSuperuserLogins)).toContain(q(ROLES.su));
    expect(objectsOf(report, postgresSuperuserLogins)).not.toContain('"postgres"');

    const expiry = findingsOf(report, postgresPasswordExpiry.id);
    const expiring = expiry.find((f) => f.object === q(ROLES.expiring));
    expect(expiring).toMatchObject({ severity: 'warning', threshold: 30 });
    expect(expiring!.value).toBeGreaterThan(9.8);
    expect(expiring!.value).toBeLessThanOrEqual(10);
    expect(expiry.find((f) => f.object === q(ROLES.infinity))).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('has a password that never expires'),
    });
    // pg_authid is readable: a login role without a password is not asked to rotate one.
    expect(expiry.map((f) => f.object)).not.toContain(q(ROLES.monitor));

    const md5 = findingsOf(report, postgresPasswordHashing.id).filter((f) =>
      Object.values(ROLES).map(q).includes(f.object),
    );
    expect(md5.map((f) => [f.severity, f.object])).toEqual([['warning', q(ROLES.md5)]]);

    const hba = await withPgAdmin((c) =>
      c.query<{ line_number: number }>(
        `SELECT line_number FROM pg_hba_file_rules WHERE type LIKE 'host%' AND auth_method = 'trust'`,
      ),
    );
    expect(outcomeOf(report, postgresWeakHbaRules.id)?.status).not.toBe('error');
    for (const { line_number } of hba.rows) {
      expect(
        findingsOf(report, postgresWeakHbaRules.id).find((f) => f.object.endsWith(`:${line_number}`))?.severity,
      ).toBe('critical');
    }

    expect(inMyDb(report, postgresPublicSchemaCreate).map((f) => [f.severity, f.object])).toEqual([
      ['warning', '"public"'],
    ]);
    expect(sorted(inMyDb(report, postgresSecurityDefinerSearchPath).map((f) => [f.severity, f.object]))).toEqual(
      sorted([
        ['warning', UNSAFE_FN],
        ['info', LOOSE_FN],
      ]),
    );
    expect(inMyDb(report, postgresOutdatedExtensions).map((f) => [f.severity, f.object, f.value])).toEqual([
      ['info', '"citext"', '1.4'],
    ]);
    expect(findingsOf(report, postgresNonTlsSessions.id).map((f) => f.object)).not.toContain(q(ROLES.infinity));

    expect(outcomeOf(report, postgresSchemaDrift.id)).toMatchObject({
      status: 'skipped',
      reason: 'no earlier inspection to compare with',
    });
    expect(Object.keys(report.fingerprints[postgresSchemaDrift.id] ?? {})).toContain(
      `${DB}:table ${pgQualified(SCHEMA, TABLE)}`,
    );

    const logConnections = await withPgAdmin((c) => c.query<{ log_connections: string }>('SHOW log_connections'));
    const flagged = findingsOf(report, postgresLoggingAudit.id).some((f) => f.object === 'log_connections');
    expect(flagged).toBe(logConnections.rows[0]!.log_connections === 'off');
  });

  it('flags a plain-text session by its role once loopback counts as remote', async () => {
    const admin = new URL(PG_ADMIN_URL);
    const client = new pg.Client({
      host: admin.hostname,
      port: Number(admin.port || 5432),
      database: DB,
      user: ROLES.infinity,
      password: PASSWORD,
      application_name: `dbp-plain-${sfx}`,
      ssl: false,
    });
    await client.connect();
    try {
      const thresholds = (c: AnyCheck) =>
        c.id === postgresNonTlsSessions.id
          ? { ...c.thresholds.defaults, includeLoopback: true }
          : c.thresholds.defaults;
      const report = await runChecks(open(), [postgresNonTlsSessions], { thresholds });
      const finding = findingsOf(report, postgresNonTlsSessions.id).find((f) => f.object === q(ROLES.infinity));
      expect(finding).toMatchObject({ severity: 'warning', value: 1 });
      expect(finding!.evidence).toEqual([
        expect.objectContaining({ database: DB, clientAddr: '127.0.0.1', applications: `dbp-plain-${sfx}` }),
      ]);
    } finally {
      await client.end();
    }
  });

  it('reports end of life by the project dates', async () => {
    const target = open();
    const { major } = splitPostgresVersion((await target.facts()).versionNum);
    const entry = POSTGRES_MAJOR_VERSIONS.find((v) => v.major === major)!;
    const eol = new Date(`${entry.finalRelease}T00:00:00Z`).getTime();
    const isEol = (r: InspectionReport) =>
      findingsOf(r, postgresVersionEol.id).filter((f) => f.message.includes('end-of-life'));
    const after = await runChecks(target, [postgresVersionEol], {
      now: new Date(eol + 86_400_000),
      instance: { name: 'pg-local', engine: 'postgres' },
    });
    expect(isEol(after).map((f) => [f.severity, f.object])).toEqual([['warning', 'pg-local']]);
    const before = await runChecks(target, [postgresVersionEol], { now: new Date(eol - 365 * 86_400_000) });
    expect(isEol(before)).toEqual([]);
  });

  it('reports DDL, privilege, setting and role drift against the previous inspection', async () => {
    const target = open();
    const checks = [postgresSchemaDrift, postgresConfigRoleDrift];
    const first = await runChecks(target, checks, { databases: { include: [DB] } });
    for (const c of checks)
      expect(outcomeOf(first, c.id)).toMatchObject({
        status: 'skipped',
        reason: 'no earlier inspection to compare with',
      });

    await inDb(async (c) => {
      await c.query(`ALTER TABLE ${pgQualified(SCHEMA, TABLE)} ADD COLUMN "金额" numeric(12,2)`);
      await c.query(`GRANT SELECT ON ${pgQualified(SCHEMA, TABLE)} TO PUBLIC`);
      await c.query(`DROP INDEX ${pgQualified(SCHEMA, 'note idx')}`);
      await c.query(`CREATE TABLE clean."new T" (id int)`);
      await c.query(
        `CREATE OR REPLACE FUNCTION ${pgQualified(SCHEMA, '定义者 f')}(a integer, b text) RETURNS integer LANGUAGE sql SECURITY DEFINER AS 'SELECT $1 + 1'`,
      );
    });
    await withPgAdmin(async (c) => {
      await c.query(`ALTER DATABASE ${q(DB)} SET work_mem = '8MB'`);
      await c.query(`ALTER ROLE ${q(ROLES.expiring)} CREATEROLE`);
    });

    const baseline = Object.fromEntries(checks.map((c) => [c.id, first.fingerprints[c.id]!]));
    const second = await runChecks(target, checks, { databases: { include: [DB] }, baseline });
    const table = pgQualified(SCHEMA, TABLE);
    expect(sorted(inMyDb(second, postgresSchemaDrift).map((f) => [f.severity, f.object, f.message]))).toEqual(
      sorted([
        ['warning', table, `privileges on table ${table} changed: PUBLIC now has SELECT`],
        ['info', table, `table ${table} changed (columns or types)`],
        ['info', `${UNSAFE_FN}`, `function ${UNSAFE_FN} changed (definition or options)`],
        ['info', '"clean"."new T"', 'new table "clean"."new T"'],
        ['info', pgQualified(SCHEMA, 'note idx'), `index ${pgQualified(SCHEMA, 'note idx')} dropped`],
      ]),
    );

    const mine = findingsOf(second, postgresConfigRoleDrift.id).filter((f) => f.object.includes(sfx));
    expect(sorted(mine.map((f) => [f.severity, f.object, f.message]))).toEqual(
      sorted([
        [
          'warning',
          q(ROLES.expiring),
          `role ${q(ROLES.expiring)} changed: LOGIN → LOGIN CREATEROLE (gained CREATEROLE)`,
        ],
        ['info', `work_mem (database ${q(DB)})`, `setting work_mem (database ${q(DB)}) set to 8MB`],
      ]),
    );
  });

  it('with only pg_monitor: superuser-only sources end error or skipped naming the privilege, the rest still run', async () => {
    const report = await runChecks(open({ user: ROLES.monitor }), POSTGRES_WEEKLY_SECURITY_CHECKS, {
      databases: { include: [DB] },
    });

    expect(outcomeOf(report, postgresWeakHbaRules.id)).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('pg_hba_file_rules'),
    });
    const hashing = outcomeOf(report, postgresPasswordHashing.id)!;
    const hashingText = hashing.reason ?? findingsOf(report, postgresPasswordHashing.id)[0]?.message;
    expect(hashingText).toContain('reading pg_authid needs superuser');
    expect(objectsOf(report, postgresPasswordHashing)).not.toContain(q(ROLES.md5));

    for (const c of POSTGRES_WEEKLY_SECURITY_CHECKS.filter((c) => c !== postgresWeakHbaRules)) {
      expect(outcomeOf(report, c.id)?.status, c.id).not.toBe('error');
    }
    expect(objectsOf(report, postgresSuperuserLogins)).toContain(q(ROLES.su));
    const expiry = findingsOf(report, postgresPasswordExpiry.id);
    expect(expiry.find((f) => f.object === q(ROLES.expiring))?.severity).toBe('warning');
    // Without pg_authid the role's password cannot be seen, so the never-expiring role is reported with the reason.
    expect(expiry.find((f) => f.object === q(ROLES.monitor))?.message).toContain('reading pg_authid needs superuser');
    expect(inMyDb(report, postgresPublicSchemaCreate).map((f) => f.object)).toEqual(['"public"']);
    expect(sorted(inMyDb(report, postgresSecurityDefinerSearchPath).map((f) => f.object))).toEqual(
      sorted([UNSAFE_FN, LOOSE_FN]),
    );
    expect(inMyDb(report, postgresOutdatedExtensions).map((f) => f.object)).toEqual(['"citext"']);
    expect(outcomeOf(report, postgresLoggingAudit.id)?.status).not.toBe('skipped');
    expect(outcomeOf(report, postgresSchemaDrift.id)?.reason).toBe('no earlier inspection to compare with');
  });
});
