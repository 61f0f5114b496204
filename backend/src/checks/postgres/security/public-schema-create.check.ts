import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { pgIdent } from '../../quote.js';

export const postgresPublicSchemaCreate = defineCheck({
  id: 'postgres.public-schema-create',
  catalogRef: 'PG-W16',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'PUBLIC may CREATE in a schema', zh: 'PUBLIC 可在模式中创建对象' },
  description: {
    en: 'Schemas (normally "public") in which every role may create objects. Any user can then plant a table, function or operator that shadows one that other users, including superusers and SECURITY DEFINER functions, resolve through search_path (CVE-2018-1058). PostgreSQL 15 revoked this default only for newly created databases; databases upgraded from older versions keep it.',
    zh: '所有角色都能在其中创建对象的模式（通常是 "public"）。任何用户都可以借此放置与其他用户（包括超级用户和 SECURITY DEFINER 函数）通过 search_path 解析到的同名表、函数或操作符，从而劫持其调用（CVE-2018-1058）。PostgreSQL 15 只对新建的数据库取消了这一默认权限，从旧版本升级来的数据库仍保留。',
  },
  remediation: {
    en: 'In each listed database: REVOKE CREATE ON SCHEMA public FROM PUBLIC; then grant CREATE only to the roles that own application objects.',
    zh: '在列出的每个数据库中执行：REVOKE CREATE ON SCHEMA public FROM PUBLIC;，然后只把 CREATE 授予拥有应用对象的角色。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT n.nspname, pg_get_userbyid(n.nspowner) AS owner, n.nspacl::text AS acl
FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND EXISTS (SELECT 1 FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) x WHERE x.grantee = 0 AND x.privilege_type = 'CREATE')
ORDER BY n.nspname LIMIT 500`,
        },
      ],
      row: z.object({ nspname: z.string(), owner: z.string(), acl: z.string().nullable() }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }, ctx) {
    return main.map((r) => ({
      severity: 'warning' as const,
      object: pgIdent(r.nspname),
      message: {
        en: `PUBLIC may CREATE objects in schema ${pgIdent(r.nspname)}${ctx.database ? ` of database ${pgIdent(ctx.database)}` : ''} (owner ${pgIdent(r.owner)}, ACL ${r.acl ?? 'default'})`,
        zh: `PUBLIC 可以在${ctx.database ? `数据库 ${pgIdent(ctx.database)} 的` : ''}模式 ${pgIdent(r.nspname)} 中 CREATE 对象（属主 ${pgIdent(r.owner)}，ACL ${r.acl ?? '默认'}）`,
      },
      evidence: [{ schema: r.nspname, owner: r.owner, acl: r.acl }],
    }));
  },
});
