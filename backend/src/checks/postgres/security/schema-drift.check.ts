import { z } from 'zod';
import type { FindingDraft, Severity, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { NO_BASELINE } from './drift-baseline.js';
import { pgIdent, pgQualified } from '../../quote.js';

const USER_SCHEMA = (alias: string) =>
  `${alias}.nspname NOT IN ('pg_catalog', 'information_schema') AND ${alias}.nspname NOT LIKE 'pg\\_toast%' AND ${alias}.nspname NOT LIKE 'pg\\_temp%'`;
const PUBLIC_PRIVS = (acl: string) =>
  `(SELECT string_agg(x.privilege_type, ',' ORDER BY x.privilege_type) FROM aclexplode(${acl}) x WHERE x.grantee = 0)`;
const MAX_OBJECTS = 3000;

const SQL = `SELECT u.*, count(*) OVER () AS total FROM (
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind,
  n.nspname AS schema_name, c.relname AS object_name, NULL::text AS args,
  md5(coalesce((SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, ', ' ORDER BY a.attnum)
    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')) AS def_hash,
  md5(pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, 'default') || coalesce((SELECT string_agg(quote_ident(a.attname) || a.attacl::text, ',' ORDER BY a.attnum)
    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL), '')) AS acl_hash,
  ${PUBLIC_PRIVS('c.relacl')} AS public_privs
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${USER_SCHEMA('n')}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
UNION ALL
SELECT 'index', n.nspname, c.relname, NULL, md5(pg_get_indexdef(c.oid)), NULL, NULL
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${USER_SCHEMA('n')}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indrelid AND d.deptype = 'e')
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function' ELSE 'function' END,
  n.nspname, p.proname, oidvectortypes(p.proargtypes),
  md5(concat_ws(' | ', l.lanname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), p.provolatile::text, p.proisstrict::text,
    p.prosecdef::text, array_to_string(p.proconfig, ', '), p.probin, p.prosrc)),
  md5(pg_get_userbyid(p.proowner) || ' ' || coalesce(p.proacl::text, 'default')),
  ${PUBLIC_PRIVS("coalesce(p.proacl, acldefault('f', p.proowner))")}
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
WHERE ${USER_SCHEMA('n')}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'schema', n.nspname, NULL, NULL, md5(''),
  md5(pg_get_userbyid(n.nspowner) || ' ' || coalesce(n.nspacl::text, 'default')),
  ${PUBLIC_PRIVS("coalesce(n.nspacl, acldefault('n', n.nspowner))")}
FROM pg_namespace n
WHERE ${USER_SCHEMA('n')}
UNION ALL
SELECT 'default privileges', n.nspname, pg_get_userbyid(d.defaclrole), d.defaclobjtype::text, NULL, md5(d.defaclacl::text), ${PUBLIC_PRIVS('d.defaclacl')}
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
) u
ORDER BY u.kind, u.schema_name, u.object_name, u.args LIMIT ${MAX_OBJECTS}`;

const row = z.object({
  kind: z.string(),
  schema_name: z.string().nullable(),
  object_name: z.string().nullable(),
  args: z.string().nullable(),
  def_hash: z.string().nullable(),
  acl_hash: z.string().nullable(),
  public_privs: z.string().nullable(),
  total: z.coerce.number(),
});
type Row = z.infer<typeof row>;

/** Longest first, so that a key's kind is found by prefix. */
const KINDS = [
  'default privileges',
  'materialized view',
  'window function',
  'foreign table',
  'aggregate',
  'procedure',
  'function',
  'sequence',
  'schema',
  'index',
  'table',
  'view',
];
const PRIVILEGES = 'privileges on ';
const SENTINEL = 'database';
const DEFAULT_OBJTYPES: Record<string, string> = {
  r: 'TABLES',
  S: 'SEQUENCES',
  f: 'FUNCTIONS',
  T: 'TYPES',
  n: 'SCHEMAS',
};
/** What PUBLIC holds on a fresh object of the kind (functions: EXECUTE, types: USAGE); only more than this is a grant. */
function defaultPublic(kind: string, object: string): string[] {
  if (kind === 'default privileges')
    return object.endsWith(' ON FUNCTIONS') ? ['EXECUTE'] : object.endsWith(' ON TYPES') ? ['USAGE'] : [];
  return ['function', 'procedure', 'aggregate', 'window function'].includes(kind) ? ['EXECUTE'] : [];
}

function objectName(r: Row): string {
  if (r.kind === 'schema') return pgIdent(r.schema_name ?? '');
  if (r.kind === 'default privileges') {
    const type = DEFAULT_OBJTYPES[r.args ?? ''] ?? r.args ?? '?';
    return `FOR ROLE ${pgIdent(r.object_name ?? '')}${r.schema_name === null ? '' : ` IN SCHEMA ${pgIdent(r.schema_name)}`} ON ${type}`;
  }
  const name = pgQualified(r.schema_name ?? '', r.object_name ?? '');
  return r.args === null ? name : `${name}(${r.args})`;
}

const publicOf = (fingerprint: string | undefined): string[] => {
  const part = fingerprint?.split(' PUBLIC:')[1];
  return part ? part.split(',') : [];
};

const whatChanged = (kind: string): Texts =>
  kind === 'index'
    ? { en: 'definition', zh: '定义' }
    : ['table', 'foreign table', 'view', 'materialized view', 'sequence'].includes(kind)
      ? { en: 'columns or types', zh: '列或类型' }
      : { en: 'definition or options', zh: '定义或选项' };

const KIND_ZH: Record<string, string> = {
  table: '表',
  view: '视图',
  'materialized view': '物化视图',
  'foreign table': '外部表',
  sequence: '序列',
  index: '索引',
  function: '函数',
  procedure: '存储过程',
  aggregate: '聚合函数',
  'window function': '窗口函数',
  schema: '模式',
  'default privileges': '默认权限',
};
const kindZh = (kind: string): string => KIND_ZH[kind] ?? kind;

function split(key: string): { privileges: boolean; kind: string; object: string } {
  const privileges = key.startsWith(PRIVILEGES);
  const rest = privileges ? key.slice(PRIVILEGES.length) : key;
  const kind = KINDS.find((k) => rest.startsWith(`${k} `)) ?? '';
  return { privileges: privileges || kind === 'default privileges', kind, object: rest.slice(kind.length + 1) };
}

export const postgresSchemaDrift = defineCheck({
  id: 'postgres.schema-drift',
  catalogRef: 'PG-W20',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'trend',
  scope: 'database',
  title: { en: 'DDL and privilege drift', zh: 'DDL 与权限变更' },
  description: {
    en: 'Compares fingerprints of every table, view and sequence (columns and types), index (definition), function and procedure (source, arguments, result, options), schema and default privileges, and their owners and ACLs with the previous inspection of the same database, and lists what was created, changed or dropped in between. New grants to PUBLIC are warnings. Objects of extensions and system schemas are left out; at most 3000 objects per database are compared.',
    zh: '将每个表、视图和序列（列及类型）、索引（定义）、函数和存储过程（源码、参数、返回值、选项）、模式和默认权限及其属主和 ACL 的指纹，与同一数据库上一次巡检的结果比较，列出其间新建、修改或删除的对象。新授予 PUBLIC 的权限报告为警告。扩展对象和系统模式不在比较范围内；每个数据库最多比较 3000 个对象。',
  },
  remediation: {
    en: 'Match each change with an approved change request or release; for an unexpected one, find who made it (log_statement = ddl or pgaudit, pg_stat_statements) and revert it. Revoke grants to PUBLIC that nobody asked for: REVOKE … ON … FROM PUBLIC.',
    zh: '逐项核对变更是否有已批准的变更单或发布记录；对意外的变更，通过 log_statement = ddl 或 pgaudit、pg_stat_statements 查明执行者并回退。回收无人申请的 PUBLIC 授权：REVOKE … ON … FROM PUBLIC。',
  },
  queries: {
    objects: { sql: [{ since: 0, sql: SQL }], row },
  },
  thresholds: {
    schema: z.object({ maxFindings: z.number().int().positive() }),
    defaults: { maxFindings: 100 },
  },
  evaluate({ objects }, ctx) {
    const fingerprints: Record<string, string> = {};
    for (const r of objects) {
      const object = objectName(r);
      if (r.kind === 'default privileges') {
        fingerprints[`${r.kind} ${object}`] = `${r.acl_hash}${r.public_privs ? ` PUBLIC:${r.public_privs}` : ''}`;
        continue;
      }
      if (r.def_hash !== null) fingerprints[`${r.kind} ${object}`] = r.def_hash;
      if (r.acl_hash !== null) {
        fingerprints[`${PRIVILEGES}${r.kind} ${object}`] =
          `${r.acl_hash}${r.public_privs ? ` PUBLIC:${r.public_privs}` : ''}`;
      }
    }
    const truncated = (objects[0]?.total ?? 0) > objects.length;
    fingerprints[SENTINEL] = truncated ? 'truncated' : 'complete';
    const before = ctx.baseline;
    if (!before || before[SENTINEL] === undefined) return { skipped: NO_BASELINE, fingerprints };
    const partial = truncated || before[SENTINEL] === 'truncated';

    const findings: FindingDraft[] = [];
    const add = (severity: Severity, object: string, message: Texts, key: string) =>
      findings.push({
        severity,
        object,
        message,
        evidence: [{ key, before: before[key] ?? null, after: fingerprints[key] ?? null }],
      });
    for (const [key, now] of Object.entries(fingerprints)) {
      if (key === SENTINEL) continue;
      const prev = before[key];
      if (prev === now) continue;
      const { privileges, kind, object } = split(key);
      if (!privileges) {
        if (prev === undefined) {
          if (!partial) add('info', object, { en: `new ${kind} ${object}`, zh: `新增${kindZh(kind)} ${object}` }, key);
        } else {
          const what = whatChanged(kind);
          const zh = `${kindZh(kind)} ${object} 的${what.zh}已变更`;
          add('info', object, { en: `${kind} ${object} changed (${what.en})`, zh }, key);
        }
        continue;
      }
      if (prev === undefined && partial) continue;
      const label = { en: `${kind} ${object}`, zh: `${kindZh(kind)} ${object}` };
      const isNew = prev === undefined;
      const had = isNew ? defaultPublic(kind, object) : publicOf(prev);
      const gained = publicOf(now).filter((p) => !had.includes(p));
      if (gained.length > 0) {
        add(
          'warning',
          object,
          isNew
            ? {
                en: `new ${label.en} grants ${gained.join(', ')} to PUBLIC`,
                zh: `新增的${label.zh} 向 PUBLIC 授予了 ${gained.join(', ')}`,
              }
            : {
                en: `privileges on ${label.en} changed: PUBLIC now has ${gained.join(', ')}`,
                zh: `${label.zh} 的权限已变更：PUBLIC 现拥有 ${gained.join(', ')}`,
              },
          key,
        );
      } else if (!isNew) {
        add(
          'info',
          object,
          { en: `owner or privileges of ${label.en} changed`, zh: `${label.zh} 的属主或权限已变更` },
          key,
        );
      } else if (kind === 'default privileges') {
        add('info', object, { en: `new ${label.en}`, zh: `新增${label.zh}` }, key);
      }
    }
    if (!partial) {
      for (const key of Object.keys(before)) {
        if (key === SENTINEL || key in fingerprints) continue;
        const { privileges, kind, object } = split(key);
        if (privileges && kind !== 'default privileges') continue;
        add(
          'info',
          object,
          kind === 'default privileges'
            ? { en: `default privileges ${object} removed`, zh: `默认权限 ${object} 已移除` }
            : { en: `${kind} ${object} dropped`, zh: `${kindZh(kind)} ${object} 已删除` },
          key,
        );
      }
    }
    const order: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
    findings.sort((a, b) => order[a.severity] - order[b.severity]);
    const { maxFindings } = ctx.thresholds;
    const shown = findings.slice(0, maxFindings);
    const notes: Texts[] = [];
    if (findings.length > maxFindings) {
      const more = findings.length - maxFindings;
      notes.push({ en: `${more} more changes not listed`, zh: `另有 ${more} 项变更未列出` });
    }
    if (partial)
      notes.push({
        en: `more than ${MAX_OBJECTS} objects: only changes to objects seen in both inspections are reported`,
        zh: `对象超过 ${MAX_OBJECTS} 个：只报告两次巡检中都出现过的对象的变更`,
      });
    if (notes.length > 0 && shown.length > 0) {
      shown.push({
        severity: 'info',
        object: ctx.database ? pgIdent(ctx.database) : ctx.instance.name,
        message: { en: notes.map((n) => n.en).join('; '), zh: notes.map((n) => n.zh).join('；') },
      });
    }
    return { findings: shown, fingerprints };
  },
});
