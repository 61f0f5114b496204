import { z } from 'zod';
import { defineCheck } from '../../define-check.js';

/** A break in the binary log sequence: `before` is followed by `after` though `missing` files lie between. */
export interface BinlogGap {
  before: string;
  after: string;
  /** The file names that should lie between (empty when the sequence goes backwards). */
  missing: string[];
}

const MAX_NAMED = 1000;

/**
 * Breaks in the numeric suffixes of binary log names, in the order the server lists them. A change of base name
 * starts a new sequence (log_bin_basename was changed); names without a numeric suffix are ignored.
 */
export function findBinlogGaps(names: readonly string[]): BinlogGap[] {
  const gaps: BinlogGap[] = [];
  let prev: { name: string; base: string; n: number; width: number } | undefined;
  for (const name of names) {
    const m = /^(.*)\.(\d+)$/.exec(name);
    if (!m) continue;
    const cur = { name, base: m[1]!, n: Number(m[2]), width: m[2]!.length };
    if (prev && prev.base === cur.base && cur.n !== prev.n + 1) {
      const missing: string[] = [];
      for (let k = prev.n + 1; k < cur.n && missing.length < MAX_NAMED; k++)
        missing.push(`${cur.base}.${String(k).padStart(prev.width, '0')}`);
      gaps.push({ before: prev.name, after: cur.name, missing });
    }
    prev = cur;
  }
  return gaps;
}

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
        skipped:
          'no binary logs listed: binary logging is off (see mysql.binlog-enabled) or the account lacks REPLICATION CLIENT / BINLOG MONITOR',
      };
    }
    return findBinlogGaps(binlogs.map((b) => b.Log_name)).map((g) => ({
      severity: 'critical' as const,
      object: g.missing[0] ?? g.after,
      message:
        g.missing.length > 0
          ? `binlog sequence gap: ${g.before} is followed by ${g.after}; missing ${g.missing.length === 1 ? g.missing[0] : `${g.missing[0]} … ${g.missing[g.missing.length - 1]} (${g.missing.length} files)`}`
          : `binlog sequence goes backwards: ${g.before} is followed by ${g.after}`,
      value: g.missing.length,
      evidence: [{ before: g.before, after: g.after, missing: g.missing.slice(0, 20) }],
    }));
  },
});
