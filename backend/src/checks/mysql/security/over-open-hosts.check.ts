import { z } from 'zod';
import type { Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myAccount } from '../../quote.js';
import {
  ALL_PRIVILEGES,
  compactPrivileges,
  GLOBAL_PRIV_SQL,
  globalPrivileges,
  hasAllPrivileges,
  isLocalHost,
  PRIVILEGE_LIST_SQL,
} from './accounts.js';
import { loopbackOnly, variableRow, variablesByName } from './server-variables.js';

const LOCAL_HOSTS = `('localhost', '127.0.0.1', '::1')`;
const remoteCandidates = (
  privs: string,
  notRoleOrLocked: string,
) => `SELECT User AS user, Host AS host, NULL AS access, ${privs} AS privs
FROM mysql.user
WHERE Host NOT IN ${LOCAL_HOSTS} AND ${notRoleOrLocked} AND (Host IN ('%', '') OR User = 'root' OR Super_priv = 'Y')
ORDER BY User, Host LIMIT 500`;

export const mysqlOverOpenHosts = defineCheck({
  id: 'mysql.over-open-hosts',
  catalogRef: 'MY-W12',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: {
    en: 'Accounts open to any host; root or SUPER from remote hosts',
    zh: '对任意主机开放的账号；可远程登录的 root 或 SUPER 账号',
  },
  description: {
    en: "Accounts whose host is '%' or empty accept connections from anywhere (warning). root, and any account holding SUPER or ALL PRIVILEGES, reachable from a non-local host is critical. Local means localhost, 127.0.0.1, ::1 and 127.% patterns. MariaDB ≥ 10.4 privileges come from the mysql.global_priv access bitmask, older MariaDB and MySQL from the mysql.user privilege columns. When the server listens on loopback only (bind_address 127.0.0.1/::1 or skip_networking), remote accounts are not assessed and the check says so.",
    zh: "主机为 '%' 或空的账号可从任何地方连接（警告）。root 以及任何拥有 SUPER 或 ALL PRIVILEGES 的账号若可从非本机主机登录，则为严重。本机指 localhost、127.0.0.1、::1 及 127.% 形式的主机。MariaDB 10.4 及以上从 mysql.global_priv 的 access 位掩码读取权限，更早的 MariaDB 和 MySQL 从 mysql.user 的权限列读取。若实例只监听回环地址（bind_address 为 127.0.0.1/::1 或开启 skip_networking），则不评估远程账号，并在结果中说明。",
  },
  remediation: {
    en: "Restrict each account to the application subnets or hosts it needs (RENAME USER 'u'@'%' TO 'u'@'10.1.2.%'), keep root to localhost, and give administrators named accounts limited to a bastion host; revoke SUPER/ALL from application accounts.",
    zh: "将每个账号限定到其所需的应用网段或主机（RENAME USER 'u'@'%' TO 'u'@'10.1.2.%'），root 仅保留 localhost，管理员使用仅限堡垒机登录的实名账号；收回应用账号的 SUPER/ALL 权限。",
  },
  queries: {
    network: {
      sql: [{ since: 0, sql: `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('bind_address', 'skip_networking')` }],
      row: variableRow,
    },
    accounts: {
      sql: [
        { since: 50706, flavors: ['mysql'], sql: remoteCandidates(PRIVILEGE_LIST_SQL.core, `account_locked <> 'Y'`) },
        { since: 100000, flavors: ['mariadb'], sql: remoteCandidates(PRIVILEGE_LIST_SQL.core, `is_role <> 'Y'`) },
        {
          since: 100400,
          flavors: ['mariadb'],
          sql: `SELECT User AS user, Host AS host, JSON_VALUE(Priv, '$.access') AS access, NULL AS privs
FROM mysql.global_priv
WHERE Host NOT IN ${LOCAL_HOSTS} AND NOT (${GLOBAL_PRIV_SQL.isRole}) AND NOT (${GLOBAL_PRIV_SQL.isLocked})
  AND (Host IN ('%', '') OR User = 'root' OR CAST(JSON_VALUE(Priv, '$.access') AS UNSIGNED) & 32768 <> 0)
ORDER BY User, Host LIMIT 500`,
        },
      ],
      row: z.object({
        user: z.string(),
        host: z.string(),
        access: z.string().nullable(),
        privs: z.string().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ ignoreRemoteWhenLoopbackOnly: z.boolean() }),
    defaults: { ignoreRemoteWhenLoopbackOnly: true },
  },
  evaluate({ network, accounts }, ctx) {
    const candidates = accounts.filter((a) => !isLocalHost(a.host));
    if (candidates.length === 0) return [];
    const loopback = loopbackOnly(variablesByName(network));
    if (loopback && ctx.thresholds.ignoreRemoteWhenLoopbackOnly) {
      return {
        skipped: {
          en: `the server accepts local connections only (${loopback}), so ${candidates.length} account(s) with non-local hosts were not assessed`,
          zh: `实例只接受本机连接（${loopback}），因此未评估 ${candidates.length} 个非本机主机的账号`,
        },
      };
    }
    return candidates.map((a) => {
      const object = myAccount(a.user, a.host);
      const privileges = globalPrivileges(a, ctx.server);
      const all = hasAllPrivileges(privileges, ctx.server);
      const from: Texts =
        a.host === '%' || a.host === ''
          ? { en: 'any host', zh: '任意主机' }
          : /[%_]/.test(a.host)
            ? { en: `hosts matching '${a.host}'`, zh: `匹配 '${a.host}' 的主机` }
            : { en: `host ${a.host}`, zh: `主机 ${a.host} ` };
      const evidence = [
        { user: a.user, host: a.host, globalPrivileges: compactPrivileges(privileges, ctx.server).join(', ') },
      ];
      if (a.user === 'root' || all || privileges.has('SUPER')) {
        const who: Texts =
          a.user === 'root'
            ? { en: 'root', zh: 'root 账号' }
            : all
              ? { en: `an account with ${ALL_PRIVILEGES}`, zh: `拥有 ${ALL_PRIVILEGES} 的账号` }
              : { en: 'an account with SUPER', zh: '拥有 SUPER 权限的账号' };
        return {
          severity: 'critical' as const,
          object,
          message: {
            en: `${object}: ${who.en} can log in from ${from.en}; administrative access should be local only`,
            zh: `${object}：${who.zh}可从${from.zh}登录；管理权限应仅限本机使用`,
          },
          evidence,
        };
      }
      return {
        severity: 'warning' as const,
        object,
        message: { en: `${object} accepts connections from ${from.en}`, zh: `${object} 接受来自${from.zh}的连接` },
        evidence,
      };
    });
  },
});
