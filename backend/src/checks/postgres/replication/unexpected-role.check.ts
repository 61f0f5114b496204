import { z } from 'zod';
import { defineCheck } from '../../define-check.js';

const roleName = (inRecovery: boolean) => (inRecovery ? 'replica' : 'primary');

export const postgresUnexpectedRole = defineCheck({
  id: 'postgres.unexpected-role',
  catalogRef: 'PG-D02',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'replication',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Unexpected primary/standby role', zh: '主备角色与预期不符' },
  description: {
    en: 'Compares the role the server reports (pg_is_in_recovery()) with the role recorded in the inventory; a standby that was promoted, or a primary that came back as a standby, means a failover the inventory does not know about.',
    zh: '将服务器实际角色（pg_is_in_recovery()）与资产清单登记的角色比较；备库被提升为主库、或主库以备库身份重新启动，都说明发生了清单未记录的主备切换。',
  },
  remediation: {
    en: 'Find out when and why the role changed (failover, switchover, recovery.signal/standby.signal left behind), check that applications write to the new primary and that no two primaries accept writes (split brain), then update the inventory.',
    zh: '确认角色变化的时间和原因（故障切换、主动切换、遗留的 recovery.signal/standby.signal），检查应用是否写入新的主库、是否存在双主（脑裂），然后更新资产清单中的角色。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT pg_is_in_recovery() AS in_recovery, r.status AS receiver_status, r.sender_host AS sender_host
FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver r ON true
LIMIT 1`,
        },
      ],
      row: z.object({
        in_recovery: z.boolean(),
        receiver_status: z.string().nullable(),
        sender_host: z.string().nullable(),
      }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ main }, ctx) {
    const row = main[0];
    if (!row)
      return {
        skipped: { en: 'the server did not report whether it is in recovery', zh: '服务器未返回其是否处于恢复状态' },
      };
    const actual = roleName(row.in_recovery);
    const expected = ctx.instance.expectedRole;
    if (!expected || expected === actual) return [];
    const described = row.in_recovery
      ? { en: 'a standby (in recovery)', zh: '备库（处于恢复状态）' }
      : { en: 'a primary (not in recovery)', zh: '主库（未处于恢复状态）' };
    return [
      {
        severity: 'critical',
        object: ctx.instance.name,
        message: {
          en: `server is ${described.en} but the inventory expects a ${expected}`,
          zh: `服务器是${described.zh}，但资产清单登记的角色是${expected === 'primary' ? '主库' : '备库'}（${expected}）`,
        },
        value: actual,
        threshold: expected,
        evidence: [
          {
            pg_is_in_recovery: row.in_recovery,
            wal_receiver_status: row.receiver_status,
            sender_host: row.sender_host,
          },
        ],
      },
    ];
  },
});
