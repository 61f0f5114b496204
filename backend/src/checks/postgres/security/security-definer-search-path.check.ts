import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgIdent, pgQualified } from '../../quote.js';
import { parseSearchPath } from './search-path.js';

export const postgresSecurityDefinerSearchPath = defineCheck({
  id: 'postgres.security-definer-search-path',
  catalogRef: 'PG-W17',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: {
    en: 'SECURITY DEFINER functions without a fixed search_path',
    zh: '未固定 search_path 的 SECURITY DEFINER 函数',
  },
  description: {
    en: "SECURITY DEFINER functions and procedures (outside system schemas and extensions) that run with their owner's privileges but resolve names through the caller's search_path: a caller who can create objects in any schema on that path can make the function run their code as the owner. Functions that do set search_path but do not list pg_temp last are reported as info, since temporary objects are otherwise searched first.",
    zh: '以属主权限运行、却按调用者的 search_path 解析对象名的 SECURITY DEFINER 函数和存储过程（不含系统模式和扩展中的对象）：调用者只要能在该路径上的任一模式中建对象，就能让函数以属主身份执行其代码。已设置 search_path 但未把 pg_temp 放在最后的函数作为提示报告，因为否则会先搜索临时对象。',
  },
  remediation: {
    en: 'Pin the path on each function: ALTER FUNCTION … SET search_path = pg_catalog, pg_temp (add the schemas it really needs, trusted ones only, before pg_temp), or schema-qualify every name in its body; also REVOKE EXECUTE … FROM PUBLIC where callers are known.',
    zh: '为每个函数固定搜索路径：ALTER FUNCTION … SET search_path = pg_catalog, pg_temp（如确需其他模式，只加入可信模式并放在 pg_temp 之前），或在函数体内对所有对象名加上模式限定；若调用者明确，还应 REVOKE EXECUTE … FROM PUBLIC。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT n.nspname, p.proname, oidvectortypes(p.proargtypes) AS argtypes, p.prokind::text AS prokind,
  r.rolname AS owner, r.rolsuper AS owner_is_superuser,
  (SELECT c FROM unnest(p.proconfig) AS c WHERE c LIKE 'search\\_path=%' LIMIT 1) AS search_path
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_roles r ON r.oid = p.proowner
WHERE p.prosecdef
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY n.nspname, p.proname, 3 LIMIT 500`,
        },
      ],
      row: z.object({
        nspname: z.string(),
        proname: z.string(),
        argtypes: z.string(),
        prokind: z.string(),
        owner: z.string(),
        owner_is_superuser: z.boolean(),
        search_path: z.string().nullable(),
      }),
    },
  },
  thresholds: { schema: z.object({ requirePgTempLast: z.boolean() }), defaults: { requirePgTempLast: true } },
  evaluate({ main }, ctx) {
    const findings: FindingDraft[] = [];
    for (const r of main) {
      const object = `${pgQualified(r.nspname, r.proname)}(${r.argtypes})`;
      const kind = r.prokind === 'p' ? { en: 'procedure', zh: '存储过程' } : { en: 'function', zh: '函数' };
      const owner = {
        en: `owner ${pgIdent(r.owner)}${r.owner_is_superuser ? ', a superuser' : ''}`,
        zh: `属主 ${pgIdent(r.owner)}${r.owner_is_superuser ? '，超级用户' : ''}`,
      };
      const evidence = [
        {
          schema: r.nspname,
          name: r.proname,
          argtypes: r.argtypes,
          owner: r.owner,
          ownerIsSuperuser: r.owner_is_superuser,
          searchPath: r.search_path,
        },
      ];
      if (r.search_path === null) {
        findings.push({
          severity: 'warning',
          object,
          message: {
            en: `SECURITY DEFINER ${kind.en} ${object} (${owner.en}) has no fixed search_path`,
            zh: `SECURITY DEFINER ${kind.zh} ${object}（${owner.zh}）未固定 search_path`,
          },
          evidence,
        });
        continue;
      }
      const path = parseSearchPath(r.search_path);
      if (ctx.thresholds.requirePgTempLast && path[path.length - 1] !== 'pg_temp') {
        findings.push({
          severity: 'info',
          object,
          message: {
            en: `SECURITY DEFINER ${kind.en} ${object} (${owner.en}) sets ${r.search_path} without pg_temp last`,
            zh: `SECURITY DEFINER ${kind.zh} ${object}（${owner.zh}）设置了 ${r.search_path}，但 pg_temp 不在最后`,
          },
          evidence,
        });
      }
    }
    return findings;
  },
});
