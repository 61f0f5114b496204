import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import type { FindingDraft } from '../../check.types.js';
import {
  channelObject,
  describeChannel,
  NOT_A_REPLICA,
  REPLICA_STATUS_SQL,
  replicaChannelRow,
} from './replica-status.js';

export const mysqlReplicationLag = defineCheck({
  id: 'mysql.replication-lag',
  catalogRef: 'MY-D04',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'replication',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Replication lag', zh: '复制延迟' },
  description: {
    en: 'Seconds_Behind_Master / Seconds_Behind_Source of every replication channel, minus a configured delay (MASTER_DELAY). An unknown lag (NULL, the SQL thread is stopped) counts as critical. On MariaDB with parallel replication (slave_parallel_threads > 0) the server counts from when an event was queued, not from its original timestamp, so a replica stuck behind an old transaction shows little lag at first.',
    zh: '检查每个复制通道的 Seconds_Behind_Master / Seconds_Behind_Source（扣除配置的延迟复制 MASTER_DELAY）。延迟未知（NULL，SQL 线程已停止）按严重处理。MariaDB 开启并行复制（slave_parallel_threads > 0）时，服务器从事件进入队列的时刻开始计算，而不是事件原始时间戳，因此卡在一个旧事务后面的从库起初显示的延迟很小。',
  },
  remediation: {
    en: 'Find what the applier is busy with (large transactions, missing primary keys with row-based replication, DDL, an overloaded disk) and enable parallel replication if the workload allows; for an unknown lag, restart the stopped threads first (see mysql.replication-threads).',
    zh: '排查应用线程在处理什么（大事务、ROW 格式下缺少主键的表、DDL、磁盘过载），负载允许时开启并行复制；延迟未知时先恢复已停止的复制线程（见 mysql.replication-threads）。',
  },
  queries: { channels: { sql: REPLICA_STATUS_SQL, row: replicaChannelRow } },
  thresholds: {
    schema: z.object({ warnSeconds: z.number().min(0), critSeconds: z.number().min(0) }),
    defaults: { warnSeconds: 60, critSeconds: 300 },
  },
  evaluate({ channels }, ctx) {
    if (channels.length === 0) return { skipped: NOT_A_REPLICA };
    const { warnSeconds, critSeconds } = ctx.thresholds;
    const findings: FindingDraft[] = [];
    for (const c of channels) {
      const object = channelObject(c.channel, ctx.instance.name);
      const channel = describeChannel(c);
      if (c.secondsBehind === null) {
        findings.push({
          severity: 'critical',
          object,
          message: {
            en: `${channel.en}: lag unknown (Seconds_Behind is NULL; IO thread ${c.ioRunning ?? 'unknown'}, SQL thread ${c.sqlRunning ?? 'unknown'})`,
            zh: `${channel.zh}：延迟未知（Seconds_Behind 为 NULL；IO 线程 ${c.ioRunning ?? '未知'}，SQL 线程 ${c.sqlRunning ?? '未知'}）`,
          },
          threshold: critSeconds,
        });
        continue;
      }
      const lag = Math.max(0, c.secondsBehind - c.sqlDelay);
      const graded = grade(lag, { warn: warnSeconds, crit: critSeconds }, { inclusive: false });
      if (!graded) continue;
      const delayed = c.sqlDelay > 0;
      const limit = thresholdText(graded.limit, UNITS.seconds);
      findings.push({
        severity: graded.severity,
        object,
        message: {
          en: `${channel.en} is ${lag} s behind${delayed ? ` beyond the configured delay of ${c.sqlDelay} s` : ''} (${limit.en})`,
          zh: `${channel.zh}延迟 ${lag} 秒${delayed ? `（已扣除配置的延迟复制 ${c.sqlDelay} 秒）` : ''}，${limit.zh}`,
        },
        value: lag,
        threshold: graded.limit,
        evidence: [
          { channel: c.channel, seconds_behind: c.secondsBehind, sql_delay: c.sqlDelay, sql_state: c.sqlState },
        ],
      });
    }
    return findings;
  },
});
