import { z } from 'zod';
import type { Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myAccount } from '../../quote.js';
import { GLOBAL_PRIV_SQL } from './accounts.js';

/**
 * Plugins that check a password stored on the server; an empty string there means an empty password. Socket, PAM,
 * GSSAPI and LDAP plugins keep an OS user, service or principal there instead, and empty is normal for them.
 */
const PASSWORD_PLUGINS = new Set([
  '',
  'mysql_native_password',
  'mysql_old_password',
  'ed25519',
  'parsec',
  'caching_sha2_password',
  'sha256_password',
]);

/** MariaDB's `auth_or`: each element is one way to log in; `{}` stands for the top-level plugin and string. */
const authOr = z
  .string()
  .nullable()
  .transform((text, c): unknown => {
    if (text === null) return null;
    try {
      return JSON.parse(text);
    } catch {
      c.addIssue({ code: 'custom', message: 'auth_or is not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.object({ plugin: z.string().optional(), authentication_string: z.string().optional() })).nullable());

// Non-empty authentication strings are masked in SQL so that password hashes never leave the server.
const MASKED_AUTH_OR = `REGEXP_REPLACE(JSON_EXTRACT(Priv, '$.auth_or'), '"authentication_string": *"[^"]+"', '"authentication_string": "*"')`;

const classicUser = (
  authEmpty: string,
  notRoleOrLocked: string,
) => `SELECT User AS user, Host AS host, IFNULL(plugin, '') AS plugin,
  IF(${authEmpty}, 1, 0) AS auth_empty, NULL AS auth_or
FROM mysql.user
WHERE ${notRoleOrLocked} AND (User = '' OR ${authEmpty})
ORDER BY User, Host LIMIT 500`;

export const mysqlAccountsWithoutPassword = defineCheck({
  id: 'mysql.accounts-without-password',
  catalogRef: 'MY-W11',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Accounts without a password; anonymous accounts', zh: '无密码账号；匿名账号' },
  description: {
    en: "Unlocked accounts that a password-based plugin lets in with an empty password, and anonymous accounts (user ''), which accept any user name. On MariaDB ≥ 10.4 every alternative of IDENTIFIED VIA … OR … is read from mysql.global_priv: one empty-password alternative is enough to log in, while root@localhost as installed (unix_socket OR mysql_native_password USING 'invalid') has none and is not reported. Socket, PAM, GSSAPI and LDAP authentication are not password-based and are not reported.",
    zh: "列出未锁定、且基于密码的认证插件允许以空密码登录的账号，以及匿名账号（用户名为空，接受任意用户名）。MariaDB 10.4 及以上从 mysql.global_priv 读取 IDENTIFIED VIA … OR … 的每一种认证方式：只要有一种方式的密码为空即可登录；按安装默认配置的 root@localhost（unix_socket OR mysql_native_password USING 'invalid'）没有空密码方式，不会被报告。套接字、PAM、GSSAPI、LDAP 认证不基于密码，不会被报告。",
  },
  remediation: {
    en: "Drop anonymous accounts (DROP USER ''@'host'), and set a strong password (ALTER USER … IDENTIFIED BY …) or socket authentication (IDENTIFIED VIA unix_socket / WITH auth_socket) on every other reported account; lock accounts nobody logs in with (ALTER USER … ACCOUNT LOCK).",
    zh: "删除匿名账号（DROP USER ''@'host'）；为其余被报告的账号设置强密码（ALTER USER … IDENTIFIED BY …）或改用套接字认证（IDENTIFIED VIA unix_socket / WITH auth_socket）；无人使用的账号应锁定（ALTER USER … ACCOUNT LOCK）。",
  },
  queries: {
    accounts: {
      sql: [
        {
          since: 50706,
          flavors: ['mysql'],
          sql: classicUser(`IFNULL(authentication_string, '') = ''`, `account_locked <> 'Y'`),
        },
        {
          // Before 10.4, mysql_native_password kept its hash in Password, other plugins in authentication_string.
          since: 100000,
          flavors: ['mariadb'],
          sql: classicUser(
            `IF(IFNULL(plugin, '') IN ('', 'mysql_native_password', 'mysql_old_password'), IFNULL(NULLIF(authentication_string, ''), IFNULL(Password, '')), IFNULL(authentication_string, '')) = ''`,
            `is_role <> 'Y'`,
          ),
        },
        {
          since: 100400,
          flavors: ['mariadb'],
          sql: `SELECT User AS user, Host AS host, IFNULL(JSON_VALUE(Priv, '$.plugin'), '') AS plugin,
  IF(IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') = '', 1, 0) AS auth_empty,
  ${MASKED_AUTH_OR} AS auth_or
FROM mysql.global_priv
WHERE NOT (${GLOBAL_PRIV_SQL.isRole}) AND NOT (${GLOBAL_PRIV_SQL.isLocked})
  AND (User = '' OR IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') = '' OR JSON_EXTRACT(Priv, '$.auth_or') IS NOT NULL)
ORDER BY User, Host LIMIT 500`,
        },
      ],
      row: z.object({
        user: z.string(),
        host: z.string(),
        plugin: z.string(),
        auth_empty: z.coerce.number(),
        auth_or: authOr,
      }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ accounts }) {
    const findings = [];
    for (const a of accounts) {
      const top = { plugin: a.plugin, empty: a.auth_empty === 1 };
      const ways = a.auth_or
        ? a.auth_or.map((w) =>
            w.plugin === undefined && w.authentication_string === undefined
              ? top
              : { plugin: w.plugin ?? a.plugin, empty: (w.authentication_string ?? '') === '' },
          )
        : [top];
      const emptyPassword = ways.filter((w) => w.empty && PASSWORD_PLUGINS.has(w.plugin));
      const reasons: Texts[] = [];
      if (a.user === '') {
        const anyHost = a.host === '' || a.host === '%';
        reasons.push({
          en: `is anonymous: any user name is accepted from ${anyHost ? 'any host' : `'${a.host}'`}`,
          zh: `是匿名账号：接受来自${anyHost ? '任意主机' : `主机 '${a.host}' `}的任意用户名`,
        });
      }
      if (emptyPassword.length > 0) {
        const plugin = emptyPassword[0]!.plugin || 'mysql_native_password';
        const via = ways.map((w) => w.plugin || 'mysql_native_password').join(' OR ');
        reasons.push(
          ways.length > 1
            ? {
                en: `accepts an empty password through its ${plugin} alternative (IDENTIFIED VIA ${via})`,
                zh: `可通过其 ${plugin} 认证方式使用空密码登录（IDENTIFIED VIA ${via}）`,
              }
            : { en: `accepts an empty password (${plugin})`, zh: `接受空密码（${plugin}）` },
        );
      }
      if (reasons.length === 0) continue;
      const object = myAccount(a.user, a.host);
      findings.push({
        severity: 'critical' as const,
        object,
        message: {
          en: `${object} ${reasons.map((r) => r.en).join(' and ')}`,
          zh: `${object} ${reasons.map((r) => r.zh).join('，并且')}`,
        },
        evidence: [
          {
            user: a.user,
            host: a.host,
            authentication: ways.map((w) => w.plugin || 'mysql_native_password').join(' OR '),
          },
        ],
      });
    }
    return findings;
  },
});
