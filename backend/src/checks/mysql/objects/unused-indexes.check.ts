import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myIdent, myQualified } from '../../quote.js';

const SYSTEM = `('mysql', 'information_schema', 'performance_schema', 'sys')`;
const flag = z
  .union([z.string(), z.number()])
  .transform((v) => v === 1 || v === '1' || String(v).toUpperCase() === 'ON');
const indexRow = z.object({ table_schema: z.string(), table_name: z.string(), index_name: z.string() });
const DAY = 86_400;

export const mysqlUnusedIndexes = defineCheck({
  id: 'mysql.unused-indexes',
  catalogRef: 'MY-W03',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Unused secondary indexes', zh: '未使用的二级索引' },
  description: {
    en: 'Non-unique secondary indexes that no statement has read since the counters started: performance_schema.table_io_waits_summary_by_index_usage (COUNT_STAR = 0) when performance_schema is ON, otherwise on MariaDB information_schema.INDEX_STATISTICS when userstat = 1 (an index without a row there is unused). PRIMARY and UNIQUE indexes are never reported. Only judged once the server has been up long enough (30 days by default), because the counters restart with the server.',
    zh: '自计数开始以来没有任何语句读取过的非唯一二级索引：performance_schema 开启时读取 performance_schema.table_io_waits_summary_by_index_usage（COUNT_STAR = 0）；否则在 MariaDB 上于 userstat = 1 时读取 information_schema.INDEX_STATISTICS（其中没有记录的索引即未使用）。主键与唯一索引从不报告。计数器随实例重启清零，因此只有在实例运行足够久（默认 30 天）后才做判断。',
  },
  remediation: {
    en: 'Counters are per server: confirm the index is unused on every replica and through month-end or batch jobs, then make it invisible first (MySQL 8: ALTER TABLE … ALTER INDEX … INVISIBLE; MariaDB 10.6+: IGNORED) and drop it after a full business cycle.',
    zh: '计数器仅反映本实例：先确认所有从库以及月末、批处理作业都未使用该索引，再先将其设为不可见（MySQL 8：ALTER TABLE … ALTER INDEX … INVISIBLE；MariaDB 10.6+：IGNORED），经过一个完整业务周期后再删除。',
  },
  queries: {
    settings: {
      sql: [{ since: 0, sql: `SELECT @@performance_schema AS performance_schema` }],
      row: z.object({ performance_schema: flag }),
    },
    userstat: {
      // Oracle MySQL has no userstat variable (error 1193): the optional query then returns no row.
      sql: [{ since: 0, sql: `SELECT @@userstat AS userstat` }],
      row: z.object({ userstat: flag }),
      optional: true,
    },
    psInstrument: {
      sql: [
        {
          since: 0,
          sql: `SELECT COUNT(*) AS enabled FROM performance_schema.setup_instruments WHERE NAME = 'wait/io/table/sql/handler' AND ENABLED = 'YES'`,
        },
      ],
      row: z.object({ enabled: z.coerce.number() }),
      optional: true,
    },
    psUnused: {
      sql: [
        {
          since: 0,
          sql: `SELECT u.OBJECT_SCHEMA AS table_schema, u.OBJECT_NAME AS table_name, u.INDEX_NAME AS index_name
FROM performance_schema.table_io_waits_summary_by_index_usage u
JOIN (
  SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME
  FROM information_schema.STATISTICS
  WHERE NON_UNIQUE = 1 AND SEQ_IN_INDEX = 1 AND TABLE_SCHEMA NOT IN ${SYSTEM}
) s ON s.TABLE_SCHEMA = u.OBJECT_SCHEMA AND s.TABLE_NAME = u.OBJECT_NAME AND s.INDEX_NAME = u.INDEX_NAME
WHERE @@performance_schema = 1 AND u.OBJECT_TYPE = 'TABLE' AND u.INDEX_NAME IS NOT NULL AND u.INDEX_NAME <> 'PRIMARY'
  AND u.COUNT_STAR = 0 AND u.OBJECT_SCHEMA NOT IN ${SYSTEM}
ORDER BY u.OBJECT_SCHEMA, u.OBJECT_NAME, u.INDEX_NAME
LIMIT 500`,
        },
      ],
      row: indexRow,
      optional: true,
    },
    userstatUnused: {
      sql: [
        {
          since: 0,
          sql: `SELECT s.TABLE_SCHEMA AS table_schema, s.TABLE_NAME AS table_name, s.INDEX_NAME AS index_name
FROM information_schema.STATISTICS s
LEFT JOIN information_schema.INDEX_STATISTICS i
  ON i.TABLE_SCHEMA = s.TABLE_SCHEMA AND i.TABLE_NAME = s.TABLE_NAME AND i.INDEX_NAME = s.INDEX_NAME
WHERE @@userstat = 1 AND s.NON_UNIQUE = 1 AND s.SEQ_IN_INDEX = 1 AND s.TABLE_SCHEMA NOT IN ${SYSTEM}
  AND i.INDEX_NAME IS NULL
ORDER BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME
LIMIT 500`,
        },
      ],
      row: indexRow,
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({ minUptimeDays: z.number().min(0) }),
    defaults: { minUptimeDays: 30 },
  },
  evaluate({ settings, userstat, psInstrument, psUnused, userstatUnused }, ctx) {
    const psOn = settings[0]?.performance_schema === true;
    const psReadable = psInstrument.length > 0;
    const psInstrumented = (psInstrument[0]?.enabled ?? 0) > 0;
    const userstatOn = userstat[0]?.userstat === true;
    const mariadb = ctx.server.flavor === 'mariadb';

    let source: 'performance_schema' | 'userstat';
    if (psOn && psReadable && psInstrumented) source = 'performance_schema';
    else if (userstatOn) source = 'userstat';
    else {
      const ps: Texts = !psOn
        ? { en: 'performance_schema is OFF', zh: 'performance_schema 未开启（OFF）' }
        : !psReadable
          ? {
              en: 'performance_schema is ON but not readable by this account (grant SELECT ON performance_schema.*)',
              zh: 'performance_schema 已开启，但监控账号无权读取（请授予 SELECT ON performance_schema.*）',
            }
          : {
              en: "performance_schema is ON but the instrument 'wait/io/table/sql/handler' is disabled",
              zh: "performance_schema 已开启，但 instrument 'wait/io/table/sql/handler' 未启用",
            };
      const fallback: Texts = !mariadb
        ? { en: '', zh: '' }
        : userstat.length === 0
          ? { en: ' and the userstat variable could not be read', zh: '，且无法读取 userstat 变量' }
          : {
              en: ' and userstat is OFF (SET GLOBAL userstat = 1 fills information_schema.INDEX_STATISTICS)',
              zh: '，且 userstat 未开启（SET GLOBAL userstat = 1 后会填充 information_schema.INDEX_STATISTICS）',
            };
      return {
        skipped: {
          en: `no index usage source: ${ps.en}${fallback.en}`,
          zh: `没有索引使用情况的数据来源：${ps.zh}${fallback.zh}`,
        },
      };
    }

    const upDays = ctx.server.uptimeSeconds / DAY;
    if (upDays < ctx.thresholds.minUptimeDays) {
      return {
        skipped: {
          en: `server up only ${upDays.toFixed(1)} days; index usage counters (${source}) restart with the server and need ${ctx.thresholds.minUptimeDays} days`,
          zh: `实例仅运行了 ${upDays.toFixed(1)} 天；索引使用计数（${source}）随实例重启清零，需要运行满 ${ctx.thresholds.minUptimeDays} 天`,
        },
      };
    }
    const since = new Date(ctx.now.getTime() - ctx.server.uptimeSeconds * 1000).toISOString();
    const sourceNote: Texts =
      source === 'performance_schema'
        ? { en: `performance_schema since ${since} (server start)`, zh: `performance_schema（自 ${since} 实例启动起）` }
        : {
            en: `information_schema.INDEX_STATISTICS since userstat was enabled or last flushed (server up since ${since})`,
            zh: `information_schema.INDEX_STATISTICS（自 userstat 开启或上次清空起；实例自 ${since} 起运行）`,
          };
    const rows = source === 'performance_schema' ? psUnused : userstatUnused;
    return rows.map((r): FindingDraft => ({
      severity: 'info',
      object: myQualified(r.table_schema, r.table_name),
      message: {
        en: `index ${myIdent(r.index_name)} on ${myQualified(r.table_schema, r.table_name)} has not been read according to ${sourceNote.en}; check replicas before dropping`,
        zh: `根据 ${sourceNote.zh}，${myQualified(r.table_schema, r.table_name)} 上的索引 ${myIdent(r.index_name)} 未被读取过；删除前请确认各从库上也没有使用`,
      },
      evidence: [{ index: r.index_name, source, since }],
    }));
  },
});
