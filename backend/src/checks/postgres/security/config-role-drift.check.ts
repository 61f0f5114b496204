import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FindingDraft, Severity, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { NO_BASELINE } from './drift-baseline.js';
import { pgIdent } from '../../quote.js';

const MAX_ITEMS = 3000;

const SQL = `SELECT u.*, count(*) OVER () AS total FROM (
SELECT 'setting' AS kind, s.name, NULL::text AS database_name, NULL::text AS role_name, false AS all_roles, s.setting || coalesce(' ' || s.unit, '') AS value, NULL::text AS public_privs
FROM pg_settings s
WHERE s.source IN ('configuration file', 'command line', 'environment variable')
UNION ALL
SELECT 'setting', split_part(c.cfg, '=', 1), db.datname, r.rolname, d.setrole = 0 AND d.setdatabase = 0, substr(c.cfg, strpos(c.cfg, '=') + 1), NULL
FROM pg_db_role_setting d
CROSS JOIN LATERAL unnest(d.setconfig) AS c(cfg)
LEFT JOIN pg_database db ON db.oid = d.setdatabase
LEFT JOIN pg_roles r ON r.oid = d.setrole
UNION ALL
SELECT 'role', r.rolname, NULL, NULL, false,
  concat_ws(' ', CASE WHEN r.rolcanlogin THEN 'LOGIN' ELSE 'NOLOGIN' END, CASE WHEN r.rolsuper THEN 'SUPERUSER' END, CASE WHEN r.rolcreatedb THEN 'CREATEDB' END,
    CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END, CASE WHEN r.rolreplication THEN 'REPLICATION' END, CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END,
    CASE WHEN NOT r.rolinherit THEN 'NOINHERIT' END,
    'IN ROLE ' || (SELECT string_agg(DISTINCT quote_ident(g.rolname) || CASE WHEN m.admin_option THEN ' WITH ADMIN' ELSE '' END, ', ')
      FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)),
  NULL
FROM pg_roles r
WHERE r.rolname NOT LIKE 'pg\\_%'
UNION ALL
SELECT 'database', d.datname, NULL, NULL, false, pg_get_userbyid(d.datdba) || ' ' || coalesce(d.datacl::text, 'default'),
  (SELECT string_agg(x.privilege_type, ',' ORDER BY x.privilege_type) FROM aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) x WHERE x.grantee = 0)
FROM pg_database d
) u
ORDER BY u.kind, u.name, u.database_name NULLS FIRST, u.role_name NULLS FIRST LIMIT ${MAX_ITEMS}`;

/** Settings whose value may carry credentials (connection strings, shell commands) are stored only as a hash. */
const SECRET_SETTING = /(_command$|conninfo|passphrase|password)/i;
const PRIVILEGED_ATTRIBUTES = ['SUPERUSER', 'CREATEROLE', 'REPLICATION', 'BYPASSRLS'];
const DATABASE_DEFAULT_PUBLIC = ['CONNECT', 'TEMPORARY'];
const SENTINEL = 'instance';

