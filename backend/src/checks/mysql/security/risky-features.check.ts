import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myIdent } from '../../quote.js';
import { isOn } from './server-variables.js';

const flag = z.union([z.string(), z.number()]).transform((v) => isOn(String(v)));

export const mysqlRiskyFeatures = defineCheck({
  id: 'mysql.risky-features',
  catalogRef: 'MY-W16',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Risky features enabled', zh: '启用了有风险的功能' },
  description: {
    en: "One finding per risky setting: local_infile ON (clients can make the server read their files, and a malicious server can read the client's) and secure_file_priv empty (LOAD DATA / SELECT … INTO OUTFILE / LOAD_FILE reach every file mysqld can) are warnings; automatic_sp_privileges ON (routine creators get ALTER/EXECUTE automatically), skip_name_resolve OFF (host names in accounts depend on DNS) and test databases ('test', 'test_…', which old defaults open to every account) are informational. Test databases are looked up among those the monitoring account can see; without SHOW DATABASES the check says so.",
    zh: "每个有风险的设置单独报告：local_infile 为 ON（客户端可让服务器读取其文件，恶意服务器也可读取客户端文件）和 secure_file_priv 为空（LOAD DATA / SELECT … INTO OUTFILE / LOAD_FILE 可访问 mysqld 能访问的任何文件）为警告；automatic_sp_privileges 为 ON（存储过程创建者自动获得 ALTER/EXECUTE 权限）、skip_name_resolve 为 OFF（账号中的主机名依赖 DNS）以及测试库（'test'、'test_…'，旧版默认对所有账号开放）为提示。测试库只在巡检账号可见的库中查找；若缺少 SHOW DATABASES 权限，会在结果中说明。",
  },
  remediation: {
    en: 'In my.cnf: local_infile=OFF (SET GLOBAL local_infile=OFF also works), secure_file_priv set to a dedicated directory or NULL (needs a restart), skip_name_resolve=ON once every account uses IP addresses (restart), automatic_sp_privileges=OFF if routine privileges are granted explicitly; drop unused test databases (and their mysql.db wildcard grants).',
    zh: '在 my.cnf 中：local_infile=OFF（也可 SET GLOBAL local_infile=OFF 立即生效）；secure_file_priv 设为专用目录或 NULL（需重启）；所有账号改用 IP 后设置 skip_name_resolve=ON（需重启）；若存储过程权限均显式授予，可设 automatic_sp_privileges=OFF；删除无用的测试库（及 mysql.db 中对应的通配授权）。',
  },
  queries: {
    settings: {
      sql: [
        {
          since: 0,
          sql: `SELECT @@global.local_infile AS local_infile, @@global.secure_file_priv AS secure_file_priv,
  @@global.automatic_sp_privileges AS automatic_sp_privileges, @@global.skip_name_resolve AS skip_name_resolve`,
        },
      ],
      row: z.object({
        local_infile: flag,
        secure_file_priv: z.string().nullable(),
        automatic_sp_privileges: flag,
        skip_name_resolve: flag,
      }),
    },
    testDatabases: {
      sql: [
        {
          since: 0,
          sql: `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA
WHERE SCHEMA_NAME = 'test' OR SCHEMA_NAME LIKE 'test!_%' ESCAPE '!' ORDER BY SCHEMA_NAME LIMIT 100`,
        },
      ],
      row: z.object({ name: z.string() }),
    },
    visibility: {
      // GRANTEE is 'user'@'host' with the user name unescaped; CURRENT_USER() is user@host and hosts hold no '@'.
      sql: [
        {
          since: 0,
          sql: `SELECT COUNT(*) AS show_databases FROM information_schema.USER_PRIVILEGES
WHERE PRIVILEGE_TYPE = 'SHOW DATABASES'
  AND GRANTEE = CONCAT('''', LEFT(CURRENT_USER(), CHAR_LENGTH(CURRENT_USER()) - CHAR_LENGTH(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)) - 1),
    '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')`,
        },
      ],
      row: z.object({ show_databases: z.coerce.number() }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ settings, testDatabases, visibility }, ctx) {
    const s = settings[0];
    if (!s) return { skipped: { en: 'the server returned no settings', zh: '实例未返回任何参数' } };
    const findings: FindingDraft[] = [];
    if (s.local_infile) {
      findings.push({
        severity: 'warning',
        object: 'local_infile',
        message: {
          en: 'local_infile=ON: LOAD DATA LOCAL is allowed, so clients can push files to the server and a rogue server can read client files',
          zh: 'local_infile=ON：允许 LOAD DATA LOCAL，客户端可以向服务器推送文件，恶意服务器也能读取客户端文件',
        },
      });
    }
    if (s.secure_file_priv === '') {
      findings.push({
        severity: 'warning',
        object: 'secure_file_priv',
        message: {
          en: 'secure_file_priv is empty: accounts with FILE can read and write any file the mysqld user can (set a directory, or NULL)',
          zh: 'secure_file_priv 为空：拥有 FILE 权限的账号可以读写 mysqld 运行用户能访问的任何文件（应设置为指定目录或 NULL）',
        },
      });
    }
    if (s.automatic_sp_privileges) {
      findings.push({
        severity: 'info',
        object: 'automatic_sp_privileges',
        message: {
          en: 'automatic_sp_privileges=ON: whoever creates a stored routine gets ALTER ROUTINE and EXECUTE on it automatically',
          zh: 'automatic_sp_privileges=ON：创建存储程序的账号会自动获得该程序的 ALTER ROUTINE 和 EXECUTE 权限',
        },
      });
    }
    if (!s.skip_name_resolve) {
      findings.push({
        severity: 'info',
        object: 'skip_name_resolve',
        message: {
          en: 'skip_name_resolve=OFF: account host names are matched through DNS (spoofable, slow when DNS is down)',
          zh: 'skip_name_resolve=OFF：账号的主机名通过 DNS 解析匹配（可被伪造，DNS 故障时连接缓慢）',
        },
      });
    }
    for (const db of testDatabases) {
      findings.push({
        severity: 'info',
        object: myIdent(db.name),
        message: {
          en: `test database ${myIdent(db.name)} exists; old default grants in mysql.db give every account access to test and test_% databases`,
          zh: `存在测试库 ${myIdent(db.name)}；mysql.db 中旧的默认授权允许所有账号访问 test 和 test_% 库`,
        },
      });
    }
    if ((visibility[0]?.show_databases ?? 0) === 0) {
      findings.push({
        severity: 'info',
        object: ctx.instance.name,
        message: {
          en: 'test databases were looked up only among the databases the monitoring account can see (it lacks SHOW DATABASES)',
          zh: '只在监控账号可见的库中查找了测试库（该账号缺少 SHOW DATABASES 权限）',
        },
      });
    }
    return findings;
  },
});
