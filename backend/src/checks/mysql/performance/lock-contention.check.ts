import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { againstThreshold, grade, UNITS } from '../../grading.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countStatusWindow, percent, round } from './counter-window.js';

const COUNTERS = [
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
  'Table_locks_immediate',
  'Table_locks_waited',
] as const;

export const mysqlLockContention = defineCheck({
  id: 'mysql.lock-contention',
  catalogRef: 'MY-A04',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Row-lock and table-lock contention', zh: '行锁与表锁争用' },
  description: {
    en: 'Over the window (growth since the stored snapshot at the window start; without one, since the server started, and the report says which period): InnoDB row-lock waits (Δ Innodb_row_lock_waits) with their average wait (Δ Innodb_row_lock_time / Δ waits, ms) are reported as information; the share of table locks granted at once, Table_locks_immediate / (Table_locks_immediate + Table_locks_waited), below 95 % is a warning (judged from minTableLocks table locks on).',
    zh: '统计窗口内（窗口起点处快照以来的增量；没有快照时为实例启动以来，报告会注明统计区间）：以信息级别报告 InnoDB 行锁等待次数（Δ Innodb_row_lock_waits）及平均等待时间（Δ Innodb_row_lock_time / Δ 等待次数，毫秒）；表锁立即获得的比例 Table_locks_immediate / (Table_locks_immediate + Table_locks_waited) 低于 95% 为警告（表锁次数达到 minTableLocks 才评估）。',
  },
  remediation: {
    en: 'Row-lock waits: keep transactions short, touch rows in a consistent order, index the WHERE columns of UPDATE/DELETE so fewer rows are locked. Table-lock waits: move MyISAM/Aria tables to InnoDB and avoid LOCK TABLES.',
    zh: '行锁等待：缩短事务，按一致的顺序访问行，为 UPDATE/DELETE 的 WHERE 列建立索引以减少加锁行数。表锁等待：将 MyISAM/Aria 表迁移到 InnoDB，避免使用 LOCK TABLES。',
  },
  queries: { status: { sql: globalStatusSql([...COUNTERS, 'Uptime']), row: statusRow } },
  thresholds: {
    schema: z.object({ warnImmediatePercent: z.number().min(0).max(100), minTableLocks: z.number().int().min(1) }),
    defaults: { warnImmediatePercent: 95, minTableLocks: 100 },
  },
  evaluate({ status }, ctx) {
    const s = new StatusValues(status);
    if (COUNTERS.some((n) => s.number(n) === undefined))
      return {
        skipped: {
          en: `the server did not report ${COUNTERS.join(', ')}`,
          zh: `实例未返回 ${COUNTERS.join('、')}`,
        },
      };
    const w = countStatusWindow(COUNTERS, s, ctx);
    const waits = w.counted.Innodb_row_lock_waits ?? 0;
    const waitMs = w.counted.Innodb_row_lock_time ?? 0;
    const immediate = w.counted.Table_locks_immediate ?? 0;
    const waited = w.counted.Table_locks_waited ?? 0;
    const findings: FindingDraft[] = [];
    if (immediate + waited >= ctx.thresholds.minTableLocks) {
      const share = percent(immediate, immediate + waited);
      const graded = grade(
        share,
        { warn: ctx.thresholds.warnImmediatePercent },
        { direction: 'below', inclusive: false },
      );
      if (graded) {
        const shown = againstThreshold(share, graded.limit, UNITS.percent);
        findings.push({
          severity: graded.severity,
          object: 'Table_locks_waited',
          message: {
            en: `Table locks granted at once ${shown.en}: ${waited} of ${immediate + waited} table locks had to wait ${w.period.en}`,
            zh: `表锁立即获得比例 ${shown.zh}：${immediate + waited} 次表锁中有 ${waited} 次需要等待，统计区间：${w.period.zh}`,
          },
          value: share,
          threshold: graded.limit,
          evidence: w.evidence,
        });
      }
    }
    if (waits > 0) {
      const avg = round(waitMs / waits, 1);
      findings.push({
        severity: 'info',
        object: 'Innodb_row_lock_waits',
        message: {
          en: `${waits} InnoDB row-lock waits, ${waitMs} ms in all, ${avg} ms on average ${w.period.en}`,
          zh: `InnoDB 行锁等待 ${waits} 次，共 ${waitMs} ms，平均 ${avg} ms，统计区间：${w.period.zh}`,
        },
        value: avg,
        evidence: w.evidence,
      });
    }
    return findings;
  },
});
