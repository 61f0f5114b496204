import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { myIdent } from '../../quote.js';

/** MySQL 8.0.30+ and MariaDB 10.6+ report `utf8` as `utf8mb3`; both name the same character set. */
const canonicalCharset = (name: string) => (name.toLowerCase() === 'utf8' ? 'utf8mb3' : name.toLowerCase());

export const mysqlSchemaCharset = defineCheck({
  id: 'mysql.schema-charset-mismatch',
  catalogRef: 'MY-W08',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Schema character set differs from the server', zh: '库字符集与实例字符集不一致' },
  description: {
    en: 'Schemas whose default character set differs from character_set_server. New tables inherit the schema default, so joins and comparisons across schemas convert data, cannot use indexes, or fail with "Illegal mix of collations"; latin1 or utf8mb3 schemas also cannot store 4-byte characters (emoji, rare CJK characters).',
    zh: '默认字符集与 character_set_server 不一致的库。新建表继承库的默认字符集，跨库关联和比较时需要转换、无法使用索引，甚至报 “Illegal mix of collations”；latin1 或 utf8mb3 库还无法存储 4 字节字符（表情符号、生僻汉字）。',
  },
  remediation: {
    en: 'Agree on one character set (usually utf8mb4). ALTER DATABASE … CHARACTER SET … only changes the default for new tables; convert existing tables with ALTER TABLE … CONVERT TO CHARACTER SET … (a full rebuild: test first, online on large tables).',
    zh: '统一字符集（通常为 utf8mb4）。ALTER DATABASE … CHARACTER SET … 只改变新表的默认值；已有表需 ALTER TABLE … CONVERT TO CHARACTER SET …（会全表重建：先测试，大表在线执行）。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT SCHEMA_NAME AS schema_name, DEFAULT_CHARACTER_SET_NAME AS schema_charset, DEFAULT_COLLATION_NAME AS schema_collation,
  @@character_set_server AS server_charset, @@collation_server AS server_collation
FROM information_schema.SCHEMATA
WHERE DEFAULT_CHARACTER_SET_NAME <> @@character_set_server
  AND SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
ORDER BY SCHEMA_NAME
LIMIT 500`,
        },
      ],
      row: z.object({
        schema_name: z.string(),
        schema_charset: z.string(),
        schema_collation: z.string(),
        server_charset: z.string(),
        server_collation: z.string(),
      }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }) {
    return main
      .filter((r) => canonicalCharset(r.schema_charset) !== canonicalCharset(r.server_charset))
      .map((r) => ({
        severity: 'warning' as const,
        object: myIdent(r.schema_name),
        message: {
          en: `schema ${myIdent(r.schema_name)} defaults to ${r.schema_charset} (${r.schema_collation}), the server to ${r.server_charset} (${r.server_collation})`,
          zh: `库 ${myIdent(r.schema_name)} 的默认字符集为 ${r.schema_charset}（${r.schema_collation}），实例默认为 ${r.server_charset}（${r.server_collation}）`,
        },
        value: r.schema_charset,
        threshold: r.server_charset,
        evidence: [
          {
            schemaCharset: r.schema_charset,
            schemaCollation: r.schema_collation,
            serverCharset: r.server_charset,
            serverCollation: r.server_collation,
          },
        ],
      }));
  },
});
