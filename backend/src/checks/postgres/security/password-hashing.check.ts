import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgIdent } from '../../quote.js';

/** PostgreSQL ≤ 13 also accepts `on`/`true` as a synonym of md5 for password_encryption. */
const MD5_SETTINGS = new Set(['md5', 'on', 'true', 'yes', '1']);
const NO_AUTHID = { en: 'reading pg_authid needs superuser', zh: '读取 pg_authid 需要超级用户权限' };

export const postgresPasswordHashing = defineCheck({
  id: 'postgres.password-hashing',
  catalogRef: 'PG-W14',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'MD5 password hashes', zh: 'MD5 密码哈希' },
  description: {
    en: 'password_encryption set to md5, and roles whose stored password is still an MD5 hash (pg_authid.rolpassword, readable only by a superuser). MD5 hashes are weak, replayable across servers for the same role name, and deprecated since PostgreSQL 18; SCRAM-SHA-256 has been the default since PostgreSQL 14.',
    zh: 'password_encryption 设置为 md5，以及存储的密码仍为 MD5 哈希的角色（pg_authid.rolpassword，仅超级用户可读）。MD5 哈希强度弱，同名角色在不同服务器间可被重放，自 PostgreSQL 18 起已弃用；PostgreSQL 14 起默认使用 SCRAM-SHA-256。',
  },
  remediation: {
    en: "Set password_encryption = 'scram-sha-256' (ALTER SYSTEM, then reload), make sure every client driver supports SCRAM, then have each listed role set its password again (\\password in psql, or ALTER ROLE … PASSWORD '…') and change md5 to scram-sha-256 in pg_hba.conf.",
    zh: "设置 password_encryption = 'scram-sha-256'（ALTER SYSTEM 后重新加载配置），确认所有客户端驱动支持 SCRAM，然后让列出的每个角色重新设置密码（psql 中执行 \\password，或 ALTER ROLE … PASSWORD '…'），并将 pg_hba.conf 中的 md5 改为 scram-sha-256。",
  },
  queries: {
    settings: {
      sql: [{ since: 0, sql: `SELECT current_setting('password_encryption') AS password_encryption` }],
      row: z.object({ password_encryption: z.string() }),
    },
    hashes: {
      sql: [
        {
          since: 0,
          sql: `SELECT count(*) FILTER (WHERE a.rolpassword IS NOT NULL) AS with_password,
  coalesce(array_agg(a.rolname::text ORDER BY a.rolname) FILTER (WHERE a.rolpassword LIKE 'md5%'), '{}'::text[]) AS md5_roles,
  coalesce(array_agg(a.rolname::text ORDER BY a.rolname) FILTER (WHERE a.rolpassword LIKE 'md5%' AND a.rolcanlogin), '{}'::text[]) AS md5_login_roles
FROM pg_authid a`,
        },
      ],
      row: z.object({
        with_password: z.coerce.number(),
        md5_roles: z.array(z.string()),
        md5_login_roles: z.array(z.string()),
      }),
      optional: true,
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ settings, hashes }) {
    const findings: FindingDraft[] = [];
    const encryption = settings[0]?.password_encryption;
    const stored = hashes[0];
    if (encryption !== undefined && MD5_SETTINGS.has(encryption.toLowerCase())) {
      findings.push({
        severity: 'warning',
        object: 'password_encryption',
        message: {
          en: `password_encryption = ${encryption}: new and changed passwords are stored as MD5 hashes${stored ? '' : ` (stored hashes not checked: ${NO_AUTHID.en})`}`,
          zh: `password_encryption = ${encryption}：新设置和修改的密码以 MD5 哈希存储${stored ? '' : `（未检查已存储的哈希：${NO_AUTHID.zh}）`}`,
        },
        value: encryption,
        threshold: 'scram-sha-256',
      });
    }
    if (!stored) {
      if (findings.length > 0) return findings;
      return {
        skipped: {
          en: `stored password hashes not checked: ${NO_AUTHID.en} (password_encryption = ${encryption ?? 'unknown'})`,
          zh: `未检查已存储的密码哈希：${NO_AUTHID.zh}（password_encryption = ${encryption ?? '未知'}）`,
        },
      };
    }
    const login = new Set(stored.md5_login_roles);
    for (const name of stored.md5_roles) {
      findings.push({
        severity: 'warning',
        object: pgIdent(name),
        message: {
          en: `${login.has(name) ? 'login role' : 'role'} ${pgIdent(name)} has its password stored as an MD5 hash (${stored.md5_roles.length} of ${stored.with_password} roles with a password)`,
          zh: `${login.has(name) ? '可登录角色' : '角色'} ${pgIdent(name)} 的密码以 MD5 哈希存储（设有密码的 ${stored.with_password} 个角色中有 ${stored.md5_roles.length} 个）`,
        },
        evidence: [{ role: name, canLogin: login.has(name), hash: 'md5' }],
      });
    }
    return findings;
  },
});
