import { toTexts } from '../../check.types.js';
import { describe, expect, it } from 'vitest';
import type { AnyCheck, Evaluation, ServerFacts } from '../../check.types.js';
import { checkEvaluator, POSTGRES_15 } from '../../../test/check-evaluator.js';
import { postgresConfigRoleDrift } from './config-role-drift.check.js';
import { splitPostgresVersion } from './eol-versions.js';
import { postgresLoggingAudit } from './logging-audit.check.js';
import { postgresLoginWithoutPassword } from './login-without-password.check.js';
import { postgresNonTlsSessions } from './non-tls-sessions.check.js';
import { postgresOutdatedExtensions } from './outdated-extensions.check.js';
import { postgresPasswordExpiry } from './password-expiry.check.js';
import { postgresPasswordHashing } from './password-hashing.check.js';
import { postgresPublicSchemaCreate } from './public-schema-create.check.js';
import { postgresSchemaDrift } from './schema-drift.check.js';
import { parseSearchPath } from './search-path.js';
import { postgresSecurityDefinerSearchPath } from './security-definer-search-path.check.js';
import { postgresSuperuserLogins } from './superuser-logins.check.js';
import { postgresVersionEol } from './version-eol.check.js';
import { postgresWeakHbaRules } from './weak-hba-rules.check.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const DAY = 86_400_000;
const {
  evaluate: evaluateWith,
  findings,
  skipped: skippedTexts,
} = checkEvaluator({
  server: POSTGRES_15,
  window: { from: new Date(NOW.getTime() - 7 * DAY), to: NOW },
  now: NOW,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

interface Options {
  thresholds?: Record<string, unknown>;
  baseline?: Record<string, string>;
  now?: Date;
  server?: Partial<ServerFacts>;
  database?: string;
}

/** The shared evaluator with a server that differs from PostgreSQL 15 only where given, and a window ending at `now`. */
const evaluate = (check: AnyCheck, raw: Record<string, unknown[]>, o: Options = {}): Evaluation =>
  evaluateWith(check, raw, {
    ...o,
    server: { ...POSTGRES_15, ...o.server },
    ...(o.now ? { window: { from: new Date(o.now.getTime() - 7 * DAY), to: o.now } } : {}),
  });
const skipped = (e: Evaluation): string => skippedTexts(e).en;
const brief = (e: Evaluation) => findings(e).map((f) => [f.severity, f.object]);

describe('postgres.superuser-logins', () => {
  const su = (rolname: string) => ({
    rolname,
    rolreplication: true,
    rolbypassrls: true,
    rolconnlimit: -1,
    valid_until: null,
  });

  it('passes when only allowed superusers can log in', () => {
    expect(findings(evaluate(postgresSuperuserLogins, { main: [su('postgres')] }))).toEqual([]);
  });

  it('flags a superuser login outside the allowed list, quoted', () => {
    const out = findings(evaluate(postgresSuperuserLogins, { main: [su('postgres'), su('Ops "x"')] }));
    expect(brief(out)).toEqual([['warning', '"Ops ""x"""']]);
    expect(toTexts(out[0]!.message).en).toContain('not on the allowed list ("postgres")');
  });

  it('honours an operator allowed list', () => {
    expect(
      findings(evaluate(postgresSuperuserLogins, { main: [su('dba')] }, { thresholds: { allowedRoles: ['dba'] } })),
    ).toEqual([]);
  });

  it.each([
    [9, 0],
    [10, 1],
  ])('with %i allowed superusers raises %i review finding(s) (review at 10)', (n, expected) => {
    const names = Array.from({ length: n }, (_, i) => `dba${i}`);
    const out = findings(
      evaluate(postgresSuperuserLogins, { main: names.map(su) }, { thresholds: { allowedRoles: names } }),
    );
    expect(out.filter((f) => f.object === 'pg-prod-1')).toHaveLength(expected);
    expect(out).toHaveLength(expected);
  });
});

describe('postgres.superuser-logins thresholds', () => {
  const su = (rolname: string) => ({
    rolname,
    rolreplication: false,
    rolbypassrls: false,
    rolconnlimit: -1,
    valid_until: null,
  });
  it.each([
    ['warnCount 2 reviews 2 superusers', { allowedRoles: ['a', 'b'], warnCount: 2 }, ['warning pg-prod-1']],
    ['warnCount 3 does not review 2', { allowedRoles: ['a', 'b'], warnCount: 3 }, []],
    ['allowedRoles without b flags b', { allowedRoles: ['a'], warnCount: 3 }, ['warning "b"']],
  ] as const)('renamed thresholds: %s', (_n, thresholds, expected) => {
    const out = findings(evaluate(postgresSuperuserLogins, { main: [su('a'), su('b')] }, { thresholds }));
    expect(out.map((f) => `${f.severity} ${f.object}`)).toEqual(expected);
  });

  it('says it in Chinese too', () => {
    const out = findings(
      evaluate(postgresSuperuserLogins, { main: [su('a'), su('b')] }, { thresholds: { warnCount: 2 } }),
    );
    expect(out.map((f) => toTexts(f.message).zh)).toEqual([
      '角色 "a" 是可登录的超级用户，且不在允许列表中（"postgres"）',
      '角色 "b" 是可登录的超级用户，且不在允许列表中（"postgres"）',
      '有 2 个角色可以超级用户身份登录（达到 2 个即需复核）',
    ]);
  });
});

describe('postgres.password-expiry', () => {
  const role = (rolname: string, validUntil: Date | null | 'infinity') => ({
    rolname,
    rolsuper: false,
    never_expires: validUntil === null || validUntil === 'infinity',
    valid_until: validUntil instanceof Date ? validUntil : null,
  });
  const inDays = (d: number) => new Date(NOW.getTime() + d * DAY);
  const readable = (...names: string[]) => [{ with_password: names }];

  it.each([
    ['expires in 10 days', 10, 'warning'],
    ['expires in exactly 30 days', 30, 'warning'],
    ['expires in 30.5 days', 30.5, null],
    ['expired yesterday', -1, 'info'],
  ] as const)('%s', (_n, days, severity) => {
    const out = findings(
      evaluate(postgresPasswordExpiry, { roles: [role('app', inDays(days))], passwords: readable('app') }),
    );
    expect(out.map((f) => f.severity)).toEqual(severity ? [severity] : []);
    if (severity === 'warning') expect(out[0]).toMatchObject({ object: '"app"', value: days, threshold: 30 });
  });

  it.each([
    ['warnDays 5 clears a password expiring in 10 days', { warnDays: 5 }, 10, null],
    ['warnDays 40 flags one expiring in 35 days', { warnDays: 40 }, 35, 'warning'],
  ] as const)('renamed thresholds: %s', (_n, thresholds, days, severity) => {
    const out = findings(
      evaluate(
        postgresPasswordExpiry,
        { roles: [role('app', inDays(days))], passwords: readable('app') },
        { thresholds },
      ),
    );
    expect(out.map((f) => f.severity)).toEqual(severity ? [severity] : []);
  });

  it("reports VALID UNTIL '-infinity' as expired, in both languages", () => {
    const gone = { rolname: 'gone', rolsuper: false, never_expires: false, valid_until: null };
    const out = findings(evaluate(postgresPasswordExpiry, { roles: [gone], passwords: readable('gone') }));
    expect(out).toMatchObject([{ severity: 'info', object: '"gone"' }]);
    expect(out[0]!.message).toEqual({
      en: `login role "gone" has expired (VALID UNTIL '-infinity'): password logins are refused`,
      zh: `可登录角色 "gone" 已过期（VALID UNTIL '-infinity'）：密码登录会被拒绝`,
    });
  });

  it("treats VALID UNTIL 'infinity' exactly like no expiry", () => {
    const out = findings(
      evaluate(postgresPasswordExpiry, {
        roles: [role('a', null), role('b', 'infinity')],
        passwords: readable('a', 'b'),
      }),
    );
    expect(brief(out)).toEqual([
      ['warning', '"a"'],
      ['warning', '"b"'],
    ]);
    expect(toTexts(out[1]!.message).en).toContain('has a password that never expires');
  });

  it('leaves out roles without a password when pg_authid is readable', () => {
    const out = findings(
      evaluate(postgresPasswordExpiry, {
        roles: [role('cert_only', null), role('soon', inDays(3))],
        passwords: readable(),
      }),
    );
    expect(out).toEqual([]);
  });

  it('without pg_authid reports every never-expiring login role and says why', () => {
    const out = findings(evaluate(postgresPasswordExpiry, { roles: [role('cert_only', null)], passwords: [] }));
    expect(brief(out)).toEqual([['warning', '"cert_only"']]);
    expect(toTexts(out[0]!.message).en).toContain('reading pg_authid needs superuser');
  });

  it.each([
    ['info', ['info']],
    ['ignore', []],
  ] as const)('never-expiring policy %s', (policy, severities) => {
    const out = findings(
      evaluate(
        postgresPasswordExpiry,
        { roles: [role('a', null)], passwords: readable('a') },
        { thresholds: { neverExpiring: policy } },
      ),
    );
    expect(out.map((f) => f.severity)).toEqual(severities);
  });

  it('skips exempt roles', () => {
    const out = evaluate(
      postgresPasswordExpiry,
      { roles: [role('app', inDays(1))], passwords: readable('app') },
      { thresholds: { exemptRoles: ['app'] } },
    );
    expect(findings(out)).toEqual([]);
  });
});

describe('postgres.password-hashing', () => {
  const scram = [{ password_encryption: 'scram-sha-256' }];

  it('passes with SCRAM and no MD5 hash stored', () => {
    expect(
      findings(
        evaluate(postgresPasswordHashing, {
          settings: scram,
          hashes: [{ with_password: '4', md5_roles: [], md5_login_roles: [] }],
        }),
      ),
    ).toEqual([]);
  });

  it('flags each role still holding an MD5 hash', () => {
    const out = findings(
      evaluate(postgresPasswordHashing, {
        settings: scram,
        hashes: [{ with_password: '4', md5_roles: ['legacy', 'grp'], md5_login_roles: ['legacy'] }],
      }),
    );
    expect(brief(out)).toEqual([
      ['warning', '"legacy"'],
      ['warning', '"grp"'],
    ]);
    expect(toTexts(out[0]!.message).en).toContain('login role "legacy"');
    expect(toTexts(out[0]!.message).en).toContain('2 of 4 roles');
  });

  it.each(['md5', 'on'])('flags password_encryption = %s', (setting) => {
    const out = findings(
      evaluate(postgresPasswordHashing, {
        settings: [{ password_encryption: setting }],
        hashes: [{ with_password: '0', md5_roles: [], md5_login_roles: [] }],
      }),
    );
    expect(brief(out)).toEqual([['warning', 'password_encryption']]);
  });

  it('without pg_authid: skipped naming the privilege, or the setting finding carries the note', () => {
    expect(skipped(evaluate(postgresPasswordHashing, { settings: scram, hashes: [] }))).toMatch(
      /pg_authid needs superuser/,
    );
    const out = findings(evaluate(postgresPasswordHashing, { settings: [{ password_encryption: 'md5' }], hashes: [] }));
    expect(toTexts(out[0]!.message).en).toContain('stored hashes not checked: reading pg_authid needs superuser');
  });
});

describe('postgres.login-without-password', () => {
  const role = (over: Record<string, unknown>) => ({ role: 'app', superuser: false, trust: [], ...over });
  it.each([
    ['no such role', [], {}, []],
    ['no password, no trust line', [role({})], {}, ['warning']],
    ['no password, trusted on TCP', [role({ trust: ['host all all 10.0.0.0/255.0.0.0 (line 3)'] })], {}, ['critical']],
    ['exempt role', [role({ trust: ['local all all (line 1)'] })], { exemptRoles: ['app'] }, []],
  ] as const)('%s', (_name, roles, thresholds, severities) => {
    const out = findings(evaluate(postgresLoginWithoutPassword, { main: [{ roles }] }, { thresholds }));
    expect(out.map((f) => f.severity)).toEqual(severities);
  });

  it('names the role and the trust lines, never a password', () => {
    const [f] = findings(
      evaluate(postgresLoginWithoutPassword, {
        main: [{ roles: [role({ role: 'Ops', superuser: true, trust: ['host all all 0.0.0.0/0.0.0.0 (line 4)'] })] }],
      }),
    );
    expect(f).toMatchObject({ severity: 'critical', object: '"Ops"', value: 'trust' });
    expect(toTexts(f!.message).en).toBe(
      'superuser login role "Ops" has no password and pg_hba.conf trusts it: anyone reaching host all all 0.0.0.0/0.0.0.0 (line 4) logs in as it without a password',
    );
    expect(toTexts(f!.message).zh).toContain('没有密码');
  });

  it('without superuser (no row): skipped with the reason', () => {
    expect(skipped(evaluate(postgresLoginWithoutPassword, { main: [] }))).toMatch(/needs superuser/);
  });
});

describe('postgres.weak-hba-rules', () => {
  const rule = (
    line: number,
    type: string,
    address: string | null,
    netmask: string | null,
    method: string,
    error: string | null = null,
  ) => ({
    line_number: line,
    type: error ? null : type,
    database: error ? null : ['all'],
    user_name: error ? null : ['all'],
    address,
    netmask,
    auth_method: error ? null : method,
    error,
    file_name: '/etc/postgresql/15/main/pg_hba.conf',
  });

  it('passes peer on the socket and scram on a subnet', () => {
    const rules = [rule(1, 'local', null, null, 'peer'), rule(2, 'hostssl', '10.0.0.0', '255.0.0.0', 'scram-sha-256')];
    expect(findings(evaluate(postgresWeakHbaRules, { rules }))).toEqual([]);
  });

  it.each([
    ['trust on a TCP line', rule(3, 'host', '10.1.0.0', '255.255.0.0', 'trust'), 'critical'],
    ['clear-text password', rule(3, 'hostssl', '10.1.0.0', '255.255.0.0', 'password'), 'critical'],
    ['a line that fails to load', rule(3, 'host', null, null, '', 'invalid authentication method "bogus"'), 'critical'],
    ['0.0.0.0/0', rule(3, 'host', '0.0.0.0', '0.0.0.0', 'scram-sha-256'), 'warning'],
    ['::/0', rule(3, 'hostssl', '::', '::', 'scram-sha-256'), 'warning'],
    ['all addresses', rule(3, 'host', 'all', null, 'scram-sha-256'), 'warning'],
    ['ident over TCP', rule(3, 'host', '10.1.0.0', '255.255.0.0', 'ident'), 'warning'],
    ['trust on the local socket', rule(3, 'local', null, null, 'trust'), 'warning'],
    ['trust open to the world', rule(3, 'host', '0.0.0.0', '0.0.0.0', 'trust'), 'critical'],
  ] as const)('%s', (_n, r, severity) => {
    const out = findings(evaluate(postgresWeakHbaRules, { rules: [r] }));
    expect(brief(out)).toEqual([[severity, 'pg_hba.conf:3']]);
  });

  it('names both problems of one line and the error text', () => {
    const [f] = findings(evaluate(postgresWeakHbaRules, { rules: [rule(3, 'host', '0.0.0.0', '0.0.0.0', 'trust')] }));
    expect(toTexts(f!.message).en).toMatch(/trust on a TCP line.*open to every address/);
    expect(toTexts(f!.message).zh).toMatch(/TCP 规则使用 trust.*对所有地址开放/);
    const [e] = findings(
      evaluate(postgresWeakHbaRules, {
        rules: [rule(9, 'host', null, null, '', 'invalid authentication method "bogus"')],
      }),
    );
    expect(toTexts(e!.message).en).toContain('invalid authentication method "bogus"');
  });

  it('local trust can be ignored', () => {
    expect(
      findings(
        evaluate(
          postgresWeakHbaRules,
          { rules: [rule(1, 'local', null, null, 'trust')] },
          { thresholds: { localTrust: 'ignore' } },
        ),
      ),
    ).toEqual([]);
  });

  it('names an included file on PostgreSQL 16+', () => {
    const r = {
      ...rule(4, 'host', '0.0.0.0', '0.0.0.0', 'trust'),
      file_name: '/etc/postgresql/16/main/hba.d/apps.conf',
    };
    expect(brief(evaluate(postgresWeakHbaRules, { rules: [r] }))).toEqual([['critical', 'apps.conf:4']]);
  });

  it('is skipped when no rule came back', () => {
    expect(skipped(evaluate(postgresWeakHbaRules, { rules: [] }))).toMatch(/no rules/);
  });
});

describe('postgres.public-schema-create', () => {
  it('passes with no such schema and flags one with the database named', () => {
    expect(findings(evaluate(postgresPublicSchemaCreate, { main: [] }))).toEqual([]);
    const out = findings(
      evaluate(
        postgresPublicSchemaCreate,
        {
          main: [
            {
              nspname: 'public',
              owner: 'pg_database_owner',
              acl: '{pg_database_owner=UC/pg_database_owner,=UC/pg_database_owner}',
            },
          ],
        },
        { database: 'app' },
      ),
    );
    expect(brief(out)).toEqual([['warning', '"public"']]);
    expect(toTexts(out[0]!.message).en).toContain('of database "app"');
  });
});

describe('postgres.security-definer-search-path', () => {
  const fn = (search_path: string | null, owner_is_superuser = false) => ({
    nspname: 'billing "q" 模式',
    proname: 'Pay 定义者',
    argtypes: 'integer, text',
    prokind: 'f',
    owner: 'app_owner',
    owner_is_superuser,
    search_path,
  });

  it.each([
    ['no search_path', null, 'warning'],
    ['search_path without pg_temp', 'search_path=pg_catalog, public', 'info'],
    ['pg_temp not last', 'search_path=pg_temp, pg_catalog', 'info'],
    ['pinned with pg_temp last', 'search_path=pg_catalog, "my schema", pg_temp', null],
  ] as const)('%s', (_n, path, severity) => {
    const out = findings(evaluate(postgresSecurityDefinerSearchPath, { main: [fn(path)] }));
    expect(brief(out)).toEqual(severity ? [[severity, '"billing ""q"" 模式"."Pay 定义者"(integer, text)']] : []);
  });

  it('mentions a superuser owner; pg_temp rule can be switched off', () => {
    expect(
      toTexts(findings(evaluate(postgresSecurityDefinerSearchPath, { main: [fn(null, true)] }))[0]!.message).en,
    ).toContain('a superuser');
    expect(
      findings(
        evaluate(
          postgresSecurityDefinerSearchPath,
          { main: [fn('search_path=public')] },
          { thresholds: { requirePgTempLast: false } },
        ),
      ),
    ).toEqual([]);
  });

  it('parses quoted search_path entries', () => {
    expect(parseSearchPath('search_path="my ""s""", pg_temp')).toEqual(['my "s"', 'pg_temp']);
  });
});

describe('postgres.non-tls-sessions', () => {
  const on = [{ ssl: 'on' }];
  const s = (
    usename: string,
    client_addr: string | null,
    o: { loopback?: boolean; visible?: boolean; sessions?: string } = {},
  ) => ({
    usename,
    datname: 'app',
    client_addr,
    loopback: o.loopback ?? false,
    visible: o.visible ?? true,
    sessions: o.sessions ?? '2',
    applications: 'psql',
  });

  it('passes with ssl on and no plain remote session', () => {
    expect(findings(evaluate(postgresNonTlsSessions, { settings: on, sessions: [] }))).toEqual([]);
  });

  it('flags ssl = off', () => {
    expect(brief(evaluate(postgresNonTlsSessions, { settings: [{ ssl: 'off' }], sessions: [] }))).toEqual([
      ['warning', 'ssl'],
    ]);
  });

  it('groups plain remote sessions by role and ignores loopback by default', () => {
    const out = findings(
      evaluate(postgresNonTlsSessions, {
        settings: on,
        sessions: [
          s('app', '10.0.0.5'),
          s('app', '10.0.0.6', { sessions: '3' }),
          s('batch', '127.0.0.1', { loopback: true }),
        ],
      }),
    );
    expect(brief(out)).toEqual([['warning', '"app"']]);
    expect(out[0]).toMatchObject({ value: 5 });
    expect(toTexts(out[0]!.message).en).toContain('10.0.0.5, 10.0.0.6');
  });

  it('includes loopback when configured', () => {
    const out = evaluate(
      postgresNonTlsSessions,
      { settings: on, sessions: [s('batch', '127.0.0.1', { loopback: true })] },
      { thresholds: { includeLoopback: true } },
    );
    expect(brief(out)).toEqual([['warning', '"batch"']]);
  });

  it('is skipped when other roles are hidden and nothing was found, and notes it otherwise', () => {
    const hidden = s('', null, { visible: false, sessions: '7' });
    expect(skipped(evaluate(postgresNonTlsSessions, { settings: on, sessions: [hidden] }))).toMatch(
      /7 client sessions.*pg_read_all_stats/,
    );
    const out = findings(evaluate(postgresNonTlsSessions, { settings: on, sessions: [hidden, s('app', '10.0.0.5')] }));
    expect(toTexts(out[0]!.message).en).toContain('7 sessions of other roles not visible: needs pg_read_all_stats');
  });
});

describe('postgres.version-eol', () => {
  const run = (versionNum: number, version: string, now = NOW) =>
    evaluate(postgresVersionEol, {}, { server: { versionNum, version }, now });

  it('splits server_version_num', () => {
    expect(splitPostgresVersion(150020)).toEqual({ major: '15', minor: 20 });
    expect(splitPostgresVersion(90624)).toEqual({ major: '9.6', minor: 24 });
  });

  it.each([
    ['15.20 a year before its end of life', 150020, '15.20', NOW, []],
    ['15.20 181 days before 2027-11-11', 150020, '15.20', new Date('2027-05-14T00:00:00Z'), []],
    ['15.20 180 days before', 150020, '15.20', new Date('2027-05-15T00:00:00Z'), ['info']],
    ['15.20 the day after its final release', 150020, '15.20', new Date('2027-11-12T00:00:00Z'), ['warning']],
    ['14.20 after 2026-11-12, below the last known 14.23 too', 140020, '14.20', NOW, ['warning', 'info']],
    ['14.23 after 2026-11-12', 140023, '14.23', NOW, ['warning']],
    ['12.22', 120022, '12.22', NOW, ['warning']],
    ['9.6.24', 90624, '9.6.24', NOW, ['warning']],
    ['15.3, behind the known minor', 150003, '15.3', NOW, ['info']],
  ] as const)('%s', (_n, num, version, now, severities) => {
    const out = findings(run(num, version, now));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('pg-prod-1');
  });

  it.each([
    ['infoDays 200 announces the end 190 days ahead', { infoDays: 200 }, new Date('2027-05-05T00:00:00Z'), ['info']],
    ['infoDays 100 keeps quiet 180 days ahead', { infoDays: 100 }, new Date('2027-05-15T00:00:00Z'), []],
  ] as const)('renamed thresholds: %s', (_n, thresholds, now, severities) => {
    const out = findings(
      evaluate(postgresVersionEol, {}, { server: { versionNum: 150020, version: '15.20' }, now, thresholds }),
    );
    expect(out.map((f) => f.severity)).toEqual(severities);
  });

  it('is skipped for a version newer than the table', () => {
    expect(skipped(run(190001, '19.1'))).toMatch(/PostgreSQL 19 is not in the version table/);
  });
});

describe('postgres.outdated-extensions', () => {
  const ext = (extname: string, installed: string, available: string | null) => ({
    extname,
    installed_version: installed,
    default_version: available,
    schema_name: 'public',
  });

  it('reports an outdated extension as info and missing files as a warning', () => {
    const out = findings(
      evaluate(
        postgresOutdatedExtensions,
        { main: [ext('citext', '1.4', '1.6'), ext('Old "x"', '1.0', null)] },
        { database: 'app' },
      ),
    );
    expect(brief(out)).toEqual([
      ['info', '"citext"'],
      ['warning', '"Old ""x"""'],
    ]);
    expect(out[0]).toMatchObject({ value: '1.4', threshold: '1.6' });
    expect(toTexts(out[0]!.message).en).toContain('in database "app"');
  });

  it('honours the ignore list', () => {
    expect(
      findings(
        evaluate(
          postgresOutdatedExtensions,
          { main: [ext('citext', '1.4', '1.6')] },
          { thresholds: { ignoreExtensions: ['citext'] } },
        ),
      ),
    ).toEqual([]);
  });
});

describe('postgres.schema-drift', () => {
  const obj = (
    kind: string,
    schema: string | null,
    name: string | null,
    args: string | null,
    def: string | null,
    acl: string | null,
    pub: string | null = null,
  ) => ({
    kind,
    schema_name: schema,
    object_name: name,
    args,
    def_hash: def,
    acl_hash: acl,
    public_privs: pub,
  });
  const counted = (rows: ReturnType<typeof obj>[]) => rows.map((r) => ({ ...r, total: String(rows.length) }));
  const base = [
    obj('schema', 'app', null, null, 'd0', 'a0', 'USAGE'),
    obj('table', 'app', 'Orders "x"', null, 'd1', 'a1'),
    obj('index', 'app', 'orders_pkey', null, 'd2', null),
    obj('function', 'app', 'f', 'integer', 'd3', 'a3', 'EXECUTE'),
  ];
  const fingerprintsOf = (e: Evaluation) => {
    if (Array.isArray(e) || !e.fingerprints) throw new Error('no fingerprints');
    return e.fingerprints;
  };
  const first = fingerprintsOf(evaluate(postgresSchemaDrift, { objects: counted(base) }));

  it('is skipped with fingerprints on the first inspection', () => {
    const e = evaluate(postgresSchemaDrift, { objects: counted(base) });
    expect(skipped(e)).toBe('no earlier inspection to compare with');
    expect(first).toMatchObject({
      'schema "app"': 'd0',
      'privileges on schema "app"': 'a0 PUBLIC:USAGE',
      'table "app"."Orders ""x"""': 'd1',
      'index "app"."orders_pkey"': 'd2',
      'function "app"."f"(integer)': 'd3',
      database: 'complete',
    });
  });

  it('is skipped when the baseline has no fingerprints of this database', () => {
    expect(skipped(evaluate(postgresSchemaDrift, { objects: counted(base) }, { baseline: {} }))).toBe(
      'no earlier inspection to compare with',
    );
  });

  it('passes when nothing changed', () => {
    expect(findings(evaluate(postgresSchemaDrift, { objects: counted(base) }, { baseline: first }))).toEqual([]);
  });

  it('names new, changed and dropped objects', () => {
    const now = [
      base[0]!,
      obj('table', 'app', 'Orders "x"', null, 'd1-changed', 'a1'),
      base[3]!,
      obj('table', 'app', 'new_t', null, 'd5', 'a5'),
    ];
    const out = findings(evaluate(postgresSchemaDrift, { objects: counted(now) }, { baseline: first }));
    expect(out.map((f) => [f.severity, f.object, toTexts(f.message).en])).toEqual([
      ['info', '"app"."Orders ""x"""', 'table "app"."Orders ""x""" changed (columns or types)'],
      ['info', '"app"."new_t"', 'new table "app"."new_t"'],
      ['info', '"app"."orders_pkey"', 'index "app"."orders_pkey" dropped'],
    ]);
  });

  it('warns when an existing object newly grants to PUBLIC, info for other ACL changes', () => {
    const now = [
      base[0]!,
      obj('table', 'app', 'Orders "x"', null, 'd1', 'a1-granted', 'SELECT'),
      base[2]!,
      obj('function', 'app', 'f', 'integer', 'd3', 'a3-owner', 'EXECUTE'),
    ];
    const out = findings(evaluate(postgresSchemaDrift, { objects: counted(now) }, { baseline: first }));
    expect(out.map((f) => [f.severity, f.object, toTexts(f.message).en])).toEqual([
      ['warning', '"app"."Orders ""x"""', 'privileges on table "app"."Orders ""x""" changed: PUBLIC now has SELECT'],
      ['info', '"app"."f"(integer)', 'owner or privileges of function "app"."f"(integer) changed'],
    ]);
  });

  it('new functions keep their default EXECUTE for PUBLIC quietly, new tables granting to PUBLIC warn', () => {
    const now = [
      ...base,
      obj('function', 'app', 'g', '', 'd6', 'a6', 'EXECUTE'),
      obj('table', 'app', 'open', null, 'd7', 'a7', 'SELECT'),
    ];
    const out = findings(evaluate(postgresSchemaDrift, { objects: counted(now) }, { baseline: first }));
    expect(out.map((f) => [f.severity, toTexts(f.message).en])).toEqual([
      ['warning', 'new table "app"."open" grants SELECT to PUBLIC'],
      ['info', 'new function "app"."g"()'],
      ['info', 'new table "app"."open"'],
    ]);
  });

  it('warns on new default privileges granting to PUBLIC', () => {
    const now = [...base, obj('default privileges', 'app', 'owner', 'r', null, 'a8', 'SELECT')];
    const out = findings(evaluate(postgresSchemaDrift, { objects: counted(now) }, { baseline: first }));
    expect(brief(out)).toEqual([['warning', 'FOR ROLE "owner" IN SCHEMA "app" ON TABLES']]);
  });

  it('when truncated reports only changes of objects seen both times', () => {
    const now = [
      obj('table', 'app', 'Orders "x"', null, 'd1-changed', 'a1'),
      obj('table', 'app', 'new_t', null, 'd5', 'a5'),
    ].map((r) => ({ ...r, total: '5000' }));
    const out = findings(evaluate(postgresSchemaDrift, { objects: now }, { baseline: first }));
    expect(out.map((f) => toTexts(f.message).en)).toEqual([
      'table "app"."Orders ""x""" changed (columns or types)',
      'more than 3000 objects: only changes to objects seen in both inspections are reported',
    ]);
  });

  it('caps the findings', () => {
    const now = [...base, ...Array.from({ length: 5 }, (_, i) => obj('table', 'app', `t${i}`, null, `x${i}`, `y${i}`))];
    const out = findings(
      evaluate(postgresSchemaDrift, { objects: counted(now) }, { baseline: first, thresholds: { maxFindings: 3 } }),
    );
    expect(out).toHaveLength(4);
    expect(out[3]!.message).toEqual({ en: '2 more changes not listed', zh: '另有 2 项变更未列出' });
  });
});

describe('postgres.config-role-drift', () => {
  const item = (
    kind: string,
    name: string,
    value: string,
    o: { db?: string; role?: string; pub?: string; all?: boolean } = {},
  ) => ({
    kind,
    name,
    database_name: o.db ?? null,
    role_name: o.role ?? null,
    all_roles: o.all ?? false,
    value,
    public_privs: o.pub ?? null,
  });
  /** The query's count(*) OVER () as the driver returns it: a string. */
  const counted = (rows: ReturnType<typeof item>[]) => rows.map((r) => ({ ...r, total: String(rows.length) }));
  const base = [
    item('setting', 'work_mem', '4096 kB'),
    item('setting', 'ssl', 'on'),
    item('setting', 'archive_command', 'wal-g push %p --secret=hunter2'),
    item('role', 'app', 'LOGIN'),
    item('database', 'app', 'app_owner {=Tc/app_owner,app_owner=CTc/app_owner}', { pub: 'CONNECT,TEMPORARY' }),
  ];
  const first = (() => {
    const e = evaluate(postgresConfigRoleDrift, { items: counted(base) });
    if (Array.isArray(e) || !e.fingerprints) throw new Error('no fingerprints');
    expect(skipped(e)).toBe('no earlier inspection to compare with');
    return e.fingerprints;
  })();

  it('keys settings, roles and databases, and hashes values that may hold credentials', () => {
    expect(first).toMatchObject({ 'setting work_mem': '4096 kB', 'role "app"': 'LOGIN', instance: 'complete' });
    expect(first['setting archive_command']).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(JSON.stringify(first)).not.toContain('hunter2');
  });

  it('passes when nothing changed', () => {
    expect(findings(evaluate(postgresConfigRoleDrift, { items: counted(base) }, { baseline: first }))).toEqual([]);
  });

  it('reports setting changes, warning for watched ones', () => {
    const now = [
      item('setting', 'work_mem', '8192 kB'),
      item('setting', 'work_mem', '64MB', { db: 'app' }),
      item('setting', 'work_mem', '16MB', { all: true }),
      item('setting', 'statement_timeout', '30s', { role: 'app', db: 'app' }),
      base[2]!,
      base[3]!,
      base[4]!,
    ];
    const out = findings(evaluate(postgresConfigRoleDrift, { items: counted(now) }, { baseline: first }));
    expect(out.map((f) => [f.severity, f.object, toTexts(f.message).en])).toEqual([
      ['warning', 'ssl', 'setting ssl no longer set, back to its default (was on)'],
      ['info', 'work_mem', 'setting work_mem changed: 4096 kB → 8192 kB'],
      ['info', 'work_mem (database "app")', 'setting work_mem (database "app") set to 64MB'],
      ['info', 'work_mem (all roles)', 'setting work_mem (all roles) set to 16MB'],
      [
        'info',
        'statement_timeout (role "app", database "app")',
        'setting statement_timeout (role "app", database "app") set to 30s',
      ],
    ]);
  });

  it('warns when a role gains SUPERUSER, info for a plain new role or membership', () => {
    const now = [
      ...base.slice(0, 3),
      item('role', 'app', 'LOGIN SUPERUSER'),
      item('role', 'rpt', 'LOGIN IN ROLE pg_monitor'),
      base[4]!,
    ];
    const out = findings(evaluate(postgresConfigRoleDrift, { items: counted(now) }, { baseline: first }));
    expect(out.map((f) => [f.severity, f.object])).toEqual([
      ['warning', '"app"'],
      ['info', '"rpt"'],
    ]);
    expect(out[0]!.message).toEqual({
      en: 'role "app" changed: LOGIN → LOGIN SUPERUSER (gained SUPERUSER)',
      zh: '角色 "app" 已变更：LOGIN → LOGIN SUPERUSER（新获得 SUPERUSER）',
    });
  });

  it('warns when a database starts granting to PUBLIC', () => {
    const revoked = [...base.slice(0, 4), item('database', 'app', 'app_owner {app_owner=CTc/app_owner}')];
    const before = (() => {
      const e = evaluate(postgresConfigRoleDrift, { items: counted(revoked) });
      if (Array.isArray(e) || !e.fingerprints) throw new Error('no fingerprints');
      return e.fingerprints;
    })();
    const out = findings(evaluate(postgresConfigRoleDrift, { items: counted(base) }, { baseline: before }));
    expect(out.map((f) => [f.severity, f.object, toTexts(f.message).en])).toEqual([
      ['warning', '"app"', 'database "app" now grants CONNECT, TEMPORARY to PUBLIC'],
    ]);
  });
});

describe('postgres.logging-audit', () => {
  const settings = (o: Record<string, string | null> = {}) =>
    Object.entries({
      log_connections: 'on',
      log_disconnections: 'on',
      log_line_prefix: '%m [%p] %q%u@%d %h ',
      log_statement: 'ddl',
      log_destination: 'stderr',
      shared_preload_libraries: 'pg_stat_statements,pgaudit',
      'pgaudit.log': 'ddl,role',
      ...o,
    })
      .filter((e): e is [string, string] => e[1] !== null)
      .map(([name, setting]) => ({ name, setting }));
  const objects = (o: Record<string, string | null>) =>
    brief(evaluate(postgresLoggingAudit, { settings: settings(o) })).map(([, obj]) => obj);

  it('passes a bank-grade configuration', () => {
    expect(findings(evaluate(postgresLoggingAudit, { settings: settings() }))).toEqual([]);
  });

  it('flags the Debian defaults', () => {
    const out = objects({
      log_connections: 'off',
      log_disconnections: 'off',
      log_line_prefix: '%m [%p] %q%u@%d ',
      log_statement: 'none',
      shared_preload_libraries: '',
      'pgaudit.log': null,
    });
    expect(out).toEqual([
      'log_connections',
      'log_disconnections',
      'log_line_prefix',
      'shared_preload_libraries',
      'log_statement',
    ]);
  });

  it.each([
    ['%r counts as the client host', { log_line_prefix: '%t %r %u %d ' }, []],
    ['csvlog records user, database and host itself', { log_line_prefix: '%m ', log_destination: 'stderr,csvlog' }, []],
    ['PostgreSQL 18 empty log_connections', { log_connections: '' }, ['log_connections']],
    ['PostgreSQL 18 log_connections aspects', { log_connections: 'receipt,authentication' }, []],
    ['pgaudit loaded but logging nothing', { 'pgaudit.log': 'none' }, ['pgaudit.log']],
    ['pgaudit loaded, log_statement none is enough', { log_statement: 'none' }, []],
    [
      'no pgaudit, log_statement ddl',
      { shared_preload_libraries: 'pg_stat_statements', 'pgaudit.log': null },
      ['shared_preload_libraries'],
    ],
  ] as const)('%s', (_n, o, expected) => {
    expect(objects(o)).toEqual(expected);
  });

  it('without pg_read_all_settings notes what it could not verify', () => {
    const hidden = { shared_preload_libraries: null, 'pgaudit.log': null };
    expect(skipped(evaluate(postgresLoggingAudit, { settings: settings(hidden) }))).toBe(
      'not verified: shared_preload_libraries (needs pg_read_all_settings)',
    );
    const out = findings(
      evaluate(postgresLoggingAudit, {
        settings: settings({ ...hidden, log_connections: 'off', log_statement: 'none' }),
      }),
    );
    expect(out.map((f) => f.object)).toEqual(['log_connections', 'log_statement']);
    expect(toTexts(out[0]!.message).en).toContain(
      'not verified: shared_preload_libraries (needs pg_read_all_settings)',
    );
  });
});