const digest = (value: string) => `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
const attributes = (roleValue: string | undefined) => (roleValue ?? '').split(' IN ROLE ')[0]!.split(' ');
const memberships = (roleValue: string | undefined) => (roleValue ?? '').split(' IN ROLE ')[1]?.split(', ') ?? [];
const publicOf = (value: string | undefined) => value?.split(' PUBLIC:')[1]?.split(',') ?? [];

interface Item {
  kind: 'setting' | 'role' | 'database';
  object: string;
  name: string;
}

export const postgresConfigRoleDrift = defineCheck({
  id: 'postgres.config-role-drift',
  catalogRef: 'PG-W20',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'trend',
  scope: 'instance',
  title: { en: 'Configuration, role and database privilege drift', zh: '配置、角色与数据库权限变更' },
  description: {
    en: 'Compares server settings set outside the defaults (configuration files, ALTER SYSTEM, command line), per-database and per-role settings (ALTER DATABASE/ROLE … SET), role attributes and memberships, and database owners and ACLs with the previous inspection of the instance, and lists what was added, changed or removed. Roles gaining SUPERUSER, CREATEROLE, REPLICATION or BYPASSRLS, changes of watched settings, and new database grants to PUBLIC are warnings. Values that may hold credentials (*_command, *conninfo) are compared by hash only.',
    zh: '将非默认的服务器参数（配置文件、ALTER SYSTEM、命令行）、按数据库和按角色设置的参数（ALTER DATABASE/ROLE … SET）、角色属性与成员关系、数据库属主和 ACL，与该实例上一次巡检的结果比较，列出其间新增、修改或删除的内容。角色新获得 SUPERUSER、CREATEROLE、REPLICATION 或 BYPASSRLS 属性、受关注参数的变更，以及新授予 PUBLIC 的数据库权限报告为警告。可能含有凭据的值（*_command、*conninfo）只比较哈希。',
  },
  remediation: {
    en: 'Match each change with an approved change request; revert unexpected ones (ALTER SYSTEM RESET …, ALTER ROLE … NOSUPERUSER, REVOKE … FROM PUBLIC) and find who made them in the server log (log_statement = ddl, pgaudit).',
    zh: '逐项核对变更是否有已批准的变更单；回退意外的变更（ALTER SYSTEM RESET …、ALTER ROLE … NOSUPERUSER、REVOKE … FROM PUBLIC），并在服务器日志（log_statement = ddl、pgaudit）中查明执行者。',
  },
  queries: {
    items: {
      sql: [{ since: 0, sql: SQL }],
      row: z.object({
        kind: z.enum(['setting', 'role', 'database']),
        name: z.string(),
        database_name: z.string().nullable(),
        role_name: z.string().nullable(),
        all_roles: z.boolean(),
        value: z.string().nullable(),
        public_privs: z.string().nullable(),
        total: z.coerce.number(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ watchedSettings: z.array(z.string()), maxFindings: z.number().int().positive() }),
    defaults: {
      watchedSettings: [
        'ssl',
        'password_encryption',
        'listen_addresses',
        'hba_file',
        'log_connections',
        'log_disconnections',
        'log_statement',
        'shared_preload_libraries',
        'fsync',
        'full_page_writes',
        'wal_level',
        'archive_mode',
        'archive_command',
        'row_security',
        'session_preload_libraries',
        'local_preload_libraries',
      ],
      maxFindings: 100,
    },
  },
  evaluate({ items }, ctx) {
    const fingerprints: Record<string, string> = {};
    const byKey = new Map<string, Item>();
    for (const r of items) {
      let key: string;
      let object: string;
      let value = r.value ?? '';
      if (r.kind === 'setting') {
        const scope = [
          r.all_roles ? 'all roles' : '',
          r.role_name === null ? '' : `role ${pgIdent(r.role_name)}`,
          r.database_name === null ? '' : `database ${pgIdent(r.database_name)}`,
        ]
          .filter(Boolean)
          .join(', ');
        object = scope ? `${r.name} (${scope})` : r.name;
        key = `setting ${object}`;
        if (SECRET_SETTING.test(r.name)) value = digest(value);
      } else {
        object = pgIdent(r.name);
        key = `${r.kind} ${object}`;
        if (r.public_privs) value += ` PUBLIC:${r.public_privs}`;
      }
      fingerprints[key] = value;
      byKey.set(key, { kind: r.kind, object, name: r.name });
    }
    const truncated = (items[0]?.total ?? 0) > items.length;
    fingerprints[SENTINEL] = truncated ? 'truncated' : 'complete';
    const before = ctx.baseline;
    if (!before || before[SENTINEL] === undefined) return { skipped: NO_BASELINE, fingerprints };
    const partial = truncated || before[SENTINEL] === 'truncated';
    const watched = new Set(ctx.thresholds.watchedSettings);

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
      if (prev === now || (prev === undefined && partial)) continue;
      const item = byKey.get(key)!;
      const change =
        prev === undefined
          ? { en: `set to ${now}`, zh: `被设置为 ${now}` }
          : { en: `changed: ${prev} → ${now}`, zh: `已变更：${prev} → ${now}` };
      if (item.kind === 'setting') {
        const message = { en: `setting ${item.object} ${change.en}`, zh: `参数 ${item.object} ${change.zh}` };
        add(watched.has(item.name) ? 'warning' : 'info', item.object, message, key);
      } else if (item.kind === 'role') {
        const gainedAttributes = attributes(now).filter(
          (a) => PRIVILEGED_ATTRIBUTES.includes(a) && !attributes(prev).includes(a),
        );
        const gainedRoles = memberships(now).filter((m) => !memberships(prev).includes(m));
        const severity = gainedAttributes.length > 0 ? 'warning' : 'info';
        const gained = {
          en: [...gainedAttributes, ...(gainedRoles.length ? [`membership of ${gainedRoles.join(', ')}`] : [])],
          zh: [...gainedAttributes, ...(gainedRoles.length ? [`成为 ${gainedRoles.join(', ')} 的成员`] : [])],
        };
        add(
          severity,
          item.object,
          prev === undefined
            ? { en: `new role ${item.object}: ${now}`, zh: `新增角色 ${item.object}：${now}` }
            : {
                en: `role ${item.object} ${change.en}${gained.en.length ? ` (gained ${gained.en.join(', ')})` : ''}`,
                zh: `角色 ${item.object} ${change.zh}${gained.zh.length ? `（新获得 ${gained.zh.join('、')}）` : ''}`,
              },
          key,
        );
      } else {
        const had = prev === undefined ? DATABASE_DEFAULT_PUBLIC : publicOf(prev);
        const gained = publicOf(now).filter((p) => !had.includes(p));
        if (gained.length > 0)
          add(
            'warning',
            item.object,
            {
              en: `database ${item.object} ${prev === undefined ? 'created and grants' : 'now grants'} ${gained.join(', ')} to PUBLIC`,
              zh: `数据库 ${item.object} ${prev === undefined ? '新建并' : '现'}向 PUBLIC 授予了 ${gained.join(', ')}`,
            },
            key,
          );
        else
          add(
            'info',
            item.object,
            prev === undefined
              ? {
                  en: `new database ${item.object} (owner ${now.split(' ')[0]})`,
                  zh: `新增数据库 ${item.object}（属主 ${now.split(' ')[0]}）`,
                }
              : {
                  en: `owner or privileges of database ${item.object} ${change.en}`,
                  zh: `数据库 ${item.object} 的属主或权限${change.zh}`,
                },
            key,
          );
      }
    }
    if (!partial) {
      for (const key of Object.keys(before)) {
        if (key === SENTINEL || key in fingerprints) continue;
        const [kind, ...rest] = key.split(' ');
        const object = rest.join(' ');
        if (kind === 'setting') {
          const severity = watched.has(object.split(' (')[0]!) ? 'warning' : 'info';
          add(
            severity,
            object,
            {
              en: `setting ${object} no longer set, back to its default (was ${before[key]})`,
              zh: `参数 ${object} 已不再设置，恢复为默认值（原为 ${before[key]}）`,
            },
            key,
          );
        } else {
          const zh = `${kind === 'role' ? '角色' : kind === 'database' ? '数据库' : kind} ${object} 已删除`;
          add('info', object, { en: `${kind} ${object} dropped`, zh }, key);
        }
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
        en: `more than ${MAX_ITEMS} settings, roles and databases: only changes to items seen in both inspections are reported`,
        zh: `参数、角色和数据库超过 ${MAX_ITEMS} 项：只报告两次巡检中都出现过的项目的变更`,
      });
    if (notes.length > 0 && shown.length > 0)
      shown.push({
        severity: 'info',
        object: ctx.instance.name,
        message: { en: notes.map((n) => n.en).join('; '), zh: notes.map((n) => n.zh).join('；') },
      });
    return { findings: shown, fingerprints };
  },
});
