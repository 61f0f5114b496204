import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import type { FindingDraft, Texts } from '../../check.types.js';
import { grade } from '../../grading.js';
import { myQualified } from '../../quote.js';
import { statementTable } from './statement-table.js';

const id = z.union([z.string(), z.number()]).transform(String);
const optText = z.string().nullable();
const seconds = z.coerce.number().nullable();

const ROW_WAITS_COLUMNS = `r.trx_mysql_thread_id AS waiting_thread, TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()) AS wait_seconds,
  LEFT(r.trx_query, 300) AS waiting_query, b.trx_mysql_thread_id AS blocking_thread,
  TIMESTAMPDIFF(SECOND, b.trx_started, NOW()) AS blocking_trx_seconds, LEFT(b.trx_query, 300) AS blocking_query,
  bp.COMMAND AS blocking_command, bp.USER AS blocking_user`;

const MDL_COLUMNS = `p.ID AS thread_id, p.USER AS user_name, p.HOST AS client_host, p.DB AS db, p.TIME AS wait_seconds,
  p.STATE AS state, LEFT(p.INFO, 500) AS statement`;
const MDL_WHERE = `(p.STATE LIKE 'Waiting for%lock' OR p.STATE = 'Waiting for table flush')`;

export const mysqlLockWaits = defineCheck({
  id: 'mysql.lock-waits',
  catalogRef: 'MY-D10',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'locks',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Row-lock and metadata-lock waits', zh: '行锁与元数据锁等待' },
  description: {
    en: 'Sessions waiting right now: InnoDB row-lock waits (information_schema.INNODB_TRX with INNODB_LOCKS/INNODB_LOCK_WAITS, or performance_schema.data_locks/data_lock_waits on MySQL 8) with the blocking transaction, and metadata-lock or table-lock waits from the process list (DDL stuck behind an open transaction, and every statement queued behind that DDL).',
    zh: '检查当前正在等待的会话：InnoDB 行锁等待（information_schema.INNODB_TRX 结合 INNODB_LOCKS/INNODB_LOCK_WAITS，MySQL 8 为 performance_schema.data_locks/data_lock_waits）及其阻塞事务；以及进程列表中的元数据锁、表锁等待（DDL 被未提交事务阻塞，以及排在该 DDL 之后的所有语句）。',
  },
  remediation: {
    en: 'Find the blocker (the long or idle open transaction, see mysql.long-transactions) and have its application commit, or KILL it. Run DDL with a short lock_wait_timeout, off-peak, or with an online schema change tool, so that a waiting ALTER does not queue every later query on the table.',
    zh: '找到阻塞者（长时间运行或空闲未提交的事务，见 mysql.long-transactions），让应用提交或直接 KILL。DDL 应设置较短的 lock_wait_timeout、在业务低峰执行，或使用在线变更工具，避免等待中的 ALTER 让该表后续所有查询排队。',
  },
  queries: {
    rowWaits: {
      sql: [
        {
          since: 0,
          sql: `SELECT ${ROW_WAITS_COLUMNS}, l.lock_table AS lock_table, NULL AS object_schema, NULL AS object_name,
  l.lock_index AS lock_index, l.lock_mode AS lock_mode
FROM information_schema.INNODB_TRX r
LEFT JOIN information_schema.INNODB_LOCKS l ON l.lock_id = r.trx_requested_lock_id
LEFT JOIN information_schema.INNODB_LOCK_WAITS w ON w.requesting_trx_id = r.trx_id
LEFT JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
LEFT JOIN information_schema.PROCESSLIST bp ON bp.ID = b.trx_mysql_thread_id
WHERE r.trx_state = 'LOCK WAIT'
ORDER BY r.trx_wait_started LIMIT 500`,
        },
        {
          since: 80001,
          flavors: ['mysql'],
          sql: `SELECT ${ROW_WAITS_COLUMNS}, NULL AS lock_table, dl.OBJECT_SCHEMA AS object_schema, dl.OBJECT_NAME AS object_name,
  dl.INDEX_NAME AS lock_index, dl.LOCK_MODE AS lock_mode
FROM information_schema.INNODB_TRX r
LEFT JOIN performance_schema.data_locks dl ON dl.ENGINE_LOCK_ID = r.trx_requested_lock_id
LEFT JOIN performance_schema.data_lock_waits w ON w.REQUESTING_ENGINE_LOCK_ID = r.trx_requested_lock_id
LEFT JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID
LEFT JOIN information_schema.PROCESSLIST bp ON bp.ID = b.trx_mysql_thread_id
WHERE r.trx_state = 'LOCK WAIT'
ORDER BY r.trx_wait_started LIMIT 500`,
        },
      ],
      row: z.object({
        waiting_thread: id,
        wait_seconds: seconds,
        waiting_query: optText,
        blocking_thread: id.nullable(),
        blocking_trx_seconds: seconds,
        blocking_query: optText,
        blocking_command: optText,
        blocking_user: optText,
        lock_table: optText,
        object_schema: optText,
        object_name: optText,
        lock_index: optText,
        lock_mode: optText,
      }),
    },
    metadataWaits: {
      sql: [
        {
          since: 0,
          sql: `SELECT ${MDL_COLUMNS}, NULL AS object_schema, NULL AS object_name
FROM information_schema.PROCESSLIST p
WHERE ${MDL_WHERE}
ORDER BY p.TIME DESC LIMIT 500`,
        },
        {
          since: 80000,
          flavors: ['mysql'],
          sql: `SELECT ${MDL_COLUMNS}, ml.OBJECT_SCHEMA AS object_schema, ml.OBJECT_NAME AS object_name
FROM information_schema.PROCESSLIST p
LEFT JOIN performance_schema.threads th ON th.PROCESSLIST_ID = p.ID
LEFT JOIN performance_schema.metadata_locks ml ON ml.OWNER_THREAD_ID = th.THREAD_ID AND ml.LOCK_STATUS = 'PENDING'
WHERE ${MDL_WHERE}
ORDER BY p.TIME DESC LIMIT 500`,
        },
      ],
      row: z.object({
        thread_id: id,
        user_name: optText,
        client_host: optText,
        db: optText,
        wait_seconds: seconds,
        state: z.string(),
        statement: optText,
        object_schema: optText,
        object_name: optText,
      }),
    },
    openTransactions: {
      sql: [
        {
          since: 0,
          sql: `SELECT t.trx_mysql_thread_id AS thread_id, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age_seconds, p.COMMAND AS command,
  p.USER AS user_name
FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
ORDER BY t.trx_started LIMIT 50`,
        },
      ],
      row: z.object({ thread_id: id, age_seconds: seconds, command: optText, user_name: optText }),
    },
  },
  thresholds: {
    schema: z.object({ warnSeconds: z.number().min(0), critSeconds: z.number().min(0) }),
    defaults: { warnSeconds: 5, critSeconds: 60 },
  },
  evaluate({ rowWaits, metadataWaits, openTransactions }, ctx) {
    const limits = { warn: ctx.thresholds.warnSeconds, crit: ctx.thresholds.critSeconds };
    const findings: FindingDraft[] = [];

    const byWaiter = new Map<string, typeof rowWaits>();
    for (const r of rowWaits) byWaiter.set(r.waiting_thread, [...(byWaiter.get(r.waiting_thread) ?? []), r]);
    for (const [thread, rows] of byWaiter) {
      const first = rows[0]!;
      const wait = first.wait_seconds ?? 0;
      const graded = grade(wait, limits, { inclusive: false });
      if (!graded) continue;
      const table =
        first.lock_table ??
        (first.object_name
          ? myQualified(...[first.object_schema, first.object_name].filter((p): p is string => !!p))
          : undefined);
      const blockers = rows.filter((r) => r.blocking_thread !== null);
      const blockedBy: Texts = blockers.length
        ? {
            en: blockers
              .map(
                (b) =>
                  `thread ${b.blocking_thread} (${b.blocking_user ?? 'unknown user'}, ${b.blocking_command ?? 'unknown'}, transaction open ${b.blocking_trx_seconds ?? '?'} s)`,
              )
              .join(', '),
            zh: blockers
              .map(
                (b) =>
                  `线程 ${b.blocking_thread}（${b.blocking_user ?? '未知用户'}，${b.blocking_command ?? '未知'}，事务已打开 ${b.blocking_trx_seconds ?? '?'} 秒）`,
              )
              .join('、'),
          }
        : {
            en: 'an unidentified transaction (lock views not readable: performance_schema off or a missing privilege)',
            zh: '一个无法识别的事务（锁视图不可读：performance_schema 未开启或缺少权限）',
          };
      const mode = first.lock_mode;
      const index = first.lock_index;
      const query = first.waiting_query;
      findings.push({
        severity: graded.severity,
        object: table ?? `thread ${thread}`,
        message: {
          en: `thread ${thread} has waited ${wait} s for a ${mode ? `${mode} ` : ''}row lock${table ? ` on ${table}` : ''}${index ? ` (index ${index})` : ''}, blocked by ${blockedBy.en}${query ? `: ${query}` : ''}`,
          zh: `线程 ${thread} 已等待${table ? ` ${table} 上的` : ''}${mode ? ` ${mode} ` : ''}行锁 ${wait} 秒${index ? `（索引 ${index}）` : ''}，被${blockedBy.zh}阻塞${query ? `：${query}` : ''}`,
        },
        value: wait,
        threshold: graded.limit,
        evidence: rows.map((r) => ({
          waiting_thread: r.waiting_thread,
          wait_seconds: r.wait_seconds,
          waiting_query: r.waiting_query,
          blocking_thread: r.blocking_thread,
          blocking_trx_seconds: r.blocking_trx_seconds,
          blocking_command: r.blocking_command,
          blocking_query: r.blocking_query,
          lock_mode: r.lock_mode,
          lock_index: r.lock_index,
        })),
      });
    }

    const waiting = new Set(metadataWaits.map((m) => m.thread_id));
    for (const m of metadataWaits) {
      const wait = m.wait_seconds ?? 0;
      const graded = grade(wait, limits, { inclusive: false });
      if (!graded) continue;
      const table = m.object_name
        ? myQualified(...[m.object_schema, m.object_name].filter((p): p is string => !!p))
        : statementTable(m.statement, m.db);
      const suspects = openTransactions.filter((t) => !waiting.has(t.thread_id) && (t.age_seconds ?? 0) >= wait);
      const shown = suspects.slice(0, 5);
      const held: Texts = shown.length
        ? {
            en: `; transactions open longer than the wait: ${shown
              .map(
                (t) =>
                  `thread ${t.thread_id} (${t.user_name ?? 'unknown user'}, ${t.command ?? 'unknown'}, ${t.age_seconds} s)`,
              )
              .join(', ')}`,
            zh: `；打开时间超过该等待的事务：${shown
              .map(
                (t) =>
                  `线程 ${t.thread_id}（${t.user_name ?? '未知用户'}，${t.command ?? '未知'}，${t.age_seconds} 秒）`,
              )
              .join('、')}`,
          }
        : { en: '', zh: '' };
      findings.push({
        severity: graded.severity,
        object: table ?? `thread ${m.thread_id}`,
        message: {
          en: `thread ${m.thread_id} (${m.user_name ?? 'unknown user'}@${m.client_host ?? 'unknown host'}) has been in "${m.state}" for ${wait} s${table ? ` on ${table}` : ''}: ${m.statement ?? '(statement not visible)'}${held.en}`,
          zh: `线程 ${m.thread_id}（${m.user_name ?? '未知用户'}@${m.client_host ?? '未知主机'}）${table ? `在 ${table} 上` : ''}处于 "${m.state}" 状态已 ${wait} 秒：${m.statement ?? '（语句不可见）'}${held.zh}`,
        },
        value: wait,
        threshold: graded.limit,
        evidence: [
          {
            thread_id: m.thread_id,
            user: m.user_name,
            host: m.client_host,
            db: m.db,
            state: m.state,
            wait_seconds: wait,
            statement: m.statement,
          },
          ...suspects.map((t) => ({
            possible_blocker_thread: t.thread_id,
            user: t.user_name,
            command: t.command,
            transaction_seconds: t.age_seconds,
          })),
        ],
      });
    }
    return findings;
  },
});
