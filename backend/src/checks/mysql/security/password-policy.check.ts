import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { variableRow, variablesByName } from './server-variables.js';

/** Plugins (MariaDB; MySQL 5.7's validate_password) that reject weak passwords; password_reuse_check only stops reuse. */
const COMPLEXITY_PLUGINS = ['simple_password_check', 'cracklib_password_check', 'validate_password'];
/** Minimum-length variables: MariaDB simple_password_check, MySQL 8 component, MySQL 5.7 plugin. */
const LENGTH_VARIABLES = [
  'simple_password_check_minimal_length',
  'validate_password.length',
  'validate_password_length',
];

export const mysqlPasswordPolicy = defineCheck({
  id: 'mysql.password-policy',
  catalogRef: 'MY-W13',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Password complexity and rotation policy', zh: '密码复杂度与定期更换策略' },
  description: {
    en: 'Whether a password validator is active (MariaDB simple_password_check or cracklib_password_check plugin; MySQL validate_password component from 8.0 or plugin in 5.7), whether its minimum length is below the threshold, and whether default_password_lifetime makes passwords expire (0 = never; MySQL 5.7.4+, MariaDB 10.4.3+). Per-account PASSWORD EXPIRE INTERVAL overrides are not read here.',
    zh: '检查是否启用了密码校验（MariaDB 的 simple_password_check 或 cracklib_password_check 插件；MySQL 8.0 起的 validate_password 组件或 5.7 的插件）、其最小长度是否低于阈值，以及 default_password_lifetime 是否让密码过期（0 表示永不过期；MySQL 5.7.4+、MariaDB 10.4.3+）。不读取账号级 PASSWORD EXPIRE INTERVAL 设置。',
  },
  remediation: {
    en: "Install a validator (MariaDB: INSTALL SONAME 'simple_password_check'; MySQL 8: INSTALL COMPONENT 'file://component_validate_password') and persist it in the configuration; set default_password_lifetime to your rotation period (e.g. 90) in my.cnf and SET GLOBAL. Level-3 MLPS (Multi-Level Protection Scheme) requires both complexity and periodic change.",
    zh: "安装密码校验（MariaDB：INSTALL SONAME 'simple_password_check'；MySQL 8：INSTALL COMPONENT 'file://component_validate_password'）并写入配置文件；在 my.cnf 中把 default_password_lifetime 设为轮换周期（如 90）并 SET GLOBAL 生效。等保三级要求密码复杂度和定期更换。",
  },
  queries: {
    plugins: {
      sql: [
        {
          since: 0,
          sql: `SELECT PLUGIN_NAME AS name, PLUGIN_STATUS AS status FROM information_schema.PLUGINS
WHERE PLUGIN_TYPE IN ('PASSWORD VALIDATION', 'VALIDATE PASSWORD') ORDER BY PLUGIN_NAME`,
        },
      ],
      row: z.object({ name: z.string(), status: z.string() }),
    },
    variables: {
      sql: [
        {
          since: 0,
          sql: `SHOW GLOBAL VARIABLES WHERE Variable_name = 'default_password_lifetime' OR Variable_name LIKE 'validate_password%'
  OR Variable_name LIKE 'simple_password_check%' OR Variable_name LIKE 'cracklib_password_check%'`,
        },
      ],
      row: variableRow,
    },
  },
  thresholds: {
    schema: z.object({
      minPasswordLength: z.number().int().positive(),
      maxPasswordLifetimeDays: z.number().int().positive(),
    }),
    defaults: { minPasswordLength: 8, maxPasswordLifetimeDays: 90 },
  },
  evaluate({ plugins, variables }, ctx) {
    const vars = variablesByName(variables);
    const active = plugins.filter((p) => p.status.toUpperCase() === 'ACTIVE').map((p) => p.name.toLowerCase());
    const component = [...vars.keys()].some((k) => k.startsWith('validate_password.'));
    const validators = [
      ...active.filter((p) => COMPLEXITY_PLUGINS.includes(p)),
      ...(component ? ['validate_password component'] : []),
    ];
    const findings: FindingDraft[] = [];
    const { minPasswordLength, maxPasswordLifetimeDays } = ctx.thresholds;

    if (validators.length === 0) {
      const reuseOnly = active.includes('password_reuse_check');
      const reuse = reuseOnly ? ' (password_reuse_check is active but only prevents reuse)' : '';
      const reuseZh = reuseOnly ? '（password_reuse_check 已启用，但它只能防止重复使用旧密码）' : '';
      findings.push({
        severity: 'warning',
        object: ctx.instance.name,
        message: {
          en: `no password complexity validator is active${reuse}: weak and empty passwords are accepted`,
          zh: `未启用任何密码复杂度校验插件${reuseZh}：弱密码和空密码都能设置成功`,
        },
        evidence: plugins.map((p) => ({ plugin: p.name, status: p.status })),
      });
    } else {
      for (const name of LENGTH_VARIABLES) {
        const length = Number(vars.get(name) ?? NaN);
        if (Number.isFinite(length) && length < minPasswordLength) {
          findings.push({
            severity: 'warning',
            object: name,
            message: {
              en: `${validators.join(', ')} accepts passwords of ${length} characters (${name}=${length}, threshold ${minPasswordLength})`,
              zh: `${validators.join(', ')} 允许长度仅为 ${length} 个字符的密码（${name}=${length}，阈值 ${minPasswordLength}）`,
            },
            value: length,
            threshold: minPasswordLength,
          });
        }
      }
    }

    const lifetime = vars.get('default_password_lifetime');
    if (lifetime === undefined || lifetime === null) {
      findings.push({
        severity: 'warning',
        object: ctx.instance.name,
        message: {
          en: `default_password_lifetime is not available on ${ctx.server.flavor} ${ctx.server.version} (MySQL 5.7.4+, MariaDB 10.4.3+): passwords never expire`,
          zh: `${ctx.server.flavor} ${ctx.server.version} 不支持 default_password_lifetime（需要 MySQL 5.7.4+ 或 MariaDB 10.4.3+）：密码永不过期`,
        },
      });
    } else if (Number(lifetime) === 0) {
      findings.push({
        severity: 'warning',
        object: 'default_password_lifetime',
        message: {
          en: `default_password_lifetime=0: passwords never expire (threshold ${maxPasswordLifetimeDays} days)`,
          zh: `default_password_lifetime=0：密码永不过期（阈值 ${maxPasswordLifetimeDays} 天）`,
        },
        value: 0,
        threshold: maxPasswordLifetimeDays,
      });
    } else if (Number(lifetime) > maxPasswordLifetimeDays) {
      findings.push({
        severity: 'warning',
        object: 'default_password_lifetime',
        message: {
          en: `passwords expire only after ${lifetime} days (default_password_lifetime, threshold ${maxPasswordLifetimeDays} days)`,
          zh: `密码要 ${lifetime} 天后才过期（default_password_lifetime，阈值 ${maxPasswordLifetimeDays} 天）`,
        },
        value: Number(lifetime),
        threshold: maxPasswordLifetimeDays,
      });
    }
    return findings;
  },
});
