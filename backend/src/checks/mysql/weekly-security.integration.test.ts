import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Reports as a reader shows them: texts in the language the test ran in.
import type { LocalizedReport as InspectionReport } from '../../reports/localize.js';
import type { Target } from '../../targets/target-spec.js';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';
import { randomSuffix } from '../../test/pg-fixtures.js';
import { findingsOf, mariadbRootTarget, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import type { AnyCheck } from '../check.types.js';
import { myAccount, myIdent } from '../quote.js';
import { mysqlAccountsWithoutPassword } from './security/accounts-without-password.check.js';
import { mysqlAuditLogging } from './security/audit-logging.check.js';
import { MYSQL_RELEASE_SERIES, splitMysqlVersion } from './security/eol-versions.js';
import { mysqlLoginFailureLockout } from './security/login-failure-lockout.check.js';
import { isLocalHost } from './security/accounts.js';
import { mysqlOverOpenHosts } from './security/over-open-hosts.check.js';
import { loopbackOnly } from './security/server-variables.js';
import { mysqlPasswordPolicy } from './security/password-policy.check.js';
import { mysqlPrivilegeDrift } from './security/privilege-drift.check.js';
import { mysqlRiskyFeatures } from './security/risky-features.check.js';
import { mysqlTlsNotEnforced } from './security/tls-not-enforced.check.js';
import { mysqlVersionEol } from './security/version-eol.check.js';
import { MYSQL_WEEKLY_SECURITY_CHECKS } from './weekly-security.list.js';

const s = randomSuffix();
const PASSWORD = `Pw-${s}-x9!`;
const U = {
  nopw: [`dbp_nopw_${s}`, 'localhost'],
  anon: ['', `dbp-anon-${s}.example`],
  wide: [`dbp_wide_${s}`, '%'],
  superRemote: [`dbp_superremote_${s}`, '10.9.%'],
  quoted: [`dbp_q'数据 ${s}`, '%'],
  socket: [`dbp_sock_${s}`, 'localhost'],
  gone: [`dbp_gone_${s}`, 'localhost'],
  added: [`dbp_new_${s}`, 'localhost'],
  monitor: [`dbp_mon_${s}`, '%'],
} as const satisfies Record<string, readonly [string, string]>;
const acct = (u: readonly [string, string]) => myAccount(u[0], u[1]);
const TEST_DB = `test_dbp ${s} \`x\``;

let admin: Connection;
let root: Target;
let report: InspectionReport;
const vars: Record<string, string | null> = {};

async function sql(statement: string, values: unknown[] = []): Promise<unknown[]> {
  const [rows] = await admin.query(statement, values);
  return rows as unknown[];
}
const objectsOf = (r: InspectionReport, check: AnyCheck) => findingsOf(r, check.id).map((f) => [f.severity, f.object]);
const mine = (r: InspectionReport, check: AnyCheck) => {
  const planted = new Set(Object.values(U).map(acct));
  return findingsOf(r, check.id).filter((f) => planted.has(f.object));
};

beforeAll(async () => {
  admin = await mysql.createConnection({
    ...MARIADB_ROOT,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await sql('CREATE USER ?@?', [...U.nopw]);
  await sql('CREATE USER ?@? IDENTIFIED BY ?', [...U.anon, PASSWORD]);
  await sql('CREATE USER ?@? IDENTIFIED BY ?', [...U.wide, PASSWORD]);
  await sql('CREATE USER ?@? IDENTIFIED BY ?', [...U.superRemote, PASSWORD]);
  await sql('GRANT ALL PRIVILEGES ON *.* TO ?@?', [...U.superRemote]);
  await sql('CREATE USER ?@?', [...U.quoted]);
  // The shape MariaDB installs root@localhost with: a socket, or a password nobody can match.
  await sql(`CREATE USER ?@? IDENTIFIED VIA unix_socket OR mysql_native_password USING 'invalid'`, [...U.socket]);
  await sql('CREATE USER ?@? IDENTIFIED BY ?', [...U.gone, PASSWORD]);
  await sql('CREATE USER ?@? IDENTIFIED BY ?', [...U.monitor, PASSWORD]);
  await sql('GRANT PROCESS ON *.* TO ?@?', [...U.monitor]);
  await sql(`CREATE DATABASE ${myIdent(TEST_DB)}`);
  const rows = (await sql(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('bind_address', 'skip_networking', 'require_secure_transport', 'local_infile', 'max_password_errors', 'default_password_lifetime')`,
  )) as { Variable_name: string; Value: string | null }[];
  for (const r of rows) vars[r.Variable_name] = r.Value;
  root = mariadbRootTarget();
  report = await runChecks(root, MYSQL_WEEKLY_SECURITY_CHECKS, { tier: 'weekly' });
});

afterAll(async () => {
  await root?.close();
  if (!admin) return;
  for (const u of Object.values(U)) await sql('DROP USER IF EXISTS ?@?', [...u]).catch(() => undefined);
  await sql(`DROP DATABASE IF EXISTS ${myIdent(TEST_DB)}`).catch(() => undefined);
  await admin.end();
});

describe('MY-W11 accounts without password', () => {
  it('flags the empty password, the anonymous account and the quoted unicode name', () => {
    expect(mine(report, mysqlAccountsWithoutPassword).map((f) => [f.severity, f.object])).toEqual([
      ['critical', "''@'dbp-anon-" + s + ".example'"],
      ['critical', `'dbp_nopw_${s}'@'localhost'`],
      ['critical', `'dbp_q''数据 ${s}'@'%'`],
    ]);
    const anon = mine(report, mysqlAccountsWithoutPassword)[0];
    expect(anon?.message).toBe(
      `''@'dbp-anon-${s}.example' is anonymous: any user name is accepted from 'dbp-anon-${s}.example'`,
    );
  });

  it("does not flag unix_socket OR mysql_native_password USING 'invalid', nor accounts with passwords", () => {
    const flagged = new Set(findingsOf(report, mysqlAccountsWithoutPassword.id).map((f) => f.object));
    for (const u of [U.socket, U.wide, U.superRemote, U.gone, U.monitor]) expect(flagged.has(acct(u))).toBe(false);
  });

  it('root@localhost is reported exactly when one of its ways in takes an empty password', async () => {
    const rows = (await sql(
      `SELECT COUNT(*) AS n FROM mysql.global_priv WHERE User = 'root' AND Host = 'localhost'`,
    )) as { n: string }[];
    if (Number(rows[0]?.n) === 0) return;
    const [create] = (await sql(`SHOW CREATE USER 'root'@'localhost'`)) as Record<string, string>[];
    const text = Object.values(create ?? {})[0] ?? '';
    // "IDENTIFIED VIA unix_socket OR mysql_native_password" without USING, or no IDENTIFIED at all, is an empty password.
    const passwordless = !/IDENTIFIED/.test(text) || /(VIA|OR) mysql_native_password(?! USING)/.test(text);
    const rootFinding = findingsOf(report, mysqlAccountsWithoutPassword.id).find(
      (f) => f.object === "'root'@'localhost'",
    );
    expect({ text, flagged: rootFinding !== undefined }).toEqual({ text, flagged: passwordless });
    if (rootFinding) expect(rootFinding.message).toContain('through its mysql_native_password alternative');
  });
});

describe('MY-W12 over-open hosts', () => {
  const reportAll = (c: AnyCheck) =>
    c.id === mysqlOverOpenHosts.id
      ? { ...(c.thresholds.defaults as object), lowerWhenLoopbackOnly: false }
      : c.thresholds.defaults;

  it('reports remote accounts on a loopback-only server too, one step lower and saying why', () => {
    const loopback = loopbackOnly(new Map(Object.entries(vars)));
    expect(outcomeOf(report, mysqlOverOpenHosts.id)?.status).toBe('fail');
    const wide = mine(report, mysqlOverOpenHosts).find((f) => f.object === acct(U.wide));
    if (loopback) {
      expect(wide).toMatchObject({
        severity: 'info',
        message: expect.stringContaining(`the server accepts local connections only, ${loopback}`),
      });
    } else {
      expect(wide?.severity).toBe('warning');
    }
  });

  it("warns on '%', is critical for ALL PRIVILEGES from 10.9.%, and reports local accounts only for their privileges", async () => {
    const r = await runChecks(root, [mysqlOverOpenHosts], { thresholds: reportAll });
    expect(mine(r, mysqlOverOpenHosts).map((f) => [f.severity, f.object])).toEqual([
      ['warning', `'dbp_mon_${s}'@'%'`],
      ['warning', `'dbp_q''数据 ${s}'@'%'`],
      ['critical', `'dbp_superremote_${s}'@'10.9.%'`],
      ['warning', `'dbp_wide_${s}'@'%'`],
    ]);
    const critical = mine(r, mysqlOverOpenHosts).find((f) => f.severity === 'critical');
    expect(critical?.message).toBe(
      `'dbp_superremote_${s}'@'10.9.%': an account with ALL PRIVILEGES can log in from hosts matching '10.9.%'; administrative access should be local only; holds global ALL PRIVILEGES and is not in allowedAccounts`,
    );
    for (const f of findingsOf(r, mysqlOverOpenHosts.id))
      if (isLocalHost(f.object.split('@')[1]!.slice(1, -1))) expect(f.message).toContain('not in allowedAccounts');
  });
});

describe('in Chinese', () => {
  it('gives every finding and skip reason of the weekly security checks in Chinese', async () => {
    const zh = await runChecks(root, MYSQL_WEEKLY_SECURITY_CHECKS, {
      tier: 'weekly',
      language: 'zh',
      thresholds: (c: AnyCheck) =>
        c.id === mysqlOverOpenHosts.id
          ? { ...(c.thresholds.defaults as object), lowerWhenLoopbackOnly: false }
          : c.thresholds.defaults,
    });
    expect(zh.findings.length).toBeGreaterThan(0);
    for (const f of zh.findings) expect(f.message, f.checkId).toMatch(/\p{Script=Han}/u);
    for (const c of zh.checks.filter((c) => c.status === 'skipped'))
      expect(c.reason, c.checkId).toMatch(/\p{Script=Han}/u);
    expect(mine(zh, mysqlOverOpenHosts).find((f) => f.severity === 'critical')?.message).toBe(
      `'dbp_superremote_${s}'@'10.9.%'：拥有 ALL PRIVILEGES 的账号可从匹配 '10.9.%' 的主机登录；管理权限应仅限本机使用；拥有全局 ALL PRIVILEGES 权限且不在 allowedAccounts 中`,
    );
  });
});

describe('variable-based security checks agree with the server', () => {
  it('MY-W13 password policy', () => {
    expect(objectsOf(report, mysqlPasswordPolicy)).toContainEqual(['warning', 'test-instance']);
    if (vars.default_password_lifetime === '0')
      expect(objectsOf(report, mysqlPasswordPolicy)).toContainEqual(['warning', 'default_password_lifetime']);
  });

  it('MY-W14 login-failure lockout', () => {
    const expected = Number(vars.max_password_errors) > 10 ? [['warning', 'max_password_errors']] : [];
    expect(objectsOf(report, mysqlLoginFailureLockout)).toEqual(expected);
  });

  it('MY-W15 TLS not enforced', () => {
    if (vars.require_secure_transport === 'ON') return expect(objectsOf(report, mysqlTlsNotEnforced)).toEqual([]);
    const severity = loopbackOnly(new Map(Object.entries(vars))) ? 'info' : 'warning';
    expect(objectsOf(report, mysqlTlsNotEnforced)).toEqual([[severity, 'require_secure_transport']]);
  });

  it('MY-W16 risky features: local_infile and the planted test database', () => {
    const objects = objectsOf(report, mysqlRiskyFeatures);
    expect(objects.some(([, o]) => o === 'local_infile')).toBe(vars.local_infile === 'ON');
    expect(objects).toContainEqual(['info', myIdent(TEST_DB)]);
    expect(myIdent(TEST_DB)).toBe(`\`test_dbp ${s} \`\`x\`\`\``);
  });

  it('MY-W17 audit logging (no audit plugin is loaded here)', async () => {
    const active = (
      await sql(
        `SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME IN ('SERVER_AUDIT', 'audit_log') AND PLUGIN_STATUS = 'ACTIVE'`,
      )
    ).length;
    expect(objectsOf(report, mysqlAuditLogging)).toEqual(active ? [] : [['warning', 'test-instance']]);
  });

  it('MY-W19 end of life follows the inspection date', async () => {
    const facts = await root.facts();
    const entry = MYSQL_RELEASE_SERIES.find(
      (e) => e.flavor === facts.flavor && e.series === splitMysqlVersion(facts.versionNum).series,
    );
    expect(entry, `series of ${facts.version} in eol-versions.ts`).toBeDefined();
    const before = await runChecks(root, [mysqlVersionEol], { now: new Date(`${entry!.ga}T12:00:00Z`) });
    expect(findingsOf(before, mysqlVersionEol.id).filter((f) => f.message.includes('end-of-life'))).toEqual([]);
    const after = new Date(new Date(`${entry!.endOfLife}T00:00:00Z`).getTime() + 86_400_000);
    const r = await runChecks(root, [mysqlVersionEol], { now: after });
    expect(findingsOf(r, mysqlVersionEol.id)).toMatchObject([
      {
        severity: 'warning',
        object: 'test-instance',
        message: expect.stringContaining(`${facts.version} is end-of-life`),
      },
    ]);
  });
});

describe('MY-W18 privilege drift', () => {
  it('first run records fingerprints, the second names the account that gained a global privilege', async () => {
    const first = await runChecks(root, [mysqlPrivilegeDrift]);
    expect(outcomeOf(first, mysqlPrivilegeDrift.id)).toMatchObject({
      status: 'skipped',
      reason: 'no earlier inspection to compare with',
    });
    const fingerprints = first.fingerprints[mysqlPrivilegeDrift.id]!;
    expect(fingerprints[acct(U.wide)]).toMatch(/^[0-9a-f]{16};USAGE$/);
    expect(fingerprints[acct(U.superRemote)]).toMatch(/;ALL PRIVILEGES$/);
    expect(fingerprints[acct(U.quoted)]).toBeDefined();

    await sql('GRANT RELOAD, PROCESS ON *.* TO ?@?', [...U.wide]);
    await sql('DROP USER ?@?', [...U.gone]);
    await sql('CREATE USER ?@? IDENTIFIED BY ?', [...U.added, PASSWORD]);
    await sql(`GRANT SELECT ON ${myIdent(TEST_DB)}.* TO ?@?`, [...U.added]);

    const second = await runChecks(root, [mysqlPrivilegeDrift], {
      baseline: { [mysqlPrivilegeDrift.id]: fingerprints },
    });
    expect(outcomeOf(second, mysqlPrivilegeDrift.id)?.status).toBe('fail');
    expect(mine(second, mysqlPrivilegeDrift).map((f) => [f.severity, f.object, f.message])).toEqual([
      ['info', acct(U.added), `new account ${acct(U.added)} since the previous inspection, global privileges: USAGE`],
      ['warning', acct(U.wide), `${acct(U.wide)} gained global privileges: PROCESS, RELOAD (now PROCESS, RELOAD)`],
      ['info', acct(U.gone), `account ${acct(U.gone)} was removed since the previous inspection`],
    ]);
    expect(second.fingerprints[mysqlPrivilegeDrift.id]?.[acct(U.added)]).toBeDefined();
  });
});

describe('least privilege: a monitoring account with PROCESS only', () => {
  it('account checks end in error naming SELECT on mysql.global_priv; variable checks still run', async () => {
    const target = mariadbRootTarget({ user: U.monitor[0], password: PASSWORD });
    try {
      const r = await runChecks(target, MYSQL_WEEKLY_SECURITY_CHECKS, { tier: 'weekly' });
      const status = Object.fromEntries(r.checks.map((c) => [c.checkId, c.status]));
      for (const c of [mysqlAccountsWithoutPassword, mysqlOverOpenHosts, mysqlPrivilegeDrift]) {
        expect(outcomeOf(r, c.id)).toMatchObject({
          status: 'error',
          reason: expect.stringContaining('needs SELECT on mysql.global_priv'),
        });
      }
      for (const c of [
        mysqlPasswordPolicy,
        mysqlLoginFailureLockout,
        mysqlTlsNotEnforced,
        mysqlRiskyFeatures,
        mysqlAuditLogging,
        mysqlVersionEol,
      ]) {
        expect(['pass', 'fail'], `${c.id}: ${status[c.id]}`).toContain(status[c.id]);
      }
      expect(findingsOf(r, mysqlRiskyFeatures.id).find((f) => f.object === 'test-instance')?.message).toContain(
        'lacks SHOW DATABASES',
      );
    } finally {
      await target.close();
    }
  });
});
