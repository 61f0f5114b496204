import { describe, expect, it } from 'vitest';
import { checkEvaluator, type EvaluateOptions } from '../../../test/check-evaluator.js';
import { toTexts, type AnyCheck, type Evaluation, type Message, type ServerFacts } from '../../check.types.js';
import { mysqlAccountsWithoutPassword } from './accounts-without-password.check.js';
import { mysqlAuditLogging } from './audit-logging.check.js';
import { MYSQL_RELEASE_SERIES } from './eol-versions.js';
import { mysqlLoginFailureLockout } from './login-failure-lockout.check.js';
import { mysqlOverOpenHosts } from './over-open-hosts.check.js';
import { mysqlPasswordPolicy } from './password-policy.check.js';
import { mysqlPrivilegeDrift } from './privilege-drift.check.js';
import { mysqlRiskyFeatures } from './risky-features.check.js';
import { mysqlTlsNotEnforced } from './tls-not-enforced.check.js';
import { mysqlVersionEol } from './version-eol.check.js';

const en = (m: Message | undefined): string | undefined => (m === undefined ? undefined : toTexts(m).en);

const NOW = new Date('2026-11-24T12:00:00Z');

function server(flavor: 'mysql' | 'mariadb', version: string): ServerFacts {
  const [a = 0, b = 0, c = 0] = version.split('.').map(Number);
  return {
    engine: flavor,
    flavor,
    version,
    versionNum: a * 10000 + b * 100 + c,
    versionString: flavor === 'mariadb' ? `${version}-MariaDB` : version,
    role: 'primary',
    uptimeSeconds: 86_400,
    readOnly: false,
  };
}
const MARIADB = server('mariadb', '10.11.19');
const MYSQL = server('mysql', '8.0.36');

const shared = checkEvaluator({
  server: MARIADB,
  window: { from: new Date(NOW.getTime() - 7 * 86_400_000), to: NOW },
  now: NOW,
  instanceName: 'db-prod-1',
  requireBothLanguages: true,
});
const { findings } = shared;
/** The shared evaluator, with the seven-day window following a per-case clock. */
function evaluate(check: AnyCheck, raw: Record<string, unknown[]>, o: EvaluateOptions = {}): Evaluation {
  const now = o.now ?? NOW;
  return shared.evaluate(check, raw, {
    ...o,
    now,
    window: { from: new Date(now.getTime() - 7 * 86_400_000), to: now },
  });
}
const skipped = (e: Evaluation): string => shared.skipped(e).en;
const summary = (e: Evaluation) => findings(e).map((f) => [f.severity, f.object]);
const vars = (pairs: Record<string, string | null>) =>
  Object.entries(pairs).map(([Variable_name, Value]) => ({ Variable_name, Value }));

