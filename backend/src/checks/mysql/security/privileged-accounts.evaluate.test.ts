import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11, MYSQL_8_0 } from '../../../test/check-evaluator.js';
import { toTexts, type Evaluation, type Message } from '../../check.types.js';
import { DEFAULT_ALLOWED_ACCOUNTS, parseAccount } from './accounts.js';
import { mysqlOverOpenHosts } from './over-open-hosts.check.js';

// MY-W12: global ALL PRIVILEGES / SUPER / GRANT OPTION holders outside allowedAccounts, whatever bind_address says,
// and host-pattern findings lowered (not skipped) on a loopback-only server.

const NOW = new Date('2026-12-06T12:00:00Z');
const { evaluate, findings } = checkEvaluator({
  server: MARIADB_10_11,
  window: { from: new Date(NOW.getTime() - 7 * 86_400_000), to: NOW },
  now: NOW,
  instanceName: 'db-prod-1',
  requireBothLanguages: true,
});
const en = (m: Message | undefined) => (m === undefined ? undefined : toTexts(m).en);
const zh = (m: Message | undefined) => (m === undefined ? undefined : toTexts(m).zh);
const summary = (e: Evaluation) => findings(e).map((f) => [f.severity, f.object]);
const vars = (pairs: Record<string, string>) =>
  Object.entries(pairs).map(([Variable_name, Value]) => ({ Variable_name, Value }));
const OPEN = vars({ bind_address: '0.0.0.0', skip_networking: 'OFF' });
const LOOPBACK = vars({ bind_address: '127.0.0.1', skip_networking: 'OFF' });

/** MariaDB 10.11 `access` bits: ALL = 2^39 - 1, GRANT OPTION = 1024, SUPER = 32768, SELECT = 1, PROCESS = 256. */
const ALL = 2n ** 39n - 1n;
const acc = (user: string, host: string, access: bigint | number) => ({
  user,
  host,
  access: String(access),
  privs: null,
});
const ALL_NO_GRANT = ALL - 1024n;

describe('privileged holders (global ALL PRIVILEGES, SUPER, GRANT OPTION)', () => {
  it.each([
    ['ALL PRIVILEGES without GRANT OPTION', ALL_NO_GRANT, 'holds global ALL PRIVILEGES and is not in allowedAccounts'],
    [
      'ALL PRIVILEGES WITH GRANT OPTION',
      ALL,
      'holds global ALL PRIVILEGES and GRANT OPTION and is not in allowedAccounts',
    ],
    ['SUPER only', 32768, 'holds global SUPER and is not in allowedAccounts'],
    ['GRANT OPTION on SELECT only', 1025, 'holds global GRANT OPTION and is not in allowedAccounts'],
    ['SUPER and GRANT OPTION', 32768 + 1024 + 256, 'holds global SUPER and GRANT OPTION and is not in allowedAccounts'],
  ])('a local account with %s is a warning on an open and on a loopback-only server', (_name, access, text) => {
    for (const network of [OPEN, LOOPBACK]) {
      const [f, ...rest] = findings(
        evaluate(mysqlOverOpenHosts, { network, accounts: [acc('ops', 'localhost', access)] }),
      );
      expect(rest).toEqual([]);
      expect(f).toMatchObject({ severity: 'warning', object: "'ops'@'localhost'" });
      expect(en(f?.message)).toBe(`'ops'@'localhost': ${text}`);
      expect(zh(f?.message)).toContain('不在 allowedAccounts 中');
    }
  });

  it('leaves the accounts an installation creates alone (root, mysql, mariadb.sys on localhost)', () => {
    const installed = [
      acc('mariadb.sys', 'localhost', 0),
      acc('mysql', 'localhost', 2n ** 64n - 1n),
      acc('root', '127.0.0.1', ALL),
      acc('root', 'localhost', ALL),
    ];
    expect(evaluate(mysqlOverOpenHosts, { network: OPEN, accounts: installed })).toEqual([]);
    expect(DEFAULT_ALLOWED_ACCOUNTS).toContain("'root'@'localhost'");
  });

  it('does not exempt the monitoring account or root on another host unless listed', () => {
    const accounts = [acc('dbpatrol', 'localhost', ALL), acc('root', 'db-admin.local', ALL)];
    expect(summary(evaluate(mysqlOverOpenHosts, { network: OPEN, accounts }))).toEqual([
      ['warning', "'dbpatrol'@'localhost'"],
      ['critical', "'root'@'db-admin.local'"],
    ]);
    const listed = evaluate(
      mysqlOverOpenHosts,
      { network: OPEN, accounts },
      { thresholds: { allowedAccounts: ['dbpatrol@localhost', "'root'@'db-admin.local'"] } },
    );
    // Listing exempts the privilege part only: root from a remote host is still critical as a host pattern.
    expect(summary(listed)).toEqual([['critical', "'root'@'db-admin.local'"]]);
    expect(en(findings(listed)[0]?.message)).toBe(
      "'root'@'db-admin.local': root can log in from host db-admin.local; administrative access should be local only",
    );
  });

  it('an empty allowedAccounts reports root@localhost too', () => {
    expect(
      summary(
        evaluate(
          mysqlOverOpenHosts,
          { network: OPEN, accounts: [acc('root', 'localhost', ALL)] },
          { thresholds: { allowedAccounts: [] } },
        ),
      ),
    ).toEqual([['warning', "'root'@'localhost'"]]);
  });

  it('reads MySQL privilege columns (Super_priv, Grant_priv)', () => {
    const accounts = [
      { user: 'etl', host: 'localhost', access: null, privs: 'SELECT,GRANT OPTION' },
      { user: 'mysql.session', host: 'localhost', access: null, privs: 'SELECT,SUPER' },
      { user: 'app', host: 'localhost', access: null, privs: 'SELECT' },
    ];
    expect(summary(evaluate(mysqlOverOpenHosts, { network: OPEN, accounts }, { server: MYSQL_8_0 }))).toEqual([
      ['warning', "'etl'@'localhost'"],
    ]);
  });
});

