import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import { pgIdent } from '../../quote.js';

export const postgresSuperuserLogins = defineCheck({
  id: 'postgres.superuser-logins',
  catalogRef: 'PG-W13',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Superuser login roles', zh: '可登录的超级用户角色' },
  description: {
    en: 'Roles that are both SUPERUSER and LOGIN and not on the allowed list. A superuser bypasses every permission check, can read server files and run programs as the operating-system user; applications and people should not log in as one.',
    zh: '同时具有 SUPERUSER 和 LOGIN 属性且不在允许名单中的角色。超级用户绕过所有权限检查，能以操作系统用户身份读取服务器文件、执行程序；应用和个人都不应使用超级用户登录。',
  },
  remediation: {
    en: 'Give applications and DBAs ordinary roles with only the privileges they need (predefined roles such as pg_monitor, pg_read_all_data, pg_signal_backend), then ALTER ROLE … NOSUPERUSER (or NOLOGIN); keep one break-glass superuser on the allowed list.',
    zh: '为应用和 DBA 创建只具备所需权限的普通角色（可使用 pg_monitor、pg_read_all_data、pg_signal_backend 等预定义角色），然后执行 ALTER ROLE … NOSUPERUSER（或 NOLOGIN）；只在允许名单中保留一个应急用的超级用户。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT r.rolname, r.rolreplication, r.rolbypassrls, r.rolconnlimit,
  CASE WHEN isfinite(r.rolvaliduntil) THEN r.rolvaliduntil END AS valid_until
FROM pg_roles r
WHERE r.rolsuper AND r.rolcanlogin
ORDER BY r.rolname LIMIT 500`,
        },
      ],
      row: z.object({
        rolname: z.string(),
        rolreplication: z.boolean(),
        rolbypassrls: z.boolean(),
        rolconnlimit: z.coerce.number(),
        valid_until: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ allowedRoles: z.array(z.string()), warnCount: z.number().int().positive() }),
    defaults: { allowedRoles: ['postgres'], warnCount: 10 },
  },
  evaluate({ main }, ctx) {
    const { allowedRoles: allowed, warnCount } = ctx.thresholds;
    const list = allowed.map(pgIdent).join(', ');
    const findings: FindingDraft[] = main
      .filter((r) => !allowed.includes(r.rolname))
      .map((r) => ({
        severity: 'warning',
        object: pgIdent(r.rolname),
        message: {
          en: `role ${pgIdent(r.rolname)} is a superuser that can log in and is not on the allowed list (${list || 'empty'})`,
          zh: `角色 ${pgIdent(r.rolname)} 是可登录的超级用户，且不在允许列表中（${list || '空'}）`,
        },
        evidence: [
          {
            role: r.rolname,
            replication: r.rolreplication,
            bypassrls: r.rolbypassrls,
            connectionLimit: r.rolconnlimit,
            validUntil: r.valid_until?.toISOString() ?? null,
          },
        ],
      }));
    const g = grade(main.length, { warn: warnCount });
    if (g) {
      findings.push({
        severity: g.severity,
        object: ctx.instance.name,
        message: {
          en: `${main.length} roles can log in as superuser (review at ${g.limit} or more)`,
          zh: `有 ${main.length} 个角色可以超级用户身份登录（达到 ${g.limit} 个即需复核）`,
        },
        evidence: main.slice(0, 20).map((r) => ({ role: r.rolname, allowed: allowed.includes(r.rolname) })),
        value: main.length,
        threshold: g.limit,
      });
    }
    return findings;
  },
});