describe('mysql.accounts-without-password (MY-W11)', () => {
  const row = (
    user: string,
    host: string,
    plugin: string,
    authEmpty: number | string,
    authOr: string | null = null,
  ) => ({
    user,
    host,
    plugin,
    auth_empty: authEmpty,
    auth_or: authOr,
  });
  it.each([
    [
      "MariaDB root@localhost as installed: unix_socket OR mysql_native_password USING 'invalid'",
      row('root', 'localhost', 'mysql_native_password', 0, '[{"plugin": "unix_socket"}, {}]'),
      [],
    ],
    [
      "the same with USING '' (empty password alternative)",
      row('root', 'localhost', 'mysql_native_password', '1', '[{"plugin": "unix_socket"}, {}]'),
      [['critical', "'root'@'localhost'"]],
    ],
    ['unix_socket only', row('mysql', 'localhost', 'unix_socket', 1), []],
    ['PAM keeps a service name, empty is normal', row('corp', '%', 'pam', 1), []],
    ['MySQL auth_socket', row('backup', 'localhost', 'auth_socket', 1), []],
    [
      'MySQL caching_sha2_password without a password',
      row('app', '10.%', 'caching_sha2_password', 1),
      [['critical', "'app'@'10.%'"]],
    ],
    ['MariaDB < 10.4 empty plugin means native', row('legacy', '%', '', 1), [['critical', "'legacy'@'%'"]]],
    [
      'anonymous account with a password',
      row('', 'db1.example', 'mysql_native_password', 0),
      [['critical', "''@'db1.example'"]],
    ],
    [
      'ed25519 alternative with an empty string',
      row('ops', 'localhost', 'unix_socket', 1, '[{"plugin": "ed25519", "authentication_string": ""}, {}]'),
      [['critical', "'ops'@'localhost'"]],
    ],
    [
      'masked (non-empty) ed25519 alternative',
      row('ops', 'localhost', 'unix_socket', 1, '[{"plugin": "ed25519", "authentication_string": "*"}, {}]'),
      [],
    ],
    [
      'quote and unicode in the user name',
      row("o'数据", '%', 'mysql_native_password', 1),
      [['critical', "'o''数据'@'%'"]],
    ],
  ] as const)('%s', (_name, account, expected) => {
    expect(summary(evaluate(mysqlAccountsWithoutPassword, { accounts: [account] }))).toEqual(expected);
  });

  it('names both problems of an anonymous account without a password', () => {
    const [f] = findings(
      evaluate(mysqlAccountsWithoutPassword, { accounts: [row('', '%', 'mysql_native_password', 1)] }),
    );
    expect(en(f?.message)).toBe(
      "''@'%' is anonymous: any user name is accepted from any host and accepts an empty password (mysql_native_password)",
    );
  });

  it('says which alternative lets the empty password in', () => {
    const [f] = findings(
      evaluate(mysqlAccountsWithoutPassword, {
        accounts: [row('root', 'localhost', 'mysql_native_password', 1, '[{"plugin": "unix_socket"}, {}]')],
      }),
    );
    expect(en(f?.message)).toContain(
      'through its mysql_native_password alternative (IDENTIFIED VIA unix_socket OR mysql_native_password)',
    );
  });

  it('rejects an auth_or that is not JSON', () => {
    expect(() => evaluate(mysqlAccountsWithoutPassword, { accounts: [row('x', '%', 'ed25519', 0, '[{')] })).toThrow();
  });
});