describe('host patterns on a loopback-only server are lowered, not skipped', () => {
  const accounts = [acc('app', '%', 1), acc('adm', '10.1.%', ALL), acc('root', '%', 1)];

  it('lowers warning to info and critical to warning, naming the reason', () => {
    const out = findings(evaluate(mysqlOverOpenHosts, { network: LOOPBACK, accounts }));
    expect(out.map((f) => [f.severity, f.object])).toEqual([
      ['info', "'app'@'%'"],
      ['warning', "'adm'@'10.1.%'"],
      ['warning', "'root'@'%'"],
    ]);
    expect(en(out[0]?.message)).toBe(
      "'app'@'%' accepts connections from any host (lowered from warning: the server accepts local connections only, bind_address=127.0.0.1, until bind_address or skip_networking changes)",
    );
    expect(zh(out[0]?.message)).toContain('由警告降低一级');
    // The privilege part is not lowered: ALL from 10.1.% stays a warning even though the host part dropped to one.
    expect(en(out[1]?.message)).toBe(
      "'adm'@'10.1.%': an account with ALL PRIVILEGES can log in from hosts matching '10.1.%'; administrative access should be local only (lowered from critical: the server accepts local connections only, bind_address=127.0.0.1, until bind_address or skip_networking changes); holds global ALL PRIVILEGES and GRANT OPTION and is not in allowedAccounts",
    );
  });

  it('skip_networking lowers the same way', () => {
    const out = findings(
      evaluate(mysqlOverOpenHosts, { network: vars({ bind_address: '*', skip_networking: 'ON' }), accounts }),
    );
    expect(out.map((f) => f.severity)).toEqual(['info', 'warning', 'warning']);
    expect(en(out[2]?.message)).toContain('skip_networking=ON');
  });

  it('lowerWhenLoopbackOnly: false keeps full severity', () => {
    expect(
      summary(
        evaluate(mysqlOverOpenHosts, { network: LOOPBACK, accounts }, { thresholds: { lowerWhenLoopbackOnly: false } }),
      ),
    ).toEqual([
      ['warning', "'app'@'%'"],
      ['critical', "'adm'@'10.1.%'"],
      ['critical', "'root'@'%'"],
    ]);
  });

  it('a host bound to a routable address is not lowered', () => {
    const out = findings(evaluate(mysqlOverOpenHosts, { network: vars({ bind_address: '::' }), accounts }));
    expect(out.map((f) => f.severity)).toEqual(['warning', 'critical', 'critical']);
    for (const f of out) expect(en(f.message)).not.toContain('lowered');
  });
});

describe('parseAccount (allowedAccounts entries)', () => {
  it.each([
    ["'root'@'localhost'", { user: 'root', host: 'localhost' }],
    ['`root`@`LOCALHOST`', { user: 'root', host: 'localhost' }],
    ['"mysql.sys"@"localhost"', { user: 'mysql.sys', host: 'localhost' }],
    ['backup@10.0.0.%', { user: 'backup', host: '10.0.0.%' }],
    ["'o''brien'@'%'", { user: "o'brien", host: '%' }],
    ['nohost', null],
  ])('%s', (text, expected) => {
    expect(parseAccount(text)).toEqual(expected);
  });
});
