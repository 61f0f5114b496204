import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import type { FindingDraft } from '../../check.types.js';
import { myIdent } from '../../quote.js';

const id = z.union([z.string(), z.number()]).transform(String);
const count = z.coerce.number().nullable();
const optText = z.string().nullable();

export const mysqlLongTransactions = defineCheck({
  id: 'mysql.long-transactions',
  catalogRef: 'MY-D09',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'transactions',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Long-running and idle-in-transaction sessions', zh: '长事务与空闲未提交事务' },
  description: {
    en: 'InnoDB transactions open longer than the threshold (information_schema.INNODB_TRX with the process list), telling apart a transaction still executing from one whose session sits idle (Sleep) without committing. Both hold locks and old row versions (history list), block DDL and make purge fall behind.',
    zh: '查找打开时间超过阈值的 InnoDB 事务（information_schema.INNODB_TRX 关联进程列表），区分仍在执行的事务与会话已空闲（Sleep）却未提交的事务。两者都会持有锁和旧版本数据（history list），阻塞 DDL，并拖慢 purge。',
  },
  remediation: {
    en: 'For idle transactions, fix the application path that opens a transaction and does not commit (autocommit off, a missing COMMIT on an error path, a long pause between statements) or KILL the session; for running ones, split large batches into smaller transactions. Consider wait_timeout / idle_transaction_timeout (MariaDB) as a safety net.',
    zh: '对空闲未提交事务，修复应用中开启事务后未提交的路径（关闭了 autocommit、异常分支缺少 COMMIT、语句之间长时间停顿），或直接 KILL 会话；对仍在执行的长事务，将大批量操作拆分为小事务。可设置 wait_timeout / idle_transaction_timeout（MariaDB）作为兜底。',
  },
  queries: {
    transactions: {
      sql: [
        {
          since: 0,
          sql: `SELECT t.trx_id AS trx_id, t.trx_state AS trx_state, t.trx_mysql_thread_id AS thread_id,
  TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age_seconds, t.trx_rows_modified AS rows_modified, t.trx_rows_locked AS rows_locked,
  p.USER AS user_name, p.HOST AS client_host, p.DB AS db, p.COMMAND AS command, p.TIME AS command_seconds, p.STATE AS state,
  LEFT(COALESCE(t.trx_query, p.INFO), 300) AS statement
FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
WHERE t.trx_mysql_thread_id <> CONNECTION_ID()
ORDER BY t.trx_started LIMIT 500`,
        },
      ],
      row: z.object({
        trx_id: id,
        trx_state: z.string(),
        thread_id: id,
        age_seconds: count,
        rows_modified: count,
        rows_locked: count,
        user_name: optText,
        client_host: optText,
        db: optText,
        command: optText,
        command_seconds: count,
        state: optText,
        statement: optText,
      }),
    },
  },
  thresholds: {
    schema: z.object({ warnSeconds: z.number().min(0), critSeconds: z.number().min(0) }),
    defaults: { warnSeconds: 60, critSeconds: 600 },
  },
  evaluate({ transactions }, ctx) {
    const limits = { warn: ctx.thresholds.warnSeconds, crit: ctx.thresholds.critSeconds };
    const findings: FindingDraft[] = [];
    for (const t of transactions) {
      const age = t.age_seconds ?? 0;
      const graded = grade(age, limits, { inclusive: false });
      if (!graded) continue;
      const who = t.user_name
        ? {
            en: `${t.user_name}@${t.client_host ?? 'unknown host'}`,
            zh: `${t.user_name}@${t.client_host ?? '未知主机'}`,
          }
        : { en: 'no client session (XA PREPARED or recovered)', zh: '无客户端会话（XA PREPARED 或崩溃恢复的事务）' };
      const db = t.db ? myIdent(t.db) : undefined;
      const rowsModified = t.rows_modified ?? 0;
      const rowsLocked = t.rows_locked ?? 0;
      const idle = t.command === 'Sleep';
      const sleeping = t.command_seconds ?? '?';
      const what = idle
        ? {
            en: `idle in transaction: open ${age} s, session sleeping for ${sleeping} s`,
            zh: `事务空闲未提交：已打开 ${age} 秒，会话已休眠 ${sleeping} 秒`,
          }
        : {
            en: `transaction running for ${age} s (${t.trx_state}${t.state ? `, ${t.state}` : ''})`,
            zh: `事务已运行 ${age} 秒（${t.trx_state}${t.state ? `，${t.state}` : ''}）`,
          };
      const statement = !idle && t.statement ? t.statement : undefined;
      findings.push({
        severity: graded.severity,
        object: `thread ${t.thread_id}`,
        message: {
          en: `thread ${t.thread_id} of ${who.en}${db ? ` in ${db}` : ''} ${what.en}; ${rowsModified} row(s) modified, ${rowsLocked} locked${statement ? `: ${statement}` : ''}`,
          zh: `线程 ${t.thread_id}（${who.zh}${db ? `，库 ${db}` : ''}）${what.zh}；已修改 ${rowsModified} 行，锁定 ${rowsLocked} 行${statement ? `：${statement}` : ''}`,
        },
        value: age,
        threshold: graded.limit,
        evidence: [
          {
            thread_id: t.thread_id,
            trx_id: t.trx_id,
            user: t.user_name,
            host: t.client_host,
            db: t.db,
            command: t.command,
            trx_state: t.trx_state,
            age_seconds: age,
            rows_modified: t.rows_modified,
            rows_locked: t.rows_locked,
            statement: t.statement,
          },
        ],
      });
    }
    return findings;
  },
});
