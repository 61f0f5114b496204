import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { isReadOnlyValue } from '../../../targets/server-facts.js';
import { describeChannels, NOT_A_REPLICA, REPLICA_STATUS_SQL, replicaChannelRow } from './replica-status.js';

const flag = z.union([z.string(), z.number()]).nullable().optional().transform(isReadOnlyValue);

export const mysqlReplicationRole = defineCheck({
  id: 'mysql.replication-role',
  catalogRef: 'MY-D02',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'replication',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Replica is read-only, primary is writable', zh: '主库可写、从库只读' },
  description: {
    en: 'A server with a replication channel must run with read_only (and, on MySQL, super_read_only) so that nothing but replication writes to it; a server the inventory lists as primary must be writable and must not replicate from another server.',
    zh: '配置了复制通道的从库必须开启 read_only（MySQL 还应开启 super_read_only），只允许复制线程写入；资产清单中登记为主库的实例必须可写，且不应再从其他实例复制。',
  },
  remediation: {
    en: 'On the replica: SET GLOBAL read_only = ON (MySQL: also super_read_only = ON) and persist it in my.cnf. On a primary left read-only after a switchover: SET GLOBAL read_only = OFF once you are sure it is the only writer, and correct the inventory role if it changed.',
    zh: '在从库上执行 SET GLOBAL read_only = ON（MySQL 同时设置 super_read_only = ON），并写入 my.cnf 持久化。切换后仍为只读的主库：确认它是唯一写入点后执行 SET GLOBAL read_only = OFF；若角色已变化，请同步修改资产清单。',
  },
  queries: {
    flags: {
      sql: [
        { since: 0, sql: 'SELECT @@read_only AS read_only' },
        {
          since: 50708,
          flavors: ['mysql'],
          sql: 'SELECT @@read_only AS read_only, @@super_read_only AS super_read_only',
        },
      ],
      row: z.object({ read_only: flag, super_read_only: flag }),
    },
    channels: { sql: REPLICA_STATUS_SQL, row: replicaChannelRow },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ flags, channels }, ctx) {
    const f = flags[0];
    if (!f) return { skipped: { en: 'the server did not report @@read_only', zh: '实例未返回 @@read_only' } };
    const name = ctx.instance.name;
    const expected = ctx.instance.expectedRole;
    if (channels.length === 0) {
      if (expected === 'replica') {
        return [
          {
            severity: 'warning',
            object: name,
            message: {
              en: `the inventory lists ${name} as a replica, but it has no replication channel`,
              zh: `资产清单将 ${name} 登记为从库，但它没有配置复制通道`,
            },
          },
        ];
      }
      if (f.read_only) {
        return [
          {
            severity: expected === 'primary' ? 'warning' : 'info',
            object: 'read_only',
            message: {
              en: `${name} has no replication channel${expected === 'primary' ? ' and is listed as primary' : ''}, but read_only = ON: applications cannot write to it`,
              zh: `${name} 没有复制通道${expected === 'primary' ? '且登记为主库' : ''}，但 read_only = ON：应用无法写入`,
            },
            value: 'ON',
            threshold: 'OFF',
          },
        ];
      }
      return expected === 'primary' ? [] : { skipped: NOT_A_REPLICA };
    }
    const sources = describeChannels(channels);
    if (expected === 'primary') {
      return [
        {
          severity: 'warning',
          object: name,
          message: {
            en: `the inventory lists ${name} as primary, but it replicates (${sources.en})`,
            zh: `资产清单将 ${name} 登记为主库，但它正在从其他实例复制（${sources.zh}）`,
          },
        },
      ];
    }
    if (!f.read_only) {
      return [
        {
          severity: 'warning',
          object: 'read_only',
          message: {
            en: `replica ${name} (${sources.en}) accepts writes: read_only = OFF`,
            zh: `从库 ${name}（${sources.zh}）可写：read_only = OFF`,
          },
          value: 'OFF',
          threshold: 'ON',
        },
      ];
    }
    if (ctx.server.flavor === 'mysql' && ctx.server.versionNum >= 50708 && !f.super_read_only) {
      return [
        {
          severity: 'info',
          object: 'super_read_only',
          message: {
            en: `replica ${name} has read_only = ON but super_read_only = OFF: accounts with SUPER or CONNECTION_ADMIN can still write`,
            zh: `从库 ${name} 已设置 read_only = ON，但 super_read_only = OFF：拥有 SUPER 或 CONNECTION_ADMIN 权限的账号仍可写入`,
          },
          value: 'OFF',
          threshold: 'ON',
        },
      ];
    }
    return [];
  },
});
