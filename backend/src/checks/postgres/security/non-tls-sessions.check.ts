import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { toTexts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgIdent } from '../../quote.js';

export const postgresNonTlsSessions = defineCheck({
  id: 'postgres.non-tls-sessions',
  catalogRef: 'PG-W18',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Unencrypted remote sessions', zh: '未加密的远程会话' },
  description: {
    en: 'Whether the server accepts TLS at all (ssl), and client sessions connected over TCP from a non-loopback address that use neither TLS (pg_stat_ssl) nor GSSAPI encryption (pg_stat_gssapi): their queries, results and, with weak methods, passwords cross the network in clear text. Sessions of other roles are visible only with pg_read_all_stats (or pg_monitor).',
    zh: '检查服务器是否启用了 TLS（ssl 参数），以及从非回环地址经 TCP 连接、既未使用 TLS（pg_stat_ssl）也未使用 GSSAPI 加密（pg_stat_gssapi）的客户端会话：其查询语句、结果以及（认证方式较弱时的）密码都以明文在网络上传输。查看其他角色的会话需要 pg_read_all_stats（或 pg_monitor）权限。',
  },
  remediation: {
    en: "Enable ssl = on with a certificate (ssl_cert_file, ssl_key_file), change remote pg_hba.conf lines from host to hostssl so that plain connections are refused, and set sslmode=verify-full (or at least require) in the listed applications' connection strings.",
    zh: '配置证书（ssl_cert_file、ssl_key_file）并设置 ssl = on，把 pg_hba.conf 中的远程访问行由 host 改为 hostssl 以拒绝明文连接，并在列出的应用连接串中设置 sslmode=verify-full（至少 require）。',
  },
  queries: {
    settings: {
      sql: [{ since: 0, sql: `SELECT current_setting('ssl') AS ssl` }],
      row: z.object({ ssl: z.string() }),
    },
    sessions: {
      sql: [
        {
          since: 0,
          sql: `SELECT a.usename::text AS usename, a.datname::text AS datname, host(a.client_addr) AS client_addr,
  coalesce(a.client_addr <<= inet '127.0.0.0/8' OR a.client_addr = inet '::1' OR a.client_addr <<= inet '::ffff:127.0.0.0/104', false) AS loopback,
  (pg_has_role('pg_read_all_stats', 'USAGE') OR pg_has_role(a.usesysid, 'USAGE')) AS visible,
  count(*) AS sessions,
  string_agg(DISTINCT a.application_name, ', ') AS applications
FROM pg_stat_activity a
LEFT JOIN pg_stat_ssl s ON s.pid = a.pid
LEFT JOIN pg_stat_gssapi g ON g.pid = a.pid
WHERE a.backend_type = 'client backend' AND a.usesysid IS NOT NULL
  AND (NOT (pg_has_role('pg_read_all_stats', 'USAGE') OR pg_has_role(a.usesysid, 'USAGE'))
       OR (a.client_addr IS NOT NULL AND NOT coalesce(s.ssl, false) AND NOT coalesce(g.encrypted, false)))
GROUP BY 1, 2, 3, 4, 5
ORDER BY 6 DESC, 1, 2, 3 LIMIT 500`,
        },
      ],
      row: z.object({
        usename: z.string().nullable(),
        datname: z.string().nullable(),
        client_addr: z.string().nullable(),
        loopback: z.boolean(),
        visible: z.boolean(),
        sessions: z.coerce.number(),
        applications: z.string().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ includeLoopback: z.boolean(), requireSsl: z.boolean() }),
    defaults: { includeLoopback: false, requireSsl: true },
  },
  evaluate({ settings, sessions }, ctx) {
    const findings: FindingDraft[] = [];
    const ssl = settings[0]?.ssl;
    if (ctx.thresholds.requireSsl && ssl === 'off') {
      findings.push({
        severity: 'warning',
        object: 'ssl',
        message: {
          en: 'ssl = off: the server accepts no TLS connections, so every remote session is unencrypted',
          zh: 'ssl = off：服务器不接受 TLS 连接，所有远程会话都未加密',
        },
        value: 'off',
        threshold: 'on',
      });
    }
    const hidden = sessions.filter((s) => !s.visible).reduce((n, s) => n + s.sessions, 0);
    const byRole = new Map<string, typeof sessions>();
    for (const s of sessions) {
      if (!s.visible || s.client_addr === null || (s.loopback && !ctx.thresholds.includeLoopback)) continue;
      const key = s.usename ?? '';
      byRole.set(key, [...(byRole.get(key) ?? []), s]);
    }
    const note: Texts =
      hidden > 0
        ? {
            en: ` (${hidden} sessions of other roles not visible: needs pg_read_all_stats)`,
            zh: `（其他角色的 ${hidden} 个会话不可见：需要 pg_read_all_stats 权限）`,
          }
        : { en: '', zh: '' };
    for (const [role, rows] of byRole) {
      const count = rows.reduce((n, s) => n + s.sessions, 0);
      const addresses = [...new Set(rows.map((s) => s.client_addr))];
      const databases = [...new Set(rows.map((s) => s.datname ?? '?'))].map(pgIdent);
      const from = addresses.slice(0, 5).join(', ');
      const more = addresses.length - 5;
      findings.push({
        severity: 'warning',
        object: pgIdent(role),
        message: {
          en: `${count} session(s) of role ${pgIdent(role)} from ${from}${more > 0 ? ` and ${more} more` : ''} to ${databases.join(', ')} use neither TLS nor GSSAPI encryption${note.en}`,
          zh: `角色 ${pgIdent(role)} 从 ${from}${more > 0 ? ` 等（另有 ${more} 个地址）` : ''}连接到 ${databases.join(', ')} 的 ${count} 个会话既未使用 TLS 也未使用 GSSAPI 加密${note.zh}`,
        },
        value: count,
        evidence: rows.map((s) => ({
          role,
          database: s.datname,
          clientAddr: s.client_addr,
          sessions: s.sessions,
          applications: s.applications,
        })),
      });
    }
    if (findings.length === 0 && hidden > 0) {
      return {
        skipped: {
          en: `${hidden} client sessions of other roles are not visible: needs pg_read_all_stats (or pg_monitor)`,
          zh: `其他角色的 ${hidden} 个客户端会话不可见：需要 pg_read_all_stats（或 pg_monitor）权限`,
        },
      };
    }
    const first = findings[0];
    if (hidden > 0 && first?.object === 'ssl') {
      const m = toTexts(first.message);
      first.message = { en: m.en + note.en, zh: m.zh + note.zh };
    }
    return findings;
  },
});
