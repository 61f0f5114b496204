import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11 } from '../../../test/check-evaluator.js';
import type { QuerySpec } from '../../check.types.js';
import { pickSqlVariant } from '../../sql-variant.js';
import { mysqlFilesystemFreeSpace } from './filesystem-free-space.check.js';
import { NO_HOST_METRICS } from './host-metrics.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const MARIADB = MARIADB_10_11;
const { evaluate } = checkEvaluator({
  server: MARIADB,
  window: { from: NOW, to: NOW },
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});

describe('mysql.filesystem-free-space (MY-D13)', () => {
  const q = mysqlFilesystemFreeSpace.queries.directories as QuerySpec<unknown>;

  it('is skipped while no host metrics source is configured', () => {
    expect(evaluate(mysqlFilesystemFreeSpace, { directories: [] })).toEqual({ skipped: NO_HOST_METRICS });
  });

  it('names the directories it would watch', () => {
    const directories = [{ datadir: '/var/lib/mysql/', tmpdir: '/tmp', log_bin_basename: '/binlog/mysql-bin' }];
    expect(evaluate(mysqlFilesystemFreeSpace, { directories })).toEqual({
      skipped: {
        en: 'no host metrics source for /var/lib/mysql/, /binlog/mysql-bin, /tmp',
        zh: '未配置主机指标来源，无法检查 /var/lib/mysql/、/binlog/mysql-bin、/tmp 所在文件系统',
      },
    });
  });

  it('has the catalog thresholds and asks for log_bin_basename only where it exists', () => {
    expect(mysqlFilesystemFreeSpace.thresholds.defaults).toEqual({
      warnFreePercent: 20,
      critFreePercent: 10,
      warnFullWithinDays: 30,
      critFullWithinDays: 7,
    });
    expect(pickSqlVariant(q.sql, 'mariadb', 100511)?.sql).not.toContain('log_bin_basename AS');
    expect(pickSqlVariant(q.sql, 'mariadb', 101119)?.sql).toContain('@@log_bin_basename');
    expect(pickSqlVariant(q.sql, 'mysql', 80036)?.sql).toContain('@@log_bin_basename');
  });
});
