import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { myAccount } from '../../quote.js';
import { variableRow, variablesByName } from './server-variables.js';

/** max_password_errors' default and maximum: lockout never triggers. */
const MARIADB_LOCKOUT_OFF = 4294967295;

const NO_ACCOUNTS = `SELECT '' AS user, '' AS host, 0 AS failed_login_attempts FROM DUAL WHERE 1 = 0`;

export const mysqlLoginFailureLockout = defineCheck({
  id: 'mysql.login-failure-lockout',
  catalogRef: 'MY-W14',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Login-failure lockout', zh: '登录失败处理（锁定）' },
  description: {
    en: 'Whether repeated failed logins are stopped. MariaDB (10.4.2+): max_password_errors, default 4294967295 = off; it blocks an account after that many wrong passwords in a row but never applies to accounts with SUPER / CONNECTION ADMIN or to localhost connections. MySQL: the connection_control plugin (or component), or per-account FAILED_LOGIN_ATTEMPTS (8.0.19+, mysql.user User_attributes), read only when the monitoring account may select mysql.user.',
    zh: '检查是否对连续登录失败进行处理。MariaDB（10.4.2+）：max_password_errors，默认 4294967295 即未启用；连续输错达到该次数后阻止该账号登录，但不适用于拥有 SUPER / CONNECTION ADMIN 的账号和 localhost 连接。MySQL：connection_control 插件（或组件），或账号级 FAILED_LOGIN_ATTEMPTS（8.0.19+，mysql.user 的 User_attributes），后者需要巡检账号有 mysql.user 的查询权限。',
  },
  remediation: {
    en: 'MariaDB: set max_password_errors (e.g. 5) in my.cnf and SET GLOBAL; unblock with FLUSH PRIVILEGES. MySQL: ALTER USER … FAILED_LOGIN_ATTEMPTS 5 PASSWORD_LOCK_TIME 1 for each account, or install connection_control. MLPS (Multi-Level Protection Scheme) requires login-failure handling.',
    zh: 'MariaDB：在 my.cnf 中设置 max_password_errors（如 5）并 SET GLOBAL，被阻止的账号用 FLUSH PRIVILEGES 解除。MySQL：对每个账号执行 ALTER USER … FAILED_LOGIN_ATTEMPTS 5 PASSWORD_LOCK_TIME 1，或安装 connection_control。等保要求具备登录失败处理功能。',
  },
  queries: {
    variables: {
      sql: [
        {
          since: 0,
          sql: `SHOW GLOBAL VARIABLES WHERE Variable_name = 'max_password_errors' OR Variable_name LIKE '%connection_control%failed_connections_threshold'`,
        },
      ],
      row: variableRow,
    },
    plugins: {
      sql: [
        {
          since: 0,
          sql: `SELECT PLUGIN_NAME AS name, PLUGIN_STATUS AS status FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'CONNECTION_CONTROL'`,
        },
      ],
      row: z.object({ name: z.string(), status: z.string() }),
    },
    accounts: {
      sql: [
        { since: 0, sql: NO_ACCOUNTS },
        {
          since: 80019,
          flavors: ['mysql'],
          sql: `SELECT User AS user, Host AS host,
  CAST(IFNULL(JSON_UNQUOTE(JSON_EXTRACT(User_attributes, '$.Password_locking.failed_login_attempts')), '0') AS UNSIGNED) AS failed_login_attempts
FROM mysql.user WHERE account_locked <> 'Y' ORDER BY User, Host LIMIT 1000`,
        },
      ],
      row: z.object({ user: z.string(), host: z.string(), failed_login_attempts: z.coerce.number() }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({ maxAttempts: z.number().int().positive() }),
    defaults: { maxAttempts: 10 },
  },
  evaluate({ variables, plugins, accounts }, ctx) {
    const vars = variablesByName(variables);
    const { maxAttempts } = ctx.thresholds;
    if (ctx.server.flavor === 'mariadb') {
      const raw = vars.get('max_password_errors');
      if (raw === undefined || raw === null) {
        return [
          {
            severity: 'warning',
            object: ctx.instance.name,
            message: {
              en: `MariaDB ${ctx.server.version} has no login-failure lockout (max_password_errors needs 10.4.2)`,
              zh: `MariaDB ${ctx.server.version} 不支持登录失败锁定（max_password_errors 需要 10.4.2 及以上版本）`,
            },
          },
        ];
      }
      const limit = Number(raw);
      const exempt = 'accounts with SUPER or CONNECTION ADMIN and localhost connections are never blocked';
      const exemptZh = '拥有 SUPER 或 CONNECTION ADMIN 权限的账号以及本机连接永远不会被锁定';
      if (limit >= MARIADB_LOCKOUT_OFF) {
        return [
          {
            severity: 'warning',
            object: 'max_password_errors',
            message: {
              en: `max_password_errors=${raw} (the default): failed logins never block an account (threshold ${maxAttempts}; even when set, ${exempt})`,
              zh: `max_password_errors=${raw}（默认值）：登录失败永远不会锁定账号（阈值 ${maxAttempts}；即使设置了，${exemptZh}）`,
            },
            value: limit,
            threshold: maxAttempts,
          },
        ];
      }
      if (limit > maxAttempts) {
        return [
          {
            severity: 'warning',
            object: 'max_password_errors',
            message: {
              en: `max_password_errors=${limit}: an account is blocked only after ${limit} wrong passwords (threshold ${maxAttempts}; ${exempt})`,
              zh: `max_password_errors=${limit}：密码连续错误 ${limit} 次后才会锁定账号（阈值 ${maxAttempts}；${exemptZh}）`,
            },
            value: limit,
            threshold: maxAttempts,
          },
        ];
      }
      return [];
    }

    const threshold = [...vars.entries()].find(([k]) => k.includes('connection_control'))?.[1];
    const pluginActive = plugins.some((p) => p.status.toUpperCase() === 'ACTIVE');
    const componentLoaded = [...vars.keys()].some((k) => k.startsWith('component_connection_control.'));
    if ((pluginActive || componentLoaded) && Number(threshold ?? 0) > 0) return [];
    const controlState =
      pluginActive || componentLoaded
        ? `connection_control is loaded but its failed_connections_threshold is ${threshold ?? 'unset'}`
        : 'connection_control is not installed';
    const controlStateZh =
      pluginActive || componentLoaded
        ? `已加载 connection_control，但其 failed_connections_threshold 为 ${threshold ?? '未设置'}`
        : '未安装 connection_control';
    if (ctx.server.versionNum < 80019) {
      return [
        {
          severity: 'warning',
          object: ctx.instance.name,
          message: {
            en: `no login-failure handling: ${controlState}, and per-account FAILED_LOGIN_ATTEMPTS needs MySQL 8.0.19`,
            zh: `没有登录失败处理：${controlStateZh}，且按账号设置的 FAILED_LOGIN_ATTEMPTS 需要 MySQL 8.0.19 及以上版本`,
          },
        },
      ];
    }
    if (accounts.length === 0) {
      return {
        skipped: {
          en: `${controlState}; per-account FAILED_LOGIN_ATTEMPTS could not be read (needs SELECT on mysql.user)`,
          zh: `${controlStateZh}；无法读取各账号的 FAILED_LOGIN_ATTEMPTS（需要 mysql.user 的 SELECT 权限）`,
        },
      };
    }
    const unprotected = accounts.filter((a) => a.failed_login_attempts <= 0 || a.failed_login_attempts > maxAttempts);
    if (unprotected.length === 0) return [];
    return [
      {
        severity: 'warning',
        object: ctx.instance.name,
        message: {
          en: `${unprotected.length} of ${accounts.length} unlocked accounts have no FAILED_LOGIN_ATTEMPTS (or more than ${maxAttempts}) and ${controlState}`,
          zh: `${accounts.length} 个未锁定账号中有 ${unprotected.length} 个未设置 FAILED_LOGIN_ATTEMPTS（或大于 ${maxAttempts}），且${controlStateZh}`,
        },
        value: unprotected.length,
        evidence: unprotected
          .slice(0, 20)
          .map((a) => ({ account: myAccount(a.user, a.host), failedLoginAttempts: a.failed_login_attempts })),
      },
    ];
  },
});