describe('mysql.over-open-hosts (MY-W12)', () => {
  const open = vars({ bind_address: '0.0.0.0', skip_networking: 'OFF' });
  const all1011 = String(2n ** 39n - 1n);
  const accounts = [
    { user: 'app', host: '%', access: '1', privs: null },
    { user: 'root', host: '%', access: all1011, privs: null },
    { user: 'dba', host: '10.9.%', access: String(2n ** 39n - 1n - 1024n), privs: null },
    { user: 'ops', host: '10.0.0.5', access: '32768', privs: null },
    { user: 'loop', host: '127.%', access: '32768', privs: null },
  ];

  it('warns on any-host accounts and is critical for root, ALL and SUPER from remote hosts', () => {
    const out = findings(evaluate(mysqlOverOpenHosts, { network: open, accounts }));
    expect(out.map((f) => [f.severity, f.object])).toEqual([
      ['warning', "'app'@'%'"],
      ['critical', "'root'@'%'"],
      ['critical', "'dba'@'10.9.%'"],
      ['critical', "'ops'@'10.0.0.5'"],
      ['warning', "'loop'@'127.%'"],
    ]);
    expect(en(out[0]?.message)).toBe("'app'@'%' accepts connections from any host");
    expect(en(out[1]?.message)).toContain('root can log in from any host');
    expect(en(out[2]?.message)).toContain("an account with ALL PRIVILEGES can log in from hosts matching '10.9.%'");
    expect(en(out[3]?.message)).toContain('an account with SUPER can log in from host 10.0.0.5');
    expect(out[2]?.evidence?.[0]).toMatchObject({ globalPrivileges: 'ALL PRIVILEGES' });
  });

  it.each([
    ['bind_address 127.0.0.1', { bind_address: '127.0.0.1', skip_networking: 'OFF' }],
    ['several loopback addresses (MySQL 8.0.13+)', { bind_address: '127.0.0.1,::1', skip_networking: 'OFF' }],
    ['skip_networking', { bind_address: '0.0.0.0', skip_networking: 'ON' }],
  ])('lowers host-pattern findings one step on a local-only server, still reporting them: %s', (_name, network) => {
    const out = findings(evaluate(mysqlOverOpenHosts, { network: vars(network), accounts }));
    expect(out.map((f) => [f.severity, f.object])).toEqual([
      ['info', "'app'@'%'"],
      ['warning', "'root'@'%'"],
      ['warning', "'dba'@'10.9.%'"],
      ['warning', "'ops'@'10.0.0.5'"],
      ['warning', "'loop'@'127.%'"],
    ]);
    expect(en(out[0]?.message)).toMatch(
      /accepts connections from any host \(lowered from warning: .*local connections only/,
    );
    const reported = evaluate(
      mysqlOverOpenHosts,
      { network: vars(network), accounts },
      { thresholds: { lowerWhenLoopbackOnly: false } },
    );
    expect(summary(reported).map(([sev]) => sev)).toEqual(['warning', 'critical', 'critical', 'critical', 'warning']);
  });

  it('reports at full severity when one bind address is not loopback', () => {
    expect(
      summary(evaluate(mysqlOverOpenHosts, { network: vars({ bind_address: '127.0.0.1,10.0.0.1' }), accounts })),
    ).toEqual(summary(evaluate(mysqlOverOpenHosts, { network: open, accounts })));
  });

  it('reports a local SUPER holder outside allowedAccounts whatever the network, and passes once it is listed', () => {
    const local = { network: vars({ bind_address: '127.0.0.1' }), accounts: [accounts[4]!] };
    expect(summary(evaluate(mysqlOverOpenHosts, local))).toEqual([['warning', "'loop'@'127.%'"]]);
    expect(evaluate(mysqlOverOpenHosts, local, { thresholds: { allowedAccounts: ["'loop'@'127.%'"] } })).toEqual([]);
  });

  it('reads MySQL privilege columns', () => {
    const out = findings(
      evaluate(
        mysqlOverOpenHosts,
        { network: open, accounts: [{ user: 'etl', host: '192.168.1.%', access: null, privs: 'SELECT,SUPER' }] },
        { server: MYSQL },
      ),
    );
    expect(out.map((f) => [f.severity, f.object])).toEqual([['critical', "'etl'@'192.168.1.%'"]]);
  });

  it('knows MariaDB 10.4 had 30 privilege bits (ALL = 2^30 - 1)', () => {
    const [f] = findings(
      evaluate(
        mysqlOverOpenHosts,
        { network: open, accounts: [{ user: 'adm', host: '%', access: String(2 ** 30 - 1), privs: null }] },
        { server: server('mariadb', '10.4.34') },
      ),
    );
    expect(f?.evidence?.[0]).toMatchObject({ globalPrivileges: 'ALL PRIVILEGES, GRANT OPTION' });
  });
});

describe('mysql.password-policy (MY-W13)', () => {
  const plugin = (name: string, status = 'ACTIVE') => ({ name, status });
  it.each([
    [
      'MariaDB default: no validator, never expires',
      [],
      { default_password_lifetime: '0' },
      MARIADB,
      [
        ['warning', 'db-prod-1'],
        ['warning', 'default_password_lifetime'],
      ],
    ],
    [
      'simple_password_check, 8 characters, 90 days',
      [plugin('simple_password_check')],
      { default_password_lifetime: '90', simple_password_check_minimal_length: '8' },
      MARIADB,
      [],
    ],
    [
      'minimal length below 8',
      [plugin('simple_password_check')],
      { default_password_lifetime: '90', simple_password_check_minimal_length: '6' },
      MARIADB,
      [['warning', 'simple_password_check_minimal_length']],
    ],
    [
      'lifetime above 90 days',
      [plugin('cracklib_password_check')],
      { default_password_lifetime: '91' },
      MARIADB,
      [['warning', 'default_password_lifetime']],
    ],
    [
      'a validator installed but disabled',
      [plugin('simple_password_check', 'DISABLED')],
      { default_password_lifetime: '30' },
      MARIADB,
      [['warning', 'db-prod-1']],
    ],
    ['MySQL 8 component', [], { 'validate_password.length': '12', default_password_lifetime: '60' }, MYSQL, []],
    [
      'MySQL 5.7 plugin too short',
      [plugin('validate_password')],
      { validate_password_length: '4', default_password_lifetime: '60' },
      server('mysql', '5.7.44'),
      [['warning', 'validate_password_length']],
    ],
    [
      'MariaDB 10.3 has no default_password_lifetime',
      [plugin('simple_password_check')],
      {},
      server('mariadb', '10.3.39'),
      [['warning', 'db-prod-1']],
    ],
  ] as const)('%s', (_name, plugins, variables, srv, expected) => {
    expect(
      summary(evaluate(mysqlPasswordPolicy, { plugins: [...plugins], variables: vars(variables) }, { server: srv })),
    ).toEqual(expected);
  });

  it('says password_reuse_check alone is no complexity check', () => {
    const [f] = findings(
      evaluate(mysqlPasswordPolicy, {
        plugins: [plugin('password_reuse_check')],
        variables: vars({ default_password_lifetime: '90' }),
      }),
    );
    expect(en(f?.message)).toContain('password_reuse_check is active but only prevents reuse');
  });
});

describe('mysql.login-failure-lockout (MY-W14)', () => {
  it.each([
    ['MariaDB default 4294967295 = off', '4294967295', [['warning', 'max_password_errors']]],
    ['MariaDB 5 attempts', '5', []],
    ['MariaDB 10 attempts (the threshold)', '10', []],
    ['MariaDB 11 attempts', '11', [['warning', 'max_password_errors']]],
  ] as const)('%s', (_name, value, expected) => {
    expect(summary(evaluate(mysqlLoginFailureLockout, { variables: vars({ max_password_errors: value }) }))).toEqual(
      expected,
    );
  });

  it('MariaDB before 10.4.2 cannot lock out', () => {
    expect(summary(evaluate(mysqlLoginFailureLockout, {}, { server: server('mariadb', '10.3.39') }))).toEqual([
      ['warning', 'db-prod-1'],
    ]);
  });

  it('MySQL with connection_control active passes', () => {
    const out = evaluate(
      mysqlLoginFailureLockout,
      {
        variables: vars({ connection_control_failed_connections_threshold: '3' }),
        plugins: [{ name: 'CONNECTION_CONTROL', status: 'ACTIVE' }],
      },
      { server: MYSQL },
    );
    expect(out).toEqual([]);
  });

  it('MySQL 8.0.19+ counts accounts without FAILED_LOGIN_ATTEMPTS', () => {
    const accounts = [
      { user: 'app', host: '%', failed_login_attempts: '3' },
      { user: 'etl', host: '10.%', failed_login_attempts: 0 },
      { user: 'bi', host: '10.%', failed_login_attempts: '50' },
    ];
    const [f, ...rest] = findings(evaluate(mysqlLoginFailureLockout, { accounts }, { server: MYSQL }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'warning', object: 'db-prod-1', value: 2 });
    expect(en(f?.message)).toContain(
      '2 of 3 unlocked accounts have no FAILED_LOGIN_ATTEMPTS (or more than 10) and connection_control is not installed',
    );
    expect(f?.evidence).toEqual([
      { account: "'etl'@'10.%'", failedLoginAttempts: 0 },
      { account: "'bi'@'10.%'", failedLoginAttempts: 50 },
    ]);
    expect(evaluate(mysqlLoginFailureLockout, { accounts: [accounts[0]!] }, { server: MYSQL })).toEqual([]);
  });

  it('MySQL: skipped when mysql.user could not be read', () => {
    expect(skipped(evaluate(mysqlLoginFailureLockout, { accounts: [] }, { server: MYSQL }))).toContain(
      'needs SELECT on mysql.user',
    );
  });

  it('MySQL 5.7 without connection_control', () => {
    expect(summary(evaluate(mysqlLoginFailureLockout, {}, { server: server('mysql', '5.7.44') }))).toEqual([
      ['warning', 'db-prod-1'],
    ]);
  });
});

describe('mysql.tls-not-enforced (MY-W15)', () => {
  const remote = vars({ require_secure_transport: 'OFF', have_ssl: 'YES', bind_address: '*' });
  it('passes when TLS is required', () => {
    expect(
      evaluate(mysqlTlsNotEnforced, { variables: vars({ require_secure_transport: 'ON', have_ssl: 'YES' }) }),
    ).toEqual([]);
  });
  it('warns when not required, with the accounts that could use plain TCP', () => {
    const [f] = findings(evaluate(mysqlTlsNotEnforced, { variables: remote, accounts: [{ user: 'app', host: '%' }] }));
    expect(f).toMatchObject({
      severity: 'warning',
      object: 'require_secure_transport',
      evidence: [{ account: "'app'@'%'" }],
    });
    expect(en(f?.message)).toBe(
      'require_secure_transport=OFF: clients may connect without TLS; 1 non-local account(s) have no REQUIRE SSL/X509',
    );
  });
  it('says when TLS is not available at all', () => {
    const [f] = findings(
      evaluate(mysqlTlsNotEnforced, { variables: vars({ require_secure_transport: 'OFF', have_ssl: 'DISABLED' }) }),
    );
    expect(en(f?.message)).toContain('TLS is not even available (have_ssl=DISABLED)');
  });
  it('is informational on a loopback-only server', () => {
    expect(
      summary(
        evaluate(mysqlTlsNotEnforced, {
          variables: vars({ require_secure_transport: 'OFF', bind_address: '127.0.0.1' }),
        }),
      ),
    ).toEqual([['info', 'require_secure_transport']]);
  });
  it('MariaDB before 10.5.2 cannot enforce TLS', () => {
    const [f] = findings(
      evaluate(mysqlTlsNotEnforced, { variables: vars({ have_ssl: 'YES' }) }, { server: server('mariadb', '10.4.34') }),
    );
    expect(f).toMatchObject({ severity: 'warning', object: 'db-prod-1' });
    expect(en(f?.message)).toContain('require_secure_transport needs MySQL 5.7.8 or MariaDB 10.5.2');
  });
});

describe('mysql.risky-features (MY-W16)', () => {
  const settings = (localInfile: string, secureFilePriv: string | null, asp: string, snr: string) => [
    {
      local_infile: localInfile,
      secure_file_priv: secureFilePriv,
      automatic_sp_privileges: asp,
      skip_name_resolve: snr,
    },
  ];
  it('one finding per risky setting and test database', () => {
    const out = evaluate(mysqlRiskyFeatures, {
      settings: settings('1', '', '1', '0'),
      testDatabases: [{ name: 'test' }, { name: 'test_app' }],
      visibility: [{ show_databases: '1' }],
    });
    expect(summary(out)).toEqual([
      ['warning', 'local_infile'],
      ['warning', 'secure_file_priv'],
      ['info', 'automatic_sp_privileges'],
      ['info', 'skip_name_resolve'],
      ['info', '`test`'],
      ['info', '`test_app`'],
    ]);
  });
  it.each([
    ['secure_file_priv NULL (disabled)', null],
    ['secure_file_priv a directory', '/var/lib/mysql-files/'],
  ])('passes with safe settings: %s', (_name, priv) => {
    expect(
      evaluate(mysqlRiskyFeatures, { settings: settings('0', priv, '0', '1'), visibility: [{ show_databases: 1 }] }),
    ).toEqual([]);
  });
  it('says when test databases could not all be seen', () => {
    const out = findings(
      evaluate(mysqlRiskyFeatures, { settings: settings('0', null, '0', '1'), visibility: [{ show_databases: '0' }] }),
    );
    expect(out.map((f) => [f.severity, f.object])).toEqual([['info', 'db-prod-1']]);
    expect(en(out[0]?.message)).toContain('lacks SHOW DATABASES');
  });
});

describe('mysql.audit-logging-off (MY-W17)', () => {
  const plugin = (name: string, status = 'ACTIVE') => ({ name, status });
  it.each([
    ['nothing installed', [], {}, [['warning', 'db-prod-1']]],
    ['server_audit logging', [plugin('SERVER_AUDIT')], { server_audit_logging: 'ON' }, []],
    [
      'server_audit loaded, logging off',
      [plugin('SERVER_AUDIT')],
      { server_audit_logging: 'OFF' },
      [['warning', 'server_audit_logging']],
    ],
    [
      'server_audit disabled',
      [plugin('SERVER_AUDIT', 'DISABLED')],
      { server_audit_logging: 'ON' },
      [['warning', 'db-prod-1']],
    ],
    ['Percona audit_log', [plugin('audit_log')], { audit_log_policy: 'ALL' }, []],
    ['audit_log policy NONE', [plugin('audit_log')], { audit_log_policy: 'NONE' }, [['warning', 'audit_log_policy']]],
    [
      'audit_log disabled at runtime',
      [plugin('audit_log')],
      { audit_log_disable: 'ON' },
      [['warning', 'audit_log_disable']],
    ],
    ['audit_log_filter component', [], { 'audit_log_filter.format': 'NEW' }, []],
  ] as const)('%s', (_name, plugins, variables, expected) => {
    expect(summary(evaluate(mysqlAuditLogging, { plugins: [...plugins], variables: vars(variables) }))).toEqual(
      expected,
    );
  });
});

describe('mysql.privilege-drift (MY-W18)', () => {
  const acct = (user: string, host: string, access: string, isRole = 0) => ({
    user,
    host,
    access,
    privs: null,
    is_role: String(isRole),
  });
  const base = {
    accounts: [acct('root', 'localhost', String(2n ** 39n - 1n)), acct('app', '%', '0'), acct('reporting', '', '0', 1)],
    grants: [{ user: 'app', host: '%', entries: '2', digest: '1152921504606846975' }],
  };
  const first = evaluate(mysqlPrivilegeDrift, base);
  const fingerprints = (e: Evaluation) => {
    if (Array.isArray(e) || !e.fingerprints) throw new Error('no fingerprints');
    return e.fingerprints;
  };

  it('first run: skipped with fingerprints, roles named alone, ALL compacted', () => {
    expect(skipped(first)).toBe('no earlier inspection to compare with');
    const fp = fingerprints(first);
    expect(Object.keys(fp)).toEqual(["'root'@'localhost'", "'app'@'%'", "'reporting'"]);
    expect(fp["'root'@'localhost'"]).toMatch(/^[0-9a-f]{16};ALL PRIVILEGES,GRANT OPTION$/);
    expect(fp["'app'@'%'"]).toMatch(/;USAGE$/);
  });

  it('no change: no findings', () => {
    const out = evaluate(mysqlPrivilegeDrift, base, { baseline: fingerprints(first) });
    expect(findings(out)).toEqual([]);
    expect(fingerprints(out)).toEqual(fingerprints(first));
  });

  it('a gained global privilege is a warning naming it', () => {
    const out = evaluate(
      mysqlPrivilegeDrift,
      { ...base, accounts: [base.accounts[0]!, acct('app', '%', String(32768 + 256)), base.accounts[2]!] },
      { baseline: fingerprints(first) },
    );
    const [f, ...rest] = findings(out);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      severity: 'warning',
      object: "'app'@'%'",
      message: { en: "'app'@'%' gained global privileges: PROCESS, SUPER (now PROCESS, SUPER)" },
    });
  });

  it('database-level changes, lost privileges, new and removed accounts are informational', () => {
    const out = evaluate(
      mysqlPrivilegeDrift,
      {
        accounts: [
          acct('root', 'localhost', String(2n ** 39n - 1n - 2n ** 15n)),
          acct('app', '%', '0'),
          acct('new_ro', '%', '0'),
          acct('new_adm', '%', '1'),
        ],
        grants: [{ user: 'app', host: '%', entries: '3', digest: '42' }],
      },
      { baseline: fingerprints(first) },
    );
    expect(summary(out)).toEqual([
      ['info', "'root'@'localhost'"],
      ['info', "'app'@'%'"],
      ['info', "'new_ro'@'%'"],
      ['warning', "'new_adm'@'%'"],
      ['info', "'reporting'"],
    ]);
    const messages = findings(out).map((f) => en(f.message));
    expect(messages[0]).toBe("'root'@'localhost': lost global privileges SUPER since the previous inspection");
    expect(messages[1]).toBe(
      "'app'@'%': database, table, routine or role grants changed since the previous inspection",
    );
    expect(messages[4]).toBe("account 'reporting' was removed since the previous inspection");
  });

  it('MySQL 8: dynamic privileges count as global ones', () => {
    const mysqlBase = { accounts: [{ user: 'ops', host: '%', access: null, privs: 'PROCESS', is_role: 0 }] };
    const before = fingerprints(evaluate(mysqlPrivilegeDrift, mysqlBase, { server: MYSQL }));
    const out = evaluate(
      mysqlPrivilegeDrift,
      { ...mysqlBase, dynamic: [{ user: 'ops', host: '%', priv: 'SYSTEM_VARIABLES_ADMIN', grant_option: 'N' }] },
      { server: MYSQL, baseline: before },
    );
    expect(findings(out)).toMatchObject([
      {
        severity: 'warning',
        object: "'ops'@'%'",
        message: { en: expect.stringContaining('gained global privileges: SYSTEM_VARIABLES_ADMIN') },
      },
    ]);
  });

  it('too many accounts: skipped rather than a partial fingerprint', () => {
    const many = Array.from({ length: 5001 }, (_, i) => acct(`u${i}`, '%', '0'));
    expect(skipped(evaluate(mysqlPrivilegeDrift, { accounts: many }))).toMatch(/more than 5000 accounts/);
  });
});

