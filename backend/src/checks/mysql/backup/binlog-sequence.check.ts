import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { findBinlogGaps } from './binlog-gaps.js';

export const mysqlBinlogSequence = defineCheck({
  id: 'mysql.binlog-sequence',
  catalogRef: 'MY-D11',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'backup',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Gap in the binary log sequence', zh: 'binlog 序号不连续' },
  description: {
    en: 'The files listed by SHOW BINARY LOGS must have consecutive numeric suffixes; a missing file (deleted by hand instead of PURGE BINARY LOGS, or lost) breaks point-in-time recovery and replicas that still need it.',
    zh: 'SHOW BINARY LOGS 列出的文件序号必须连续；缺失的文件（手工删除而非 PURGE BINARY LOGS，或文件丢失）会中断按时间点恢复，并影响仍需要该文件的从库。',
  },
  remediation: {
    en: 'Find out how the file disappeared (manual rm, a cleanup script) and restore it from the binlog backup if possible; otherwise take a new full backup now so that recovery no longer needs the missing file. Purge only with PURGE BINARY LOGS or binlog_expire_logs_seconds.',
    zh: '查明文件缺失原因（手工 rm、清理脚本），能从 binlog 备份中找回则恢复；否则立即做一次全量备份，使恢复不再依赖缺失的文件。今后只用 PURGE BINARY LOGS 或 binlog_expire_logs_seconds 清理 binlog。',
  },
  queries: {
    binlogs: {
      sql: [{ since: 0, sql: 'SHOW BINARY LOGS' }],
      row: z.object({ Log_name: z.string(), File_size: z.coerce.number() }),
      optional: true,
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ binlogs }) {
    if (binlogs.length === 0) {
      return {
        skipped: {
          en: 'no binary logs listed: binary logging is off (see mysql.binlog-enabled) or the account lacks REPLICATION CLIENT / BINLOG MONITOR',
          zh: '未列出任何 binlog：binlog 未开启（见 mysql.binlog-enabled），或监控账号缺少 REPLICATION CLIENT / BINLOG MONITOR 权限',
        },
      };
    }
    return findBinlogGaps(binlogs.map((b) => b.Log_name)).map((g) => {
      const range = `${g.missing[0]} … ${g.missing[g.missing.length - 1]}`;
      return {
        severity: 'critical' as const,
        object: g.missing[0] ?? g.after,
        message:
          g.missing.length > 0
            ? {
                en: `binlog sequence gap: ${g.before} is followed by ${g.after}; missing ${g.missing.length === 1 ? g.missing[0] : `${range} (${g.missing.length} files)`}`,
                zh: `binlog 序号不连续：${g.before} 之后是 ${g.after}，缺少 ${g.missing.length === 1 ? g.missing[0] : `${range}（共 ${g.missing.length} 个文件）`}`,
              }
            : {
                en: `binlog sequence goes backwards: ${g.before} is followed by ${g.after}`,
                zh: `binlog 序号倒退：${g.before} 之后是 ${g.after}`,
              },
        value: g.missing.length,
        evidence: [{ before: g.before, after: g.after, missing: g.missing.slice(0, 20) }],
      };
    });
  },
});
