import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myAccount } from '../../quote.js';
import { GLOBAL_PRIV_SQL } from './accounts.js';
import { COMMON_PASSWORD_HASHES_SQL, COMMON_PASSWORDS } from './common-passwords.js';

/** Obsolete authentication plugins: pre-4.1 hashing, broken since MySQL 4.1 and removed in 5.7. */
const OBSOLETE_PLUGINS = `('mysql_old_password')`;

/**
 * Classifies an account's stored hash on the server, so that hashes never leave it: `obsolete` (pre-4.1 hash of 16 hex
 * characters or an obsolete plugin), `user_name` (the password is the user name) or `common` (a bundled common
 * password). Only native-password hashes can be compared.
 */
const classify = (plugin: string, auth: string) => `CASE
    WHEN ${plugin} IN ${OBSOLETE_PLUGINS} OR LENGTH(${auth}) = 16 THEN 'obsolete'
    WHEN ${plugin} IN ('', 'mysql_native_password') AND ${auth} = CONCAT('*', UPPER(SHA1(UNHEX(SHA1(User))))) THEN 'user_name'
    WHEN ${plugin} IN ('', 'mysql_native_password') AND ${auth} IN (${COMMON_PASSWORD_HASHES_SQL}) THEN 'common'
  END`;

const fromTable = (plugin: string, auth: string, table: string, where: string) => `SELECT user, host, plugin, weakness
FROM (SELECT User AS user, Host AS host, ${plugin} AS plugin, ${classify(plugin, auth)} AS weakness FROM ${table} WHERE ${where}) a
WHERE weakness IS NOT NULL
ORDER BY user, host LIMIT 500`;

const KIND: Record<string, Texts> = {
  obsolete: {
    en: 'uses a pre-4.1 password hash or the obsolete mysql_old_password plugin, which is trivially cracked',
    zh: '使用 4.1 之前的密码哈希或已废弃的 mysql_old_password 插件，极易被破解',
  },
  user_name: { en: 'has its user name as password', zh: '密码与用户名相同' },
  common: {
    en: `has a password from the list of ${COMMON_PASSWORDS.length} most common passwords`,
    zh: `的密码属于最常见的 ${COMMON_PASSWORDS.length} 个密码之一`,
  },
};

export const mysqlWeakPasswords = defineCheck({
  id: 'mysql.weak-passwords',
  catalogRef: 'MY-W11',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Weak passwords and pre-4.1 hashes', zh: '弱密码与 4.1 之前的密码哈希' },
  description: {
    en: "Compares each unlocked account's stored mysql_native_password hash ('*' + SHA1(SHA1(password))) on the server with the hash of its user name and of a bundled list of the most common passwords, and flags pre-4.1 hashes (16 hex characters) and the obsolete mysql_old_password plugin. The comparison runs in SQL: neither hashes nor passwords leave the server, and findings name the account only. Empty passwords are reported by mysql.accounts-without-password.",
    zh: "在服务器端将每个未锁定账号存储的 mysql_native_password 哈希（'*' + SHA1(SHA1(密码))）与其用户名的哈希以及内置的最常见密码列表的哈希比较，并标出 4.1 之前的哈希（16 位十六进制）和已废弃的 mysql_old_password 插件。比较在 SQL 中完成：哈希和密码都不会离开服务器，结果只给出账号。空密码由 mysql.accounts-without-password 报告。",
  },
  remediation: {
    en: "Set a strong, unique password on each reported account (ALTER USER … IDENTIFIED BY '…'), preferably with caching_sha2_password (MySQL) or ed25519 (MariaDB); enable a password validation plugin (validate_password, simple_password_check / cracklib_password_check) so weak passwords are refused.",
    zh: "为每个被报告的账号设置强且唯一的密码（ALTER USER … IDENTIFIED BY '…'），MySQL 优先使用 caching_sha2_password，MariaDB 优先使用 ed25519；启用密码校验插件（validate_password、simple_password_check / cracklib_password_check）拒绝弱密码。",
  },
  queries: {
    accounts: {
      sql: [
        {
          since: 50706,
          flavors: ['mysql'],
          sql: fromTable(
            `IFNULL(plugin, '')`,
            `IFNULL(authentication_string, '')`,
            'mysql.user',
            `account_locked <> 'Y'`,
          ),
        },
        {
          since: 100000,
          flavors: ['mariadb'],
          sql: fromTable(
            `IFNULL(plugin, '')`,
            `IFNULL(NULLIF(authentication_string, ''), IFNULL(Password, ''))`,
            'mysql.user',
            `is_role <> 'Y'`,
          ),
        },
        {
          since: 100400,
          flavors: ['mariadb'],
          sql: fromTable(
            `IFNULL(JSON_VALUE(Priv, '$.plugin'), '')`,
            `IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '')`,
            'mysql.global_priv',
            `NOT (${GLOBAL_PRIV_SQL.isRole}) AND NOT (${GLOBAL_PRIV_SQL.isLocked})`,
          ),
        },
      ],
      row: z.object({
        user: z.string(),
        host: z.string(),
        plugin: z.string(),
        weakness: z.enum(['obsolete', 'user_name', 'common']),
      }),
    },
  },
  thresholds: {
    schema: z.object({ exemptAccounts: z.array(z.string()) }),
    defaults: { exemptAccounts: [] as string[] },
  },
  evaluate({ accounts }, ctx) {
    const exempt = new Set(ctx.thresholds.exemptAccounts);
    const findings: FindingDraft[] = [];
    for (const a of accounts) {
      const object = myAccount(a.user, a.host);
      if (exempt.has(object) || exempt.has(a.user)) continue;
      const kind = KIND[a.weakness]!;
      findings.push({
        severity: 'critical',
        object,
        message: { en: `${object} ${kind.en}`, zh: `${object} ${kind.zh}` },
        value: a.weakness,
        evidence: [{ user: a.user, host: a.host, plugin: a.plugin || 'mysql_native_password', weakness: a.weakness }],
      });
    }
    return findings;
  },
});
