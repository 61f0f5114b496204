import { z } from 'zod';
import type { Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { GLOBAL_PRIV_SQL, accountObject } from './accounts.js';
import { isOn, loopbackOnly, variableRow, variablesByName } from './server-variables.js';

const LOCAL_HOSTS = `('localhost', '127.0.0.1', '::1')`;
const classicAccounts = (notRoleOrLocked: string) => `SELECT User AS user, Host AS host FROM mysql.user
WHERE ssl_type = '' AND Host NOT IN ${LOCAL_HOSTS} AND ${notRoleOrLocked}
ORDER BY User, Host LIMIT 500`;

export const mysqlTlsNotEnforced = defineCheck({
  id: 'mysql.tls-not-enforced',
  catalogRef: 'MY-W15',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'TLS not enforced', zh: '未强制使用 TLS 加密连接' },
  description: {
    en: 'require_secure_transport OFF (MySQL 5.7.8+, MariaDB 10.5.2+) lets clients send passwords and data unencrypted over TCP; have_ssl tells whether TLS is available at all. Accounts reachable from non-local hosts without REQUIRE SSL/X509 are listed as evidence when the monitoring account may read them. On a server that listens on loopback only the finding is informational.',
    zh: 'require_secure_transport 为 OFF（MySQL 5.7.8+、MariaDB 10.5.2+）时，客户端可通过 TCP 以明文发送密码和数据；have_ssl 表示服务器是否支持 TLS。若巡检账号有权限，会在证据中列出可从非本机主机登录、且未设置 REQUIRE SSL/X509 的账号。实例只监听回环地址时，该问题仅作提示。',
  },
  remediation: {
    en: 'Configure ssl_cert/ssl_key (and ssl_ca), then set require_secure_transport=ON in my.cnf and SET GLOBAL; on older servers use ALTER USER … REQUIRE SSL for each remote account. Make sure the clients connect with TLS first.',
    zh: '配置 ssl_cert/ssl_key（及 ssl_ca），然后在 my.cnf 中设置 require_secure_transport=ON 并 SET GLOBAL；旧版本对每个远程账号执行 ALTER USER … REQUIRE SSL。启用前先确认客户端已使用 TLS 连接。',
  },
  queries: {
    variables: {
      sql: [
        {
          since: 0,
          sql: `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('require_secure_transport', 'have_ssl', 'bind_address', 'skip_networking')`,
        },
      ],
      row: variableRow,
    },
    accounts: {
      sql: [
        { since: 50706, flavors: ['mysql'], sql: classicAccounts(`account_locked <> 'Y'`) },
        { since: 100000, flavors: ['mariadb'], sql: classicAccounts(`is_role <> 'Y'`) },
        {
          since: 100400,
          flavors: ['mariadb'],
          sql: `SELECT User AS user, Host AS host FROM mysql.global_priv
WHERE IFNULL(JSON_VALUE(Priv, '$.ssl_type'), '0') = '0' AND Host NOT IN ${LOCAL_HOSTS}
  AND NOT (${GLOBAL_PRIV_SQL.isRole}) AND NOT (${GLOBAL_PRIV_SQL.isLocked})
ORDER BY User, Host LIMIT 500`,
        },
      ],
      row: z.object({ user: z.string(), host: z.string() }),
      optional: true,
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ variables, accounts }, ctx) {
    const vars = variablesByName(variables);
    const require = vars.get('require_secure_transport');
    if (isOn(require)) return [];
    const haveSsl = vars.get('have_ssl');
    const noTls = haveSsl !== undefined && haveSsl !== null && !/^yes$/i.test(haveSsl);
    const loopback = loopbackOnly(vars);
    const what: Texts =
      require === undefined
        ? {
            en: `${ctx.server.flavor} ${ctx.server.version} cannot enforce TLS for every connection (require_secure_transport needs MySQL 5.7.8 or MariaDB 10.5.2)`,
            zh: `${ctx.server.flavor} ${ctx.server.version} 无法强制所有连接使用 TLS（require_secure_transport 需要 MySQL 5.7.8 或 MariaDB 10.5.2 及以上版本）`,
          }
        : {
            en: 'require_secure_transport=OFF: clients may connect without TLS',
            zh: 'require_secure_transport=OFF：客户端可以不使用 TLS 连接',
          };
    const parts: Texts[] = [what];
    if (noTls)
      parts.push({
        en: `TLS is not even available (have_ssl=${haveSsl})`,
        zh: `实例甚至未启用 TLS（have_ssl=${haveSsl}）`,
      });
    if (accounts.length > 0)
      parts.push({
        en: `${accounts.length} non-local account(s) have no REQUIRE SSL/X509`,
        zh: `${accounts.length} 个非本机账号未设置 REQUIRE SSL/X509`,
      });
    if (loopback)
      parts.push({
        en: `the server accepts local connections only (${loopback})`,
        zh: `实例只接受本机连接（${loopback}）`,
      });
    return [
      {
        severity: loopback ? 'info' : 'warning',
        object: require === undefined ? ctx.instance.name : 'require_secure_transport',
        message: { en: parts.map((p) => p.en).join('; '), zh: parts.map((p) => p.zh).join('；') },
        ...(accounts.length > 0
          ? { evidence: accounts.slice(0, 20).map((a) => ({ account: accountObject(a.user, a.host) })) }
          : {}),
      },
    ];
  },
});
