import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgIdent } from '../../quote.js';

const NO_AUTHID = {
  en: 'reading pg_authid and pg_hba_file_rules needs superuser',
  zh: '读取 pg_authid 与 pg_hba_file_rules 需要超级用户权限',
};

/** One row: every LOGIN role without a stored password, with the error-free pg_hba trust lines that match it. */
const SQL = `SELECT coalesce(json_agg(json_build_object('role', r.rolname, 'superuser', r.rolsuper, 'trust', r.trust)
  ORDER BY r.rolname), '[]'::json) AS roles
FROM (
  SELECT a.rolname::text AS rolname, a.rolsuper,
    coalesce(array_agg(h.type || ' ' || array_to_string(h.database, ',') || ' ' || array_to_string(h.user_name, ',')
      || coalesce(' ' || h.address || coalesce('/' || h.netmask, ''), '') || ' (line ' || h.line_number || ')' ORDER BY h.line_number)
      FILTER (WHERE h.line_number IS NOT NULL), '{}'::text[]) AS trust
  FROM pg_authid a
  LEFT JOIN pg_hba_file_rules h ON h.auth_method = 'trust' AND h.error IS NULL
    AND ('all' = ANY (h.user_name) OR a.rolname::text = ANY (h.user_name)
      OR EXISTS (SELECT 1 FROM unnest(h.user_name) u JOIN pg_roles g ON g.rolname = substr(u, 2)
        WHERE u LIKE '+%' AND pg_has_role(a.oid, g.oid, 'MEMBER')))
  WHERE a.rolcanlogin AND a.rolpassword IS NULL
  GROUP BY a.rolname, a.rolsuper
  ORDER BY a.rolname LIMIT 500
) r`;

export const postgresLoginWithoutPassword = defineCheck({
  id: 'postgres.login-without-password',
  catalogRef: 'PG-W14',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'LOGIN roles without a password', zh: '没有密码的可登录角色' },
  description: {
    en: 'Roles that can log in but have no stored password (pg_authid.rolpassword IS NULL). With password authentication they cannot log in, but wherever pg_hba.conf trusts them (trust lines matching all, the role or a group it belongs to, read from pg_hba_file_rules) anyone reaching the server logs in as them without a password: critical. Needs superuser.',
    zh: '可以登录但没有存储密码的角色（pg_authid.rolpassword 为 NULL）。在密码认证下它们无法登录，但只要 pg_hba.conf 对其使用 trust（从 pg_hba_file_rules 读取，匹配 all、该角色或其所属组的 trust 规则），任何能连上服务器的人都能无需密码以其身份登录：严重。需要超级用户权限。',
  },
  remediation: {
    en: "Give each listed role a strong password (\\password in psql, or ALTER ROLE … PASSWORD '…'), or ALTER ROLE … NOLOGIN if nobody logs in as it; replace trust in pg_hba.conf with scram-sha-256 (or peer for local maintenance accounts) and SELECT pg_reload_conf().",
    zh: "为列出的每个角色设置强密码（psql 中执行 \\password，或 ALTER ROLE … PASSWORD '…'），若无人以其登录则执行 ALTER ROLE … NOLOGIN；将 pg_hba.conf 中的 trust 改为 scram-sha-256（本地维护账号可用 peer），然后执行 SELECT pg_reload_conf()。",
  },
  queries: {
    main: {
      sql: [{ since: 0, sql: SQL }],
      row: z.object({
        roles: z.array(z.object({ role: z.string(), superuser: z.boolean(), trust: z.array(z.string()) })),
      }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({ exemptRoles: z.array(z.string()) }),
    defaults: { exemptRoles: [] as string[] },
  },
  evaluate({ main }, ctx) {
    const row = main[0];
    if (!row) return { skipped: NO_AUTHID };
    const exempt = new Set(ctx.thresholds.exemptRoles);
    const findings: FindingDraft[] = [];
    for (const r of row.roles) {
      if (exempt.has(r.role)) continue;
      const who = r.superuser
        ? { en: 'superuser login role', zh: '可登录的超级用户角色' }
        : { en: 'login role', zh: '可登录角色' };
      const trusted = r.trust.length > 0;
      findings.push({
        severity: trusted ? 'critical' : 'warning',
        object: pgIdent(r.role),
        message: trusted
          ? {
              en: `${who.en} ${pgIdent(r.role)} has no password and pg_hba.conf trusts it: anyone reaching ${r.trust.join('; ')} logs in as it without a password`,
              zh: `${who.zh} ${pgIdent(r.role)} 没有密码，且 pg_hba.conf 对其使用 trust：任何能通过 ${r.trust.join('；')} 连接的人都无需密码即可以其身份登录`,
            }
          : {
              en: `${who.en} ${pgIdent(r.role)} has no password: it can log in only through trust, peer, ident, cert or other non-password rules`,
              zh: `${who.zh} ${pgIdent(r.role)} 没有密码：只能通过 trust、peer、ident、cert 等非密码规则登录`,
            },
        value: trusted ? 'trust' : 'no password',
        evidence: [{ role: r.role, superuser: r.superuser, trustLines: r.trust }],
      });
    }
    return findings;
  },
});
