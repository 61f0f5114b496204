import { z } from 'zod';
import type { FindingDraft, Severity, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';

const hbaSql = (
  fileName: string,
  order: string,
) => `SELECT h.line_number, h.type, h.database, h.user_name, h.address, h.netmask, h.auth_method, h.error,
  ${fileName} AS file_name
FROM pg_hba_file_rules h
ORDER BY ${order} LIMIT 500`;

const OPEN_NETMASKS = new Set(['0.0.0.0', '::']);
const thresholdSchema = z.object({ localTrust: z.enum(['warning', 'info', 'ignore']) });
type Thresholds = z.infer<typeof thresholdSchema>;
const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export const postgresWeakHbaRules = defineCheck({
  id: 'postgres.weak-hba-rules',
  catalogRef: 'PG-W15',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Weak pg_hba.conf rules', zh: '不安全的 pg_hba.conf 规则' },
  description: {
    en: "Client-authentication rules as loaded from pg_hba.conf (pg_hba_file_rules): `trust` on TCP lines (no password at all), `password` (sent in clear text), `ident` over TCP (trusts the client's identd), lines open to every address (0.0.0.0/0, ::/0, all), lines that fail to parse, and `trust` on local socket lines. Reading pg_hba_file_rules needs superuser, or SELECT on the view and EXECUTE on pg_hba_file_rules().",
    zh: 'pg_hba.conf 中已加载的客户端认证规则（pg_hba_file_rules）：TCP 行使用 `trust`（完全不需要密码）、使用 `password`（明文传输密码）、TCP 上使用 `ident`（信任客户端的 identd）、对所有地址开放的行（0.0.0.0/0、::/0、all）、解析出错的行，以及本地套接字行使用 `trust`。读取 pg_hba_file_rules 需要超级用户，或被授予该视图的 SELECT 权限和 pg_hba_file_rules() 函数的 EXECUTE 权限。',
  },
  remediation: {
    en: 'Replace trust, password and TCP ident with scram-sha-256 (or cert), narrow addresses to the application subnets, use hostssl for remote lines, fix lines reported with an error, then SELECT pg_reload_conf() and re-check pg_hba_file_rules.',
    zh: '将 trust、password 以及 TCP 上的 ident 改为 scram-sha-256（或 cert），把地址范围收窄到应用所在网段，远程访问使用 hostssl，修正报错的行，然后执行 SELECT pg_reload_conf() 并再次检查 pg_hba_file_rules。',
  },
  queries: {
    rules: {
      sql: [
        { since: 0, sql: hbaSql(`current_setting('hba_file')`, 'h.line_number') },
        { since: 160000, sql: hbaSql('h.file_name', 'h.file_name, h.line_number') },
      ],
      row: z.object({
        line_number: z.coerce.number().nullable(),
        type: z.string().nullable(),
        database: z.array(z.string()).nullable(),
        user_name: z.array(z.string()).nullable(),
        address: z.string().nullable(),
        netmask: z.string().nullable(),
        auth_method: z.string().nullable(),
        error: z.string().nullable(),
        file_name: z.string().nullable(),
      }),
    },
  },
  thresholds: { schema: thresholdSchema, defaults: { localTrust: 'warning' } satisfies Thresholds as Thresholds },
  evaluate({ rules }, ctx) {
    if (rules.length === 0)
      return { skipped: { en: 'pg_hba_file_rules returned no rules', zh: 'pg_hba_file_rules 未返回任何规则' } };
    const findings: FindingDraft[] = [];
    for (const r of rules) {
      const file = r.file_name ?? 'pg_hba.conf';
      const object = `${file.slice(file.lastIndexOf('/') + 1)}:${r.line_number ?? '?'}`;
      const reasons: { severity: Severity; text: Texts }[] = [];
      const tcp = r.type?.startsWith('host') ?? false;
      if (r.error !== null)
        reasons.push({
          severity: 'critical',
          text: { en: `cannot be loaded: ${r.error}`, zh: `无法加载：${r.error}` },
        });
      if (tcp && r.auth_method === 'trust')
        reasons.push({
          severity: 'critical',
          text: {
            en: 'trust on a TCP line: anyone reaching it logs in without a password',
            zh: 'TCP 规则使用 trust：任何能连到此端口的人都无需密码即可登录',
          },
        });
      if (r.auth_method === 'password')
        reasons.push({
          severity: 'critical',
          text: { en: 'password method: the password travels in clear text', zh: 'password 认证方式：密码以明文传输' },
        });
      if (tcp && r.auth_method === 'ident')
        reasons.push({
          severity: 'warning',
          text: {
            en: "ident over TCP trusts the client host's identd",
            zh: '基于 TCP 的 ident 认证依赖客户端主机的 identd',
          },
        });
      if (tcp && (r.address === 'all' || (r.netmask !== null && OPEN_NETMASKS.has(r.netmask)))) {
        reasons.push({ severity: 'warning', text: { en: 'open to every address', zh: '对所有地址开放' } });
      }
      if (r.type === 'local' && r.auth_method === 'trust' && ctx.thresholds.localTrust !== 'ignore') {
        reasons.push({
          severity: ctx.thresholds.localTrust,
          text: {
            en: 'trust on the local socket: every operating-system user can log in as any role',
            zh: '本地套接字使用 trust：任何操作系统用户都能以任意角色登录',
          },
        });
      }
      if (reasons.length === 0) continue;
      const severity = reasons.reduce<Severity>((w, x) => (RANK[x.severity] > RANK[w] ? x.severity : w), 'info');
      const address =
        r.address === null
          ? ''
          : r.netmask === null || r.address === 'all'
            ? ` ${r.address}`
            : ` ${r.address}/${r.netmask}`;
      const line =
        r.error === null
          ? `${r.type} ${r.database?.join(',')} ${r.user_name?.join(',')}${address} ${r.auth_method}`
          : '';
      findings.push({
        severity,
        object,
        message: {
          en: `${object}${line ? ` (${line})` : ''}: ${reasons.map((x) => x.text.en).join('; ')}`,
          zh: `${object}${line ? `（${line}）` : ''}：${reasons.map((x) => x.text.zh).join('；')}`,
        },
        evidence: [
          {
            file,
            line: r.line_number,
            type: r.type,
            database: r.database,
            user: r.user_name,
            address: r.address,
            netmask: r.netmask,
            method: r.auth_method,
            error: r.error,
          },
        ],
      });
    }
    return findings;
  },
});
