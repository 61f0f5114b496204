import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { pgIdent } from '../../quote.js';

const DAY_MS = 86_400_000;

export const postgresPasswordExpiry = defineCheck({
  id: 'postgres.password-expiry',
  catalogRef: 'PG-W14',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Password expiry of login roles', zh: '登录角色的密码有效期' },
  description: {
    en: "Login roles whose password expires soon (VALID UNTIL within the threshold: applications will fail to log in), and login roles with a password that never expires (no VALID UNTIL, or VALID UNTIL 'infinity'), which periodic-password-change policies such as China's MLPS 2.0 forbid. Whether a role has a password is read from pg_authid, which only a superuser may read; without it every never-expiring login role is reported and the message says so.",
    zh: "密码即将过期的登录角色（VALID UNTIL 在阈值之内，到期后应用将无法登录），以及密码永不过期的登录角色（未设置 VALID UNTIL 或设置为 'infinity'），后者不符合等保等要求定期更换密码的规范。角色是否设置了密码需读取 pg_authid，只有超级用户可读；无此权限时会报告所有永不过期的登录角色，并在消息中说明。",
  },
  remediation: {
    en: "Rotate the password before it expires and set a new expiry: ALTER ROLE … PASSWORD '…' VALID UNTIL '…'. For roles without an expiry, agree a rotation period and set VALID UNTIL; roles that authenticate only with certificates or peer/GSSAPI can be exempted in the thresholds.",
    zh: "在到期前更换密码并设置新的有效期：ALTER ROLE … PASSWORD '…' VALID UNTIL '…'。对于没有有效期的角色，确定轮换周期并设置 VALID UNTIL；仅用证书或 peer/GSSAPI 认证的角色可在阈值配置中豁免。",
  },
  queries: {
    roles: {
      sql: [
        {
          since: 0,
          sql: `SELECT r.rolname, r.rolsuper,
  (r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity') AS never_expires,
  CASE WHEN isfinite(r.rolvaliduntil) THEN r.rolvaliduntil END AS valid_until
FROM pg_roles r
WHERE r.rolcanlogin
ORDER BY r.rolname LIMIT 1000`,
        },
      ],
      row: z.object({
        rolname: z.string(),
        rolsuper: z.boolean(),
        never_expires: z.boolean(),
        valid_until: z.coerce.date().nullable(),
      }),
    },
    passwords: {
      sql: [
        {
          since: 0,
          sql: `SELECT coalesce(array_agg(a.rolname::text ORDER BY a.rolname) FILTER (WHERE a.rolpassword IS NOT NULL), '{}'::text[]) AS with_password
FROM pg_authid a
WHERE a.rolcanlogin`,
        },
      ],
      row: z.object({ with_password: z.array(z.string()) }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({
      warnDays: z.number().positive(),
      neverExpiring: z.enum(['warning', 'info', 'ignore']),
      exemptRoles: z.array(z.string()),
    }),
    defaults: { warnDays: 30, neverExpiring: 'warning', exemptRoles: [] },
  },
  evaluate({ roles, passwords }, ctx) {
    const { warnDays, neverExpiring, exemptRoles } = ctx.thresholds;
    const withPassword = passwords[0] ? new Set(passwords[0].with_password) : undefined;
    const findings: FindingDraft[] = [];
    for (const r of roles) {
      if (exemptRoles.includes(r.rolname)) continue;
      if (withPassword && !withPassword.has(r.rolname)) continue;
      const role = pgIdent(r.rolname);
      if (r.never_expires) {
        if (neverExpiring === 'ignore') continue;
        findings.push({
          severity: neverExpiring,
          object: role,
          message: withPassword
            ? {
                en: `login role ${role} has a password that never expires (VALID UNTIL not set or 'infinity')`,
                zh: `可登录角色 ${role} 的密码永不过期（未设置 VALID UNTIL 或为 'infinity'）`,
              }
            : {
                en: `login role ${role} never expires (VALID UNTIL not set or 'infinity'); whether it has a password is unknown: reading pg_authid needs superuser`,
                zh: `可登录角色 ${role} 永不过期（未设置 VALID UNTIL 或为 'infinity'）；无法确认其是否设有密码：读取 pg_authid 需要超级用户权限`,
              },
          evidence: [
            {
              role: r.rolname,
              superuser: r.rolsuper,
              validUntil: 'never',
              hasPassword: withPassword ? true : 'unknown',
            },
          ],
        });
        continue;
      }
      const validUntil = r.valid_until;
      const days = validUntil ? (validUntil.getTime() - ctx.now.getTime()) / DAY_MS : -Infinity;
      // -Infinity ('-infinity') is already expired, which grade() does not judge.
      const g = grade(days, { warn: warnDays }, { direction: 'below' });
      if (days >= 0 && !g) continue;
      const when = validUntil ? validUntil.toISOString() : "'-infinity'";
      const evidence = [
        { role: r.rolname, superuser: r.rolsuper, validUntil: validUntil?.toISOString() ?? '-infinity' },
      ];
      if (days < 0) {
        findings.push({
          severity: 'info',
          object: role,
          message: {
            en: `login role ${role} has expired (VALID UNTIL ${when}): password logins are refused`,
            zh: `可登录角色 ${role} 已过期（VALID UNTIL ${when}）：密码登录会被拒绝`,
          },
          evidence,
        });
      } else if (g) {
        const rounded = Math.round(days * 10) / 10;
        const limit = thresholdText(g.limit, UNITS.days);
        findings.push({
          severity: g.severity,
          object: role,
          message: {
            en: `password of login role ${role} expires at ${when}, in ${rounded} days (${limit.en})`,
            zh: `可登录角色 ${role} 的密码将于 ${when} 过期，还剩 ${rounded} 天（${limit.zh}）`,
          },
          value: rounded,
          threshold: g.limit,
          evidence,
        });
      }
    }
    return findings;
  },
});
