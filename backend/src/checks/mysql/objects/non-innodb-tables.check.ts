import { z } from 'zod';
import type { Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myQualified } from '../../quote.js';

const MERGE: Texts = {
  en: 'a MERGE of MyISAM tables: not crash-safe',
  zh: '由 MyISAM 表组成的 MERGE 表：不具备崩溃安全',
};
const IN_MEMORY: Texts = { en: 'contents lost on every restart, table-level locks', zh: '每次重启数据丢失，表级锁' };
const RISK: Record<string, Texts> = {
  myisam: { en: 'not crash-safe, table-level locks, no transactions', zh: '不具备崩溃安全，表级锁，不支持事务' },
  aria: { en: 'table-level locks, no transactions or foreign keys', zh: '表级锁，不支持事务和外键' },
  memory: IN_MEMORY,
  heap: IN_MEMORY,
  csv: { en: 'no indexes, no transactions', zh: '不支持索引和事务' },
  archive: { en: 'no indexes, no updates', zh: '不支持索引和更新' },
  merge: MERGE,
  mrg_myisam: MERGE,
};

export const mysqlNonInnodbTables = defineCheck({
  id: 'mysql.non-innodb-tables',
  catalogRef: 'MY-W05',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'User tables not on InnoDB', zh: '非 InnoDB 引擎的用户表' },
  description: {
    en: 'Base tables outside the system schemas whose storage engine is not in the allowed list (InnoDB by default): MyISAM and Aria are not transactional and lock whole tables, MEMORY loses its rows on restart, and physical backups copy such tables under a global lock. MariaDB keeps its own system tables on Aria; the mysql schema is excluded.',
    zh: '系统库以外、存储引擎不在允许列表（默认仅 InnoDB）中的基表：MyISAM 与 Aria 不支持事务且锁整表，MEMORY 重启后数据丢失，物理备份还需在全局锁下复制这些表。MariaDB 自身的系统表使用 Aria，mysql 库已排除。',
  },
  remediation: {
    en: 'Convert the table (ALTER TABLE … ENGINE = InnoDB, online on large tables) after checking FULLTEXT/SPATIAL and AUTO_INCREMENT-in-composite-key usage; if an engine is intended (e.g. MyRocks), add it to the allowed list for this instance.',
    zh: '在确认全文/空间索引以及复合主键中自增列等用法兼容后转换引擎（ALTER TABLE … ENGINE = InnoDB，大表在线执行）；若确属有意使用其他引擎（如 MyRocks），请在该实例的阈值中将其加入允许列表。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, ENGINE AS engine, TABLE_ROWS AS table_rows,
  DATA_LENGTH + INDEX_LENGTH AS total_bytes
FROM information_schema.TABLES
WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND ENGINE IS NOT NULL AND ENGINE <> 'InnoDB'
  AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
ORDER BY TABLE_SCHEMA, TABLE_NAME
LIMIT 500`,
        },
      ],
      row: z.object({
        table_schema: z.string(),
        table_name: z.string(),
        engine: z.string(),
        table_rows: z.coerce.number().nullable(),
        total_bytes: z.coerce.number().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ allowedEngines: z.array(z.string().min(1)).min(1) }),
    defaults: { allowedEngines: ['InnoDB'] },
  },
  evaluate({ main }, ctx) {
    const allowed = new Set(ctx.thresholds.allowedEngines.map((e) => e.toLowerCase()));
    return main
      .filter((r) => !allowed.has(r.engine.toLowerCase()))
      .map((r) => {
        const table = myQualified(r.table_schema, r.table_name);
        const risk = RISK[r.engine.toLowerCase()];
        const allowedList = ctx.thresholds.allowedEngines.join(', ');
        return {
          severity: 'warning' as const,
          object: table,
          message: {
            en: `table ${table} uses the ${r.engine} engine${risk ? ` (${risk.en})` : ''}; allowed: ${allowedList}`,
            zh: `表 ${table} 使用 ${r.engine} 引擎${risk ? `（${risk.zh}）` : ''}；允许的引擎：${allowedList}`,
          },
          value: r.engine,
          evidence: [{ engine: r.engine, estimatedRows: r.table_rows, totalBytes: r.total_bytes }],
        };
      });
  },
});
