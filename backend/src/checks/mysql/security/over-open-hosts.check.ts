import { z } from 'zod';
import type { FindingDraft, Severity, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myAccount } from '../../quote.js';
import {
  ALL_PRIVILEGES,
  compactPrivileges,
  DEFAULT_ALLOWED_ACCOUNTS,
  GLOBAL_PRIV_SQL,
  globalPrivileges,
  hasAllPrivileges,
  isLocalHost,
  parseAccount,
  PRIVILEGE_LIST_SQL,
} from './accounts.js';
import { loopbackOnly, variableRow, variablesByName } from './server-variables.js';

const LOCAL_HOSTS = `('localhost', '127.0.0.1', '::1')`;
/** Remote accounts by host pattern or name, and every account (local too) holding global SUPER or GRANT OPTION. */
const candidates = (
  privs: string,
  notRoleOrLocked: string,
) => `SELECT User AS user, Host AS host, NULL AS access, ${privs} AS privs
FROM mysql.user
WHERE ${notRoleOrLocked}
  AND ((Host NOT IN ${LOCAL_HOSTS} AND (Host IN ('%', '') OR User = 'root')) OR Super_priv = 'Y' OR Grant_priv = 'Y')
ORDER BY User, Host LIMIT 500`;

const stepDown = { critical: 'warning', warning: 'info', info: 'info' } as const satisfies Record<Severity, Severity>;
const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const SEVERITY_ZH: Record<Severity, string> = { info: '提示', warning: '警告', critical: '严重' };

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
    en: 'Accounts open to any host; root or SUPER from remote hosts; global ALL, SUPER or GRANT OPTION holders',
    zh: '对任意主机开放的账号；可远程登录的 root 或 SUPER 账号；拥有全局 ALL、SUPER 或 GRANT OPTION 的账号',
  },
  description: {
    en: "Accounts whose host is '%' or empty accept connections from anywhere (warning). root, and any account holding SUPER or ALL PRIVILEGES, reachable from a non-local host is critical. Local means localhost, 127.0.0.1, ::1 and 127.% patterns. When the server listens on loopback only (bind_address 127.0.0.1/::1 or skip_networking) these host-pattern findings are lowered by one step (critical to warning, warning to info) and say why; they are still reported, since bind_address can change at the next restart. Independently of the network, every account holding global ALL PRIVILEGES, SUPER or GRANT OPTION that is not in allowedAccounts (by default the accounts an installation creates: root on localhost/127.0.0.1/::1, mysql, mariadb.sys, mysql.sys, mysql.session, mysql.infoschema on localhost) is a warning; the monitoring account is not exempt unless listed. Locked accounts and MariaDB roles are not assessed. MariaDB ≥ 10.4 privileges come from the mysql.global_priv access bitmask, older MariaDB and MySQL from the mysql.user privilege columns.",
    zh: "主机为 '%' 或空的账号可从任何地方连接（警告）。root 以及任何拥有 SUPER 或 ALL PRIVILEGES 的账号若可从非本机主机登录，则为严重。本机指 localhost、127.0.0.1、::1 及 127.% 形式的主机。若实例只监听回环地址（bind_address 为 127.0.0.1/::1 或开启 skip_networking），这些主机范围类问题降低一级（严重降为警告，警告降为提示）并说明原因；它们仍会被报告，因为 bind_address 在下次重启时可能改变。与网络无关，凡拥有全局 ALL PRIVILEGES、SUPER 或 GRANT OPTION 且不在 allowedAccounts 中的账号（默认为安装时创建的账号：localhost/127.0.0.1/::1 上的 root，以及 localhost 上的 mysql、mariadb.sys、mysql.sys、mysql.session、mysql.infoschema）均为警告；巡检账号本身除非列入，否则不豁免。已锁定的账号和 MariaDB 角色不评估。MariaDB 10.4 及以上从 mysql.global_priv 的 access 位掩码读取权限，更早的 MariaDB 和 MySQL 从 mysql.user 的权限列读取。",
  },
  remediation: {
    en: "Restrict each account to the application subnets or hosts it needs (RENAME USER 'u'@'%' TO 'u'@'10.1.2.%'), keep root to localhost, and give administrators named accounts limited to a bastion host; revoke SUPER, ALL and GRANT OPTION from application and monitoring accounts (REVOKE SUPER, GRANT OPTION ON *.* FROM 'u'@'h'), or list a deliberate administrator in allowedAccounts.",
    zh: "将每个账号限定到其所需的应用网段或主机（RENAME USER 'u'@'%' TO 'u'@'10.1.2.%'），root 仅保留 localhost，管理员使用仅限堡垒机登录的实名账号；收回应用账号和巡检账号的 SUPER、ALL 与 GRANT OPTION 权限（REVOKE SUPER, GRANT OPTION ON *.* FROM 'u'@'h'），或将确需的管理员账号列入 allowedAccounts。",
  },
  queries: {
    network: {
      sql: [{ since: 0, sql: `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('bind_address', 'skip_networking')` }],
      row: variableRow,
    },
    accounts: {
      sql: [
        { since: 50706, flavors: ['mysql'], sql: candidates(PRIVILEGE_LIST_SQL.core, `account_locked <> 'Y'`) },
        { since: 100000, flavors: ['mariadb'], sql: candidates(PRIVILEGE_LIST_SQL.core, `is_role <> 'Y'`) },
        {
          since: 100400,
          flavors: ['mariadb'],
          sql: `SELECT User AS user, Host AS host, JSON_VALUE(Priv, '$.access') AS access, NULL AS privs
FROM mysql.global_priv
WHERE NOT (${GLOBAL_PRIV_SQL.isRole}) AND NOT (${GLOBAL_PRIV_SQL.isLocked})
  AND ((Host NOT IN ${LOCAL_HOSTS} AND (Host IN ('%', '') OR User = 'root'))
    OR CAST(JSON_VALUE(Priv, '$.access') AS UNSIGNED) & (32768 | 1024) <> 0)
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
    schema: z.object({
      lowerWhenLoopbackOnly: z.boolean(),
      allowedAccounts: z.array(z.string().min(1)),
    }),
    defaults: { lowerWhenLoopbackOnly: true, allowedAccounts: [...DEFAULT_ALLOWED_ACCOUNTS] },
  },
  evaluate({ network, accounts }, ctx) {
    const loopback = ctx.thresholds.lowerWhenLoopbackOnly ? loopbackOnly(variablesByName(network)) : null;
    const allowed = new Set(
      ctx.thresholds.allowedAccounts.flatMap((a) => {
        const parsed = parseAccount(a);
        return parsed ? [myAccount(parsed.user, parsed.host)] : [];
      }),
    );
    const out: FindingDraft[] = [];
    for (const a of accounts) {
      const object = myAccount(a.user, a.host);
      const privileges = globalPrivileges(a, ctx.server);
      const all = hasAllPrivileges(privileges, ctx.server);
      const remote = !isLocalHost(a.host);
      const anyHost = a.host === '%' || a.host === '';
      const evidence = [
        { user: a.user, host: a.host, globalPrivileges: compactPrivileges(privileges, ctx.server).join(', ') },
      ];

      // Host pattern: who can reach the account, lowered one step on a loopback-only server.
      let host: { severity: Severity; text: Texts; admin: boolean } | null = null;
      if (remote && (anyHost || a.user === 'root' || all || privileges.has('SUPER'))) {
        const from: Texts = anyHost
          ? { en: 'any host', zh: '任意主机' }
          : /[%_]/.test(a.host)
            ? { en: `hosts matching '${a.host}'`, zh: `匹配 '${a.host}' 的主机` }
            : { en: `host ${a.host}`, zh: `主机 ${a.host} ` };
        const admin = a.user === 'root' || all || privileges.has('SUPER');
        const who: Texts =
          a.user === 'root'
            ? { en: 'root', zh: 'root 账号' }
            : all
              ? { en: `an account with ${ALL_PRIVILEGES}`, zh: `拥有 ${ALL_PRIVILEGES} 的账号` }
              : { en: 'an account with SUPER', zh: '拥有 SUPER 权限的账号' };
        const text: Texts = admin
          ? {
              en: `${who.en} can log in from ${from.en}; administrative access should be local only`,
              zh: `${who.zh}可从${from.zh}登录；管理权限应仅限本机使用`,
            }
          : { en: `accepts connections from ${from.en}`, zh: `接受来自${from.zh}的连接` };
        const severity: Severity = admin ? 'critical' : 'warning';
        host = loopback
          ? {
              admin,
              severity: stepDown[severity],
              text: {
                en: `${text.en} (lowered from ${severity}: the server accepts local connections only, ${loopback}, until bind_address or skip_networking changes)`,
                zh: `${text.zh}（由${SEVERITY_ZH[severity]}降低一级：实例目前只接受本机连接，${loopback}，直至 bind_address 或 skip_networking 改变）`,
              },
            }
          : { admin, severity, text };
      }

      // Privileged holder: global ALL, SUPER or GRANT OPTION outside the allowed list, whatever the network says.
      const held = [
        ...(all ? [ALL_PRIVILEGES] : privileges.has('SUPER') ? ['SUPER'] : []),
        ...(privileges.has('GRANT OPTION') ? ['GRANT OPTION'] : []),
      ];
      const privileged =
        held.length > 0 && !allowed.has(myAccount(a.user, a.host.toLowerCase()))
          ? {
              severity: 'warning' as Severity,
              text: {
                en: `holds global ${held.join(' and ')} and is not in allowedAccounts`,
                zh: `拥有全局 ${held.join(' 和 ')} 权限且不在 allowedAccounts 中`,
              },
            }
          : null;

      const parts = [host, privileged].filter((p): p is { severity: Severity; text: Texts } => p !== null);
      if (parts.length === 0) continue;
      const severity = parts.reduce<Severity>((s, p) => (RANK[p.severity] > RANK[s] ? p.severity : s), 'info');
      const en = parts.map((p) => p.text.en).join('; ');
      const zh = parts.map((p) => p.text.zh).join('；');
      // A bare host pattern reads as a sentence about the account; the rest follow "account: …".
      const sentence = parts.length === 1 && host !== null && !host.admin;
      out.push({
        severity,
        object,
        message: sentence
          ? { en: `${object} ${en}`, zh: `${object} ${zh}` }
          : { en: `${object}: ${en}`, zh: `${object}：${zh}` },
        evidence,
      });
    }
    return out;
  },
});
