import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { isOn, variableRow, variablesByName } from './server-variables.js';

export const mysqlAuditLogging = defineCheck({
  id: 'mysql.audit-logging-off',
  catalogRef: 'MY-W17',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Audit logging off', zh: '未开启审计日志' },
  description: {
    en: 'Whether an audit log records connections and statements: the MariaDB server_audit plugin with server_audit_logging=ON, the audit_log plugin of Percona Server or MySQL Enterprise (not with audit_log_policy=NONE or audit_log_disable=ON), or the audit_log_filter component (its filters are not inspected). Other AUDIT-type plugins (SQL_ERROR_LOG, CONNECTION_CONTROL, query response time) do not count.',
    zh: '检查是否有审计日志记录连接和语句：MariaDB 的 server_audit 插件且 server_audit_logging=ON，Percona Server 或 MySQL 企业版的 audit_log 插件（audit_log_policy=NONE 或 audit_log_disable=ON 时不算），或 audit_log_filter 组件（不检查其过滤规则）。其他 AUDIT 类型插件（SQL_ERROR_LOG、CONNECTION_CONTROL、查询响应时间统计）不算审计日志。',
  },
  remediation: {
    en: "MariaDB: INSTALL SONAME 'server_audit', then in my.cnf plugin_load_add=server_audit, server_audit=FORCE_PLUS_PERMANENT, server_audit_events=CONNECT,QUERY_DDL,QUERY_DCL, server_audit_logging=ON, and ship the log off the host. Percona Server: INSTALL PLUGIN audit_log SONAME 'audit_log.so'. MLPS (Multi-Level Protection Scheme) requires security auditing.",
    zh: "MariaDB：执行 INSTALL SONAME 'server_audit'，并在 my.cnf 中配置 plugin_load_add=server_audit、server_audit=FORCE_PLUS_PERMANENT、server_audit_events=CONNECT,QUERY_DDL,QUERY_DCL、server_audit_logging=ON，并将日志转存到主机之外。Percona Server：INSTALL PLUGIN audit_log SONAME 'audit_log.so'。等保要求开启安全审计。",
  },
  queries: {
    plugins: {
      sql: [
        {
          since: 0,
          sql: `SELECT PLUGIN_NAME AS name, PLUGIN_STATUS AS status FROM information_schema.PLUGINS
WHERE PLUGIN_NAME IN ('SERVER_AUDIT', 'audit_log') ORDER BY PLUGIN_NAME`,
        },
      ],
      row: z.object({ name: z.string(), status: z.string() }),
    },
    variables: {
      sql: [
        {
          since: 0,
          sql: `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_audit_logging', 'server_audit_events', 'audit_log_policy', 'audit_log_disable')
  OR Variable_name LIKE 'audit_log_filter%'`,
        },
      ],
      row: variableRow,
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ plugins, variables }, ctx) {
    const vars = variablesByName(variables);
    const active = new Set(plugins.filter((p) => p.status.toUpperCase() === 'ACTIVE').map((p) => p.name.toLowerCase()));
    if (active.has('server_audit')) {
      if (isOn(vars.get('server_audit_logging'))) return [];
      return [
        {
          severity: 'warning',
          object: 'server_audit_logging',
          message: {
            en: 'the server_audit plugin is loaded but server_audit_logging=OFF: nothing is audited',
            zh: '已加载 server_audit 插件，但 server_audit_logging=OFF：不会记录任何审计日志',
          },
        },
      ];
    }
    if (active.has('audit_log')) {
      if (isOn(vars.get('audit_log_disable'))) {
        return [
          {
            severity: 'warning',
            object: 'audit_log_disable',
            message: {
              en: 'the audit_log plugin is loaded but audit_log_disable=ON',
              zh: '已加载 audit_log 插件，但 audit_log_disable=ON：审计日志已被关闭',
            },
          },
        ];
      }
      if ((vars.get('audit_log_policy') ?? '').toUpperCase() === 'NONE') {
        return [
          {
            severity: 'warning',
            object: 'audit_log_policy',
            message: {
              en: 'the audit_log plugin is loaded but audit_log_policy=NONE: nothing is audited',
              zh: '已加载 audit_log 插件，但 audit_log_policy=NONE：不会记录任何审计日志',
            },
          },
        ];
      }
      return [];
    }
    if ([...vars.keys()].some((k) => k.startsWith('audit_log_filter'))) return [];
    const loaded = plugins.map((p) => `${p.name} (${p.status})`).join(', ');
    return [
      {
        severity: 'warning',
        object: ctx.instance.name,
        message: {
          en: `no audit log is active${loaded ? `: ${loaded}` : ' (no server_audit or audit_log plugin)'}; logins and privileged statements leave no trace`,
          zh: `未启用任何审计日志${loaded ? `：${loaded}` : '（没有 server_audit 或 audit_log 插件）'}；登录和特权操作不会留下记录`,
        },
      },
    ];
  },
});
