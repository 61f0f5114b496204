import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';
import { randomSuffix } from '../../test/pg-fixtures.js';
import { findingsOf, mariadbRootTarget, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import type { Target } from '../../targets/target-spec.js';
import type { AnyCheck } from '../check.types.js';
import { myAccount } from '../quote.js';
import { DEFAULT_ALLOWED_ACCOUNTS } from './security/accounts.js';
import { mysqlOverOpenHosts } from './security/over-open-hosts.check.js';
import { loopbackOnly } from './security/server-variables.js';

// MY-W12 on the local MariaDB with planted accounts: global SUPER / GRANT OPTION / ALL holders are findings whatever
// bind_address says; host patterns ('%', remote ALL) are lowered one step on a loopback-only server, never skipped.
const s = randomSuffix().slice(0, 6);
const PASSWORD = `Pa-${s}-q7!Lm`;
const U = {
  superLocal: [`dbp_pa_super_${s}`, 'localhost'],
  grantLocal: [`dbp_pa_grant_${s}`, 'localhost'],
  allLocal: [`dbp_pa_all_${s}`, 'localhost'],
  plainLocal: [`dbp_pa_plain_${s}`, 'localhost'],
  wide: [`dbp_pa_wide_${s}`, '%'],
  remoteAll: [`dbp_pa_remote_${s}`, '10.7.%'],
  locked: [`dbp_pa_locked_${s}`, 'localhost'],
  monitor: [`dbp_pa_mon_${s}`, '127.0.0.1'],
} as const satisfies Record<string, readonly [string, string]>;
const ROLE = `dbp_pa_role_${s}`;
const acct = (u: readonly [string, string]) => myAccount(u[0], u[1]);

let admin: mysql.Connection;
let root: Target;
let loopback: string | null;

const planted = new Set(Object.values(U).map(acct));
const mine = (r: { findings: { checkId: string; object: string; severity: string; message: string }[] }) =>
  findingsOf(r, mysqlOverOpenHosts.id).filter((f) => planted.has(f.object) || f.object.includes(ROLE));
const thresholds = (values: Record<string, unknown>) => (c: AnyCheck) =>
  c.id === mysqlOverOpenHosts.id ? { ...(c.thresholds.defaults as object), ...values } : c.thresholds.defaults;

beforeAll(async () => {
  admin = await mysql.createConnection(MARIADB_ROOT);
  const q = (sql: string, values: unknown[] = []) => admin.query(sql, values);
  for (const u of Object.values(U)) await q('CREATE USER ?@? IDENTIFIED BY ?', [...u, PASSWORD]);
  await q('GRANT SUPER ON *.* TO ?@?', [...U.superLocal]);
  await q('GRANT SELECT ON *.* TO ?@? WITH GRANT OPTION', [...U.grantLocal]);
  await q('GRANT ALL PRIVILEGES ON *.* TO ?@?', [...U.allLocal]);
  await q('GRANT SELECT, PROCESS ON *.* TO ?@?', [...U.plainLocal]);
  await q('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [...U.remoteAll]);
  await q('GRANT SUPER ON *.* TO ?@?', [...U.locked]);
  await q('ALTER USER ?@? ACCOUNT LOCK', [...U.locked]);
  // The monitoring account inspects with SUPER plus what the account checks read: its own entry is not exempt.
  await q('GRANT SUPER, PROCESS, SELECT ON *.* TO ?@?', [...U.monitor]);
  await q(`CREATE ROLE ${myAccount(ROLE, '').split('@')[0]}`);
  await q(`GRANT SUPER ON *.* TO ${myAccount(ROLE, '').split('@')[0]}`);
  const [rows] = await admin.query(`SHOW GLOBAL VARIABLES WHERE Variable_name IN ('bind_address', 'skip_networking')`);
  loopback = loopbackOnly(
    new Map((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, r.Value])),
  );
  root = mariadbRootTarget();
});

afterAll(async () => {
  await root?.close();
  if (!admin) return;
  for (const u of Object.values(U)) await admin.query('DROP USER IF EXISTS ?@?', [...u]).catch(() => undefined);
  await admin.query(`DROP ROLE IF EXISTS ${myAccount(ROLE, '').split('@')[0]}`).catch(() => undefined);
  await admin.end();
});

describe('MY-W12 privileged holders and host patterns on the live server', () => {
  it('reports SUPER, GRANT OPTION and ALL holders outside the allowed list; the host pattern is lowered with its reason', async () => {
    const r = await runChecks(root, [mysqlOverOpenHosts], { tier: 'weekly' });
    expect(outcomeOf(r, mysqlOverOpenHosts.id)?.status).toBe('fail');
    const found = Object.fromEntries(mine(r).map((f) => [f.object, f]));
    expect(Object.keys(found).sort()).toEqual(
      [U.superLocal, U.grantLocal, U.allLocal, U.wide, U.remoteAll, U.monitor].map(acct).sort(),
    );
    expect(found[acct(U.superLocal)]).toMatchObject({
      severity: 'warning',
      message: `${acct(U.superLocal)}: holds global SUPER and is not in allowedAccounts`,
    });
    expect(found[acct(U.grantLocal)]?.message).toBe(
      `${acct(U.grantLocal)}: holds global GRANT OPTION and is not in allowedAccounts`,
    );
    expect(found[acct(U.allLocal)]?.message).toBe(
      `${acct(U.allLocal)}: holds global ALL PRIVILEGES and is not in allowedAccounts`,
    );
    expect(found[acct(U.monitor)]?.severity).toBe('warning');

    const wide = found[acct(U.wide)];
    const remote = found[acct(U.remoteAll)];
    expect(remote?.message).toContain('holds global ALL PRIVILEGES and GRANT OPTION and is not in allowedAccounts');
    if (loopback) {
      expect(wide?.severity).toBe('info');
      expect(wide?.message).toContain(`(lowered from warning: the server accepts local connections only, ${loopback}`);
      expect(remote?.severity).toBe('warning');
      expect(remote?.message).toContain(
        `(lowered from critical: the server accepts local connections only, ${loopback}`,
      );
    } else {
      expect(wide?.severity).toBe('warning');
      expect(remote?.severity).toBe('critical');
    }
    // Installation accounts (root@localhost, mysql@localhost, …) are allowed by default.
    const objects = new Set(findingsOf(r, mysqlOverOpenHosts.id).map((f) => f.object));
    for (const a of DEFAULT_ALLOWED_ACCOUNTS) expect(objects.has(a), a).toBe(false);
  });

  it('leaves a plain local account, a locked SUPER account and a role alone', async () => {
    const r = await runChecks(root, [mysqlOverOpenHosts], { tier: 'weekly' });
    const objects = new Set(findingsOf(r, mysqlOverOpenHosts.id).map((f) => f.object));
    for (const u of [U.plainLocal, U.locked]) expect(objects.has(acct(u)), acct(u)).toBe(false);
    expect([...objects].some((o) => o.includes(ROLE))).toBe(false);
  });

  it('an account listed in allowedAccounts is exempt from the privilege part only; lowerWhenLoopbackOnly false restores full severity', async () => {
    const r = await runChecks(root, [mysqlOverOpenHosts], {
      tier: 'weekly',
      thresholds: thresholds({
        allowedAccounts: [...DEFAULT_ALLOWED_ACCOUNTS, acct(U.superLocal), `${U.remoteAll[0]}@${U.remoteAll[1]}`],
        lowerWhenLoopbackOnly: false,
      }),
    });
    const found = Object.fromEntries(mine(r).map((f) => [f.object, f]));
    expect(found[acct(U.superLocal)]).toBeUndefined();
    expect(found[acct(U.remoteAll)]).toMatchObject({
      severity: 'critical',
      message: `${acct(U.remoteAll)}: an account with ALL PRIVILEGES can log in from hosts matching '10.7.%'; administrative access should be local only`,
    });
    expect(found[acct(U.wide)]).toMatchObject({
      severity: 'warning',
      message: `${acct(U.wide)} accepts connections from any host`,
    });
  });

  it('inspecting as the privileged monitoring account reports that account itself, in Chinese too', async () => {
    const target = mariadbRootTarget({ user: U.monitor[0], password: PASSWORD });
    try {
      const r = await runChecks(target, [mysqlOverOpenHosts], { tier: 'weekly', language: 'zh' });
      expect(mine(r).find((f) => f.object === acct(U.monitor))).toMatchObject({
        severity: 'warning',
        message: `${acct(U.monitor)}：拥有全局 SUPER 权限且不在 allowedAccounts 中`,
      });
    } finally {
      await target.close();
    }
  });
});