describe('mysql.version-eol (MY-W19)', () => {
  const version = [{ version: '10.11.19-MariaDB', comment: 'Debian 12' }];
  it.each([
    ['MariaDB 10.11.19, supported until 2028', server('mariadb', '10.11.19'), NOW, []],
    ['MariaDB 10.11.16: 3 patches behind .19', server('mariadb', '10.11.16'), NOW, []],
    ['MariaDB 10.11.15: 4 patches behind .19', server('mariadb', '10.11.15'), NOW, ['warning']],
    ['MariaDB 10.4 is end-of-life', server('mariadb', '10.4.34'), NOW, ['warning']],
    ['MySQL 8.0 ended on 2026-04-30', server('mysql', '8.0.42'), NOW, ['warning']],
    ['MySQL 8.0 on its last day', server('mysql', '8.0.42'), new Date('2026-04-30T23:00:00Z'), ['info']],
    ['MySQL 8.0 the day after', server('mysql', '8.0.42'), new Date('2026-05-01T00:00:00Z'), ['warning']],
    ['MySQL 8.0 181 days before the end', server('mysql', '8.0.42'), new Date('2025-11-01T00:00:00Z'), []],
    ['MySQL 8.4 LTS', server('mysql', '8.4.5'), NOW, []],
  ] as const)('%s', (_name, srv, now, severities) => {
    expect(findings(evaluate(mysqlVersionEol, { version }, { server: srv, now })).map((f) => f.severity)).toEqual(
      severities,
    );
  });

  it('says how long ago support ended', () => {
    const [f] = findings(evaluate(mysqlVersionEol, { version }, { server: server('mariadb', '10.4.34') }));
    expect(en(f?.message)).toBe(
      'MariaDB 10.4.34 is end-of-life: series 10.4 lost vendor support on 2024-06-18, 888 days ago',
    );
    expect(f).toMatchObject({ object: 'db-prod-1', value: 888, threshold: 0 });
  });

  it('names Percona Server from version_comment', () => {
    const [f] = findings(
      evaluate(
        mysqlVersionEol,
        { version: [{ version: '5.7.44-48', comment: 'Percona Server (GPL), Release 48' }] },
        { server: server('mysql', '5.7.44') },
      ),
    );
    expect(en(f?.message)).toMatch(/^Percona Server 5\.7\.44 is end-of-life/);
  });

  it('skips a series the table does not know', () => {
    expect(skipped(evaluate(mysqlVersionEol, { version }, { server: server('mariadb', '13.0.1') }))).toBe(
      'MariaDB 13.0 is not in the end-of-life table (eol-versions.ts, data as of 2026-11-24)',
    );
  });

  it('the table is consistent: one entry per series, GA before end, dates valid', () => {
    const keys = MYSQL_RELEASE_SERIES.map((s) => `${s.flavor} ${s.series}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of MYSQL_RELEASE_SERIES) {
      expect(Number.isNaN(Date.parse(s.ga)) || Number.isNaN(Date.parse(s.endOfLife))).toBe(false);
      expect(s.ga < s.endOfLife).toBe(true);
    }
  });
});
