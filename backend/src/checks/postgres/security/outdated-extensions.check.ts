import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { pgIdent } from '../../quote.js';

export const postgresOutdatedExtensions = defineCheck({
  id: 'postgres.outdated-extensions',
  catalogRef: 'PG-W19',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'database',
  title: { en: 'Outdated extensions', zh: '版本过旧的扩展' },
  description: {
    en: "Extensions installed in a database at a version older than the default version shipped with the server's extension files (pg_available_extensions), typically left behind by a server upgrade; and installed extensions whose files are missing from the server.",
    zh: '数据库中已安装、但版本低于服务器扩展文件所附默认版本（pg_available_extensions）的扩展，通常是服务器升级后遗留的；以及服务器上已缺少扩展文件的已安装扩展。',
  },
  remediation: {
    en: 'Read the extension\'s release notes, then in each listed database run ALTER EXTENSION "name" UPDATE; (off-peak: some updates rewrite objects). For missing files, install the extension package matching the server version.',
    zh: '阅读扩展的版本说明后，在列出的每个数据库中执行 ALTER EXTENSION "name" UPDATE;（请在业务低峰执行，部分升级会重建对象）。对于缺少文件的扩展，安装与服务器版本匹配的扩展软件包。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT e.extname, e.extversion AS installed_version, a.default_version, n.nspname AS schema_name
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_available_extensions a ON a.name = e.extname
WHERE a.default_version IS DISTINCT FROM e.extversion
ORDER BY e.extname LIMIT 500`,
        },
      ],
      row: z.object({
        extname: z.string(),
        installed_version: z.string(),
        default_version: z.string().nullable(),
        schema_name: z.string(),
      }),
    },
  },
  thresholds: { schema: z.object({ ignoreExtensions: z.array(z.string()) }), defaults: { ignoreExtensions: [] } },
  evaluate({ main }, ctx) {
    const findings: FindingDraft[] = [];
    for (const r of main) {
      if (ctx.thresholds.ignoreExtensions.includes(r.extname)) continue;
      const object = pgIdent(r.extname);
      const db = ctx.database ? pgIdent(ctx.database) : null;
      const where = { en: db ? ` in database ${db}` : '', zh: db ? `（数据库 ${db}）` : '' };
      const evidence = [
        { extension: r.extname, schema: r.schema_name, installed: r.installed_version, available: r.default_version },
      ];
      findings.push(
        r.default_version === null
          ? {
              severity: 'warning',
              object,
              message: {
                en: `extension ${object} ${r.installed_version}${where.en} has no control file on the server: its files are missing`,
                zh: `扩展 ${object} ${r.installed_version}${where.zh}在服务器上没有控制文件：其文件已缺失`,
              },
              value: r.installed_version,
              evidence,
            }
          : {
              severity: 'info',
              object,
              message: {
                en: `extension ${object}${where.en} is at version ${r.installed_version}; the server ships ${r.default_version} (ALTER EXTENSION ${object} UPDATE)`,
                zh: `扩展 ${object}${where.zh}的版本为 ${r.installed_version}，服务器提供的是 ${r.default_version}（ALTER EXTENSION ${object} UPDATE）`,
              },
              value: r.installed_version,
              threshold: r.default_version,
              evidence,
            },
      );
    }
    return findings;
  },
});
