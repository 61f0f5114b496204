import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { FILESYSTEM_THRESHOLDS, filesystemFindings, NO_HOST_METRICS } from './host-metrics.js';

export const mysqlFilesystemFreeSpace = defineCheck({
  id: 'mysql.filesystem-free-space',
  catalogRef: 'MY-D13',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'storage',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Free space on data, binlog and tmp filesystems', zh: '数据、binlog 与临时目录所在文件系统剩余空间' },
  description: {
    en: 'Free space, free inodes and days to full (predict_linear over the window) of the filesystems holding datadir, the binary logs and tmpdir, from the host metrics source (Prometheus over node_exporter, DBPATROL_PROMETHEUS_URL). SQL cannot see filesystems, so without a source the check is skipped.',
    zh: '检查 datadir、binlog 与 tmpdir 所在文件系统的剩余空间、剩余 inode 以及按窗口内趋势（predict_linear）预计写满的天数，数据来自主机指标来源（Prometheus + node_exporter，DBPATROL_PROMETHEUS_URL）。SQL 无法获取文件系统信息，未配置来源时跳过本检查。',
  },
  remediation: {
    en: 'Free space before the server stops writing: purge old binlogs with PURGE BINARY LOGS, remove old backups and logs, move tmpdir to a larger volume, or grow the filesystem.',
    zh: '在实例因空间耗尽停止写入之前释放空间：用 PURGE BINARY LOGS 清理旧 binlog，删除过期备份和日志，将 tmpdir 迁到更大的卷，或扩容文件系统。',
  },
  queries: {
    directories: {
      sql: [
        { since: 0, sql: 'SELECT @@datadir AS datadir, @@tmpdir AS tmpdir, NULL AS log_bin_basename' },
        {
          since: 50602,
          flavors: ['mysql'],
          sql: 'SELECT @@datadir AS datadir, @@tmpdir AS tmpdir, @@log_bin_basename AS log_bin_basename',
        },
        {
          since: 100600,
          flavors: ['mariadb'],
          sql: 'SELECT @@datadir AS datadir, @@tmpdir AS tmpdir, @@log_bin_basename AS log_bin_basename',
        },
      ],
      row: z.object({ datadir: z.string(), tmpdir: z.string().nullable(), log_bin_basename: z.string().nullable() }),
    },
  },
  thresholds: FILESYSTEM_THRESHOLDS,
  evaluate({ directories }, ctx) {
    const d = directories[0];
    const watched = d
      ? [
          { role: 'datadir', path: d.datadir },
          ...(d.log_bin_basename ? [{ role: 'log_bin_basename', path: d.log_bin_basename }] : []),
          ...(d.tmpdir ? d.tmpdir.split(':').map((path) => ({ role: 'tmpdir', path })) : []),
        ]
      : [];
    if (ctx.hostMetrics && 'skipped' in ctx.hostMetrics) return { skipped: ctx.hostMetrics.skipped };
    if (ctx.hostMetrics) return filesystemFindings(ctx.hostMetrics.facts, watched, ctx.thresholds);
    const paths = watched.map((w) => w.path);
    return {
      skipped: {
        en: `${NO_HOST_METRICS.en}${paths.length ? ` for ${paths.join(', ')}` : ''}`,
        zh: `${NO_HOST_METRICS.zh}${paths.length ? `，无法检查 ${paths.join('、')} 所在文件系统` : ''}`,
      },
    };
  },
});
