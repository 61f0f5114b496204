import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { isOn, variablesByName } from '../security/server-variables.js';
import { globalVariablesQuery, noVariables } from './settings.js';

const NAMES = [
  'innodb_flush_log_at_trx_commit',
  'sync_binlog',
  'log_bin',
  'binlog_format',
  'binlog_row_image',
  'binlog_checksum',
  'innodb_doublewrite',
] as const;

export const mysqlDurabilitySettings = defineCheck({
  id: 'mysql.durability-settings',
  catalogRef: 'MY-M01',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Durability settings', zh: '持久性参数' },
  description: {
    en: 'On a primary, committed transactions survive a crash and replicas/point-in-time recovery get complete events only with innodb_flush_log_at_trx_commit=1, sync_binlog=1, innodb_doublewrite ON and, when the binary log is on, binlog_format=ROW, binlog_row_image=FULL and binlog_checksum=CRC32 (PMM / Percona Toolkit rules). Each differing setting is a warning; on a replica the check does not run.',
    zh: '在主库上，只有 innodb_flush_log_at_trx_commit=1、sync_binlog=1、innodb_doublewrite 为 ON，并且（开启 binlog 时）binlog_format=ROW、binlog_row_image=FULL、binlog_checksum=CRC32，已提交事务才能在崩溃后保留，从库与按时间点恢复才能得到完整事件（PMM / Percona Toolkit 规则）。每个不符合的参数报告一条警告；从库上不执行本检查。',
  },
  remediation: {
    en: 'In my.cnf (and SET GLOBAL / SET PERSIST where dynamic): innodb_flush_log_at_trx_commit=1, sync_binlog=1, binlog_format=ROW, binlog_row_image=FULL, binlog_checksum=CRC32; innodb_doublewrite=ON needs a restart. Relax them only knowingly (e.g. during a bulk load), and put them back.',
    zh: '在 my.cnf 中设置（可动态修改的同时执行 SET GLOBAL / SET PERSIST）：innodb_flush_log_at_trx_commit=1、sync_binlog=1、binlog_format=ROW、binlog_row_image=FULL、binlog_checksum=CRC32；innodb_doublewrite=ON 需重启。只在明确需要时（如批量导入期间）临时放宽，并及时恢复。',
  },
  applies: ({ server }) =>
    server.role === 'replica'
      ? {
          en: 'the server is a replica; durability settings are graded on primaries',
          zh: '该实例为从库；持久性参数只在主库上评估',
        }
      : null,
  queries: { variables: globalVariablesQuery(NAMES) },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ variables }) {
    if (variables.length === 0) return { skipped: noVariables };
    const vars = variablesByName(variables);
    const findings: FindingDraft[] = [];
    const want = (name: string, ok: (v: string) => boolean, expected: string, why: { en: string; zh: string }) => {
      if (!vars.has(name)) return;
      const value = vars.get(name) ?? 'NULL';
      if (ok(value)) return;
      findings.push({
        severity: 'warning',
        object: name,
        message: {
          en: `${name}=${value} (expected ${expected}): ${why.en}`,
          zh: `${name}=${value}（应为 ${expected}）：${why.zh}`,
        },
      });
    };
    want('innodb_flush_log_at_trx_commit', (v) => v.trim() === '1', '1', {
      en: 'transactions committed in the last second can be lost in a crash',
      zh: '崩溃时可能丢失最近约一秒内已提交的事务',
    });
    const binlog = isOn(vars.get('log_bin'));
    if (binlog || !vars.has('log_bin')) {
      want('sync_binlog', (v) => v.trim() === '1', '1', {
        en: 'binary log events of committed transactions can be lost in a crash, leaving replicas ahead of the primary',
        zh: '崩溃时已提交事务的 binlog 事件可能丢失，使从库领先于主库',
      });
      want('binlog_format', (v) => v.toUpperCase() === 'ROW', 'ROW', {
        en: 'statement-based events can replay differently on replicas and in point-in-time recovery',
        zh: '基于语句的事件在从库或按时间点恢复时可能重放出不同结果',
      });
      want('binlog_row_image', (v) => v.toUpperCase() === 'FULL', 'FULL', {
        en: 'row events lack the full before/after images that flashback and audit tools need',
        zh: '行事件缺少闪回和审计工具所需的完整前后镜像',
      });
      want('binlog_checksum', (v) => v.toUpperCase() === 'CRC32', 'CRC32', {
        en: 'corrupted binary log events go undetected',
        zh: '损坏的 binlog 事件无法被发现',
      });
    }
    want('innodb_doublewrite', (v) => isOn(v), 'ON', {
      en: 'a torn page write during a crash cannot be repaired',
      zh: '崩溃时发生的页部分写入无法修复',
    });
    return findings;
  },
});
