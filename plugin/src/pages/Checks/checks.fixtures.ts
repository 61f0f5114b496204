import type { Check, CheckDetail, ThresholdsView } from '../../api/checks';

// Generated from the backend's registry (GET /checks/{id} shape) for six real checks; queries trimmed only by count.
export const checkDetails: CheckDetail[] = [
  {
    id: 'mysql.connection-saturation',
    catalogRef: 'MY-D05',
    engine: 'mysql',
    flavors: ['mysql', 'mariadb'],
    category: 'connections',
    tier: 'daily',
    window: 'delta',
    scope: 'instance',
    title: {
      en: 'Connection saturation',
      zh: '连接数饱和',
    },
    description: {
      en: 'Peak (Max_used_connections) and current (Threads_connected) connections against max_connections. Until snapshots exist the peak is the one since the server started, and the report says so.',
      zh: '将峰值连接数（Max_used_connections）和当前连接数（Threads_connected）与 max_connections 比较。在有快照数据之前，峰值为实例启动以来的峰值，报告中会注明。',
    },
    remediation: {
      en: 'Find who holds the connections (SHOW PROCESSLIST grouped by user and host, idle Sleep sessions), fix connection leaks and pool sizes in the applications, then raise max_connections only if memory allows (per-thread buffers × connections).',
      zh: '查明连接来源（按用户、主机汇总 SHOW PROCESSLIST，关注空闲 Sleep 会话），修复应用的连接泄漏、调整连接池大小；内存允许时（每线程缓冲 × 连接数）再适当调大 max_connections。',
    },
    thresholds: {
      defaults: {
        warnPercent: 80,
        critPercent: 90,
      },
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          warnPercent: {
            type: 'number',
            minimum: 0,
          },
          critPercent: {
            type: 'number',
            minimum: 0,
          },
        },
        required: ['warnPercent', 'critPercent'],
      },
    },
    queries: {
      status: {
        sql: [
          {
            since: 0,
            sql: "SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('Max_used_connections', 'Max_used_connections_time', 'Threads_connected', 'Connection_errors_max_connections', 'Uptime')",
          },
          {
            since: 50700,
            flavors: ['mysql'],
            sql: "SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM performance_schema.global_status WHERE VARIABLE_NAME IN ('Max_used_connections', 'Max_used_connections_time', 'Threads_connected', 'Connection_errors_max_connections', 'Uptime')",
          },
        ],
        dynamic: false,
      },
      settings: {
        sql: [
          {
            since: 0,
            sql: 'SELECT @@max_connections AS max_connections',
          },
        ],
        dynamic: false,
      },
    },
  },
  {
    id: 'mysql.binlog-enabled',
    catalogRef: 'MY-D11',
    engine: 'mysql',
    flavors: ['mysql', 'mariadb'],
    category: 'backup',
    tier: 'daily',
    window: 'state',
    scope: 'instance',
    title: {
      en: 'Binary logging is off',
      zh: '未开启 binlog',
    },
    description: {
      en: 'Without the binary log (log_bin = OFF) there is no point-in-time recovery after the last full backup, and no replica can be attached. Critical on a primary; on a replica it means the replica cannot take over as a primary with a recovery chain.',
      zh: '未开启 binlog（log_bin = OFF）时，最近一次全量备份之后的数据无法按时间点恢复，也无法挂载从库。主库上为严重；从库上意味着该从库切换为主库后没有可用的恢复链。',
    },
    remediation: {
      en: 'Enable log_bin (with server_id, binlog_format = ROW and a binlog retention) in my.cnf and restart during a maintenance window; then take a new full backup so that the binlog chain starts from it.',
      zh: '在 my.cnf 中开启 log_bin（同时设置 server_id、binlog_format = ROW 和 binlog 保留期），在维护窗口重启实例；随后做一次全量备份，使 binlog 链从该备份开始衔接。',
    },
    thresholds: {
      defaults: {},
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {},
      },
    },
    queries: {
      settings: {
        sql: [
          {
            since: 0,
            sql: 'SELECT @@log_bin AS log_bin',
          },
        ],
        dynamic: false,
      },
    },
  },
  {
    id: 'mysql.backup-age',
    catalogRef: 'MY-D12',
    engine: 'mysql',
    flavors: ['mysql', 'mariadb'],
    category: 'backup',
    tier: 'daily',
    window: 'state',
    scope: 'instance',
    title: {
      en: 'Last successful backup too old',
      zh: '最近一次成功备份过旧',
    },
    description: {
      en: "Runs the instance's own backup evidence query (backupEvidenceSql, returning last_backup_end: a DATETIME or a Unix time), e.g. SELECT MAX(end_time) AS last_backup_end FROM PERCONA_SCHEMA.xtrabackup_history WHERE partial = 'N', and compares the newest successful backup with now. No backup recorded is critical.",
      zh: "执行该实例配置的备份证据查询（backupEvidenceSql，返回 last_backup_end：DATETIME 或 Unix 时间戳），例如 SELECT MAX(end_time) AS last_backup_end FROM PERCONA_SCHEMA.xtrabackup_history WHERE partial = 'N'，将最近一次成功备份的结束时间与当前时间比较。没有任何备份记录时为严重。",
    },
    remediation: {
      en: 'Check the backup job of this instance (scheduler, logs, disk space at the destination) and run a full backup now; if a weekly-full plus daily-incremental scheme is intended, raise the thresholds for this business or instance instead.',
      zh: '检查该实例的备份任务（调度、日志、备份目标磁盘空间），立即补做一次全量备份；如果采用每周全备加每日增量的策略，请在业务或实例级别调大阈值。',
    },
    thresholds: {
      defaults: {
        warnHours: 26,
        critHours: 50,
      },
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          warnHours: {
            type: 'number',
            minimum: 0,
          },
          critHours: {
            type: 'number',
            minimum: 0,
          },
        },
        required: ['warnHours', 'critHours'],
      },
    },
    queries: {
      evidence: {
        sql: [
          {
            since: 0,
            sql: '',
          },
        ],
        dynamic: true,
      },
    },
  },
  {
    id: 'mysql.redundant-indexes',
    catalogRef: 'MY-W02',
    engine: 'mysql',
    flavors: ['mysql', 'mariadb'],
    category: 'objects',
    tier: 'weekly',
    window: 'state',
    scope: 'instance',
    title: {
      en: 'Duplicate and redundant indexes',
      zh: '重复索引与冗余索引',
    },
    description: {
      en: 'Indexes that duplicate another index of the same table, or non-unique B-tree indexes that are a left prefix of a longer one (idx(a) next to idx(a, b)). They slow every write and take buffer pool space without serving a query the other index cannot. Computed from information_schema.STATISTICS on every version (sys.schema_redundant_indexes exists only on MySQL and MariaDB ≥ 10.6).',
      zh: '与同表另一索引完全重复的索引，或是另一个更长 B-tree 索引最左前缀的非唯一索引（如 idx(a) 与 idx(a, b) 并存）。它们拖慢每一次写入、占用缓冲池，却不能服务另一个索引服务不了的查询。基于 information_schema.STATISTICS 计算，适用于所有版本（sys.schema_redundant_indexes 仅 MySQL 与 MariaDB 10.6 及以上才有）。',
    },
    remediation: {
      en: 'Check that no query names the index in an index hint, then drop it (ALTER TABLE … DROP INDEX …; online on large tables). Where the index supports a foreign key, the covering index must keep the foreign key columns as its leading columns.',
      zh: '确认没有 SQL 在索引提示中引用该索引后再删除（ALTER TABLE … DROP INDEX …；大表在线执行）。若该索引支撑外键，保留的覆盖索引必须以外键列作为最左列。',
    },
    thresholds: {
      defaults: {},
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {},
      },
    },
    queries: {
      indexes: {
        sql: [
          {
            since: 0,
            sql: "SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, INDEX_NAME AS index_name,\n  MIN(NON_UNIQUE) AS non_unique, MAX(INDEX_TYPE) AS index_type, COUNT(*) AS column_count,\n  GROUP_CONCAT(CONCAT(CHAR_LENGTH(COLUMN_NAME), ':', COLUMN_NAME, ':', IFNULL(SUB_PART, ''), ':', IFNULL(COLLATION, '')) ORDER BY SEQ_IN_INDEX SEPARATOR ',') AS key_parts\nFROM information_schema.STATISTICS\nWHERE TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')\nGROUP BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME\nORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME\nLIMIT 5000",
          },
          {
            since: 80003,
            flavors: ['mysql'],
            sql: "SELECT /*+ SET_VAR(group_concat_max_len = 1048576) */ TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, INDEX_NAME AS index_name,\n  MIN(NON_UNIQUE) AS non_unique, MAX(INDEX_TYPE) AS index_type, COUNT(*) AS column_count,\n  GROUP_CONCAT(CONCAT(CHAR_LENGTH(COLUMN_NAME), ':', COLUMN_NAME, ':', IFNULL(SUB_PART, ''), ':', IFNULL(COLLATION, '')) ORDER BY SEQ_IN_INDEX SEPARATOR ',') AS key_parts\nFROM information_schema.STATISTICS\nWHERE TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')\nGROUP BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME\nORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME\nLIMIT 5000",
          },
          {
            since: 80013,
            flavors: ['mysql'],
            sql: "SELECT /*+ SET_VAR(group_concat_max_len = 1048576) */ TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, INDEX_NAME AS index_name,\n  MIN(NON_UNIQUE) AS non_unique, MAX(INDEX_TYPE) AS index_type, COUNT(*) AS column_count,\n  GROUP_CONCAT(CONCAT(CHAR_LENGTH(COALESCE(COLUMN_NAME, CONCAT('(', EXPRESSION, ')'))), ':', COALESCE(COLUMN_NAME, CONCAT('(', EXPRESSION, ')')), ':', IFNULL(SUB_PART, ''), ':', IFNULL(COLLATION, '')) ORDER BY SEQ_IN_INDEX SEPARATOR ',') AS key_parts\nFROM information_schema.STATISTICS\nWHERE TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')\nGROUP BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME\nORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME\nLIMIT 5000",
          },
        ],
        dynamic: false,
      },
      foreignKeys: {
        sql: [
          {
            since: 0,
            sql: "SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name,\n  REFERENCED_TABLE_SCHEMA AS referenced_schema, REFERENCED_TABLE_NAME AS referenced_table, COUNT(*) AS column_count,\n  GROUP_CONCAT(CONCAT(CHAR_LENGTH(COLUMN_NAME), ':', COLUMN_NAME, '::') ORDER BY ORDINAL_POSITION SEPARATOR ',') AS fk_columns,\n  GROUP_CONCAT(CONCAT(CHAR_LENGTH(REFERENCED_COLUMN_NAME), ':', REFERENCED_COLUMN_NAME, '::') ORDER BY ORDINAL_POSITION SEPARATOR ',') AS referenced_columns\nFROM information_schema.KEY_COLUMN_USAGE\nWHERE REFERENCED_TABLE_NAME IS NOT NULL\n  AND (TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') OR REFERENCED_TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys'))\nGROUP BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME\nORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME\nLIMIT 5000",
          },
          {
            since: 80003,
            flavors: ['mysql'],
            sql: "SELECT /*+ SET_VAR(group_concat_max_len = 1048576) */ TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name,\n  REFERENCED_TABLE_SCHEMA AS referenced_schema, REFERENCED_TABLE_NAME AS referenced_table, COUNT(*) AS column_count,\n  GROUP_CONCAT(CONCAT(CHAR_LENGTH(COLUMN_NAME), ':', COLUMN_NAME, '::') ORDER BY ORDINAL_POSITION SEPARATOR ',') AS fk_columns,\n  GROUP_CONCAT(CONCAT(CHAR_LENGTH(REFERENCED_COLUMN_NAME), ':', REFERENCED_COLUMN_NAME, '::') ORDER BY ORDINAL_POSITION SEPARATOR ',') AS referenced_columns\nFROM information_schema.KEY_COLUMN_USAGE\nWHERE REFERENCED_TABLE_NAME IS NOT NULL\n  AND (TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') OR REFERENCED_TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys'))\nGROUP BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME\nORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME\nLIMIT 5000",
          },
        ],
        dynamic: false,
      },
    },
  },
  {
    id: 'mysql.accounts-without-password',
    catalogRef: 'MY-W11',
    engine: 'mysql',
    flavors: ['mysql', 'mariadb'],
    category: 'security',
    tier: 'weekly',
    window: 'state',
    scope: 'instance',
    title: {
      en: 'Accounts without a password; anonymous accounts',
      zh: '无密码账号；匿名账号',
    },
    description: {
      en: "Unlocked accounts that a password-based plugin lets in with an empty password, and anonymous accounts (user ''), which accept any user name. On MariaDB ≥ 10.4 every alternative of IDENTIFIED VIA … OR … is read from mysql.global_priv: one empty-password alternative is enough to log in, while root@localhost as installed (unix_socket OR mysql_native_password USING 'invalid') has none and is not reported. Socket, PAM, GSSAPI and LDAP authentication are not password-based and are not reported.",
      zh: "列出未锁定、且基于密码的认证插件允许以空密码登录的账号，以及匿名账号（用户名为空，接受任意用户名）。MariaDB 10.4 及以上从 mysql.global_priv 读取 IDENTIFIED VIA … OR … 的每一种认证方式：只要有一种方式的密码为空即可登录；按安装默认配置的 root@localhost（unix_socket OR mysql_native_password USING 'invalid'）没有空密码方式，不会被报告。套接字、PAM、GSSAPI、LDAP 认证不基于密码，不会被报告。",
    },
    remediation: {
      en: "Drop anonymous accounts (DROP USER ''@'host'), and set a strong password (ALTER USER … IDENTIFIED BY …) or socket authentication (IDENTIFIED VIA unix_socket / WITH auth_socket) on every other reported account; lock accounts nobody logs in with (ALTER USER … ACCOUNT LOCK).",
      zh: "删除匿名账号（DROP USER ''@'host'）；为其余被报告的账号设置强密码（ALTER USER … IDENTIFIED BY …）或改用套接字认证（IDENTIFIED VIA unix_socket / WITH auth_socket）；无人使用的账号应锁定（ALTER USER … ACCOUNT LOCK）。",
    },
    thresholds: {
      defaults: {},
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {},
      },
    },
    queries: {
      accounts: {
        sql: [
          {
            since: 50706,
            flavors: ['mysql'],
            sql: "SELECT User AS user, Host AS host, IFNULL(plugin, '') AS plugin,\n  IF(IFNULL(authentication_string, '') = '', 1, 0) AS auth_empty, NULL AS auth_or\nFROM mysql.user\nWHERE account_locked <> 'Y' AND (User = '' OR IFNULL(authentication_string, '') = '')\nORDER BY User, Host LIMIT 500",
          },
          {
            since: 100000,
            flavors: ['mariadb'],
            sql: "SELECT User AS user, Host AS host, IFNULL(plugin, '') AS plugin,\n  IF(IF(IFNULL(plugin, '') IN ('', 'mysql_native_password', 'mysql_old_password'), IFNULL(NULLIF(authentication_string, ''), IFNULL(Password, '')), IFNULL(authentication_string, '')) = '', 1, 0) AS auth_empty, NULL AS auth_or\nFROM mysql.user\nWHERE is_role <> 'Y' AND (User = '' OR IF(IFNULL(plugin, '') IN ('', 'mysql_native_password', 'mysql_old_password'), IFNULL(NULLIF(authentication_string, ''), IFNULL(Password, '')), IFNULL(authentication_string, '')) = '')\nORDER BY User, Host LIMIT 500",
          },
          {
            since: 100400,
            flavors: ['mariadb'],
            sql: "SELECT User AS user, Host AS host, IFNULL(JSON_VALUE(Priv, '$.plugin'), '') AS plugin,\n  IF(IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') = '', 1, 0) AS auth_empty,\n  REGEXP_REPLACE(JSON_EXTRACT(Priv, '$.auth_or'), '\"authentication_string\": *\"[^\"]+\"', '\"authentication_string\": \"*\"') AS auth_or\nFROM mysql.global_priv\nWHERE NOT (IFNULL(JSON_VALUE(Priv, '$.is_role'), '0') IN ('1', 'true')) AND NOT (IFNULL(JSON_VALUE(Priv, '$.account_locked'), '0') IN ('1', 'true'))\n  AND (User = '' OR IFNULL(JSON_VALUE(Priv, '$.authentication_string'), '') = '' OR JSON_EXTRACT(Priv, '$.auth_or') IS NOT NULL)\nORDER BY User, Host LIMIT 500",
          },
        ],
        dynamic: false,
      },
    },
  },
  {
    id: 'postgres.xid-wraparound',
    catalogRef: 'PG-D11',
    engine: 'postgres',
    flavors: ['postgres'],
    category: 'transactions',
    tier: 'daily',
    window: 'state',
    scope: 'instance',
    title: {
      en: 'Transaction ID and MultiXact wraparound',
      zh: '事务 ID 与 MultiXact 回卷风险',
    },
    description: {
      en: 'Age of the oldest unfrozen transaction ID (age(datfrozenxid)) and MultiXact ID (mxid_age(datminmxid)) of every database. Near 2^31 the server stops assigning new IDs and the database goes read-only until a VACUUM freezes it; well before that, an age far above autovacuum_freeze_max_age means anti-wraparound vacuums are not keeping up.',
      zh: '每个数据库最旧未冻结事务 ID 的年龄（age(datfrozenxid)）和 MultiXact ID 的年龄（mxid_age(datminmxid)）。接近 2^31 时服务器将停止分配新的 ID，数据库变为只读，直到 VACUUM 完成冻结；远在此之前，年龄大幅超过 autovacuum_freeze_max_age 就说明防回卷的 autovacuum 跟不上。',
    },
    remediation: {
      en: 'Find the oldest tables (age(relfrozenxid) in pg_class) and what holds the horizon back: long transactions, idle-in-transaction sessions, prepared transactions, stale replication slots, hot_standby_feedback. Remove the blocker, then run VACUUM (FREEZE, VERBOSE) on those tables; give autovacuum more workers and cost budget so it keeps up.',
      zh: '找出年龄最大的表（pg_class 中的 age(relfrozenxid)）以及阻碍清理的原因：长事务、事务中空闲的会话、预备事务、陈旧的复制槽、hot_standby_feedback。消除阻碍后对这些表执行 VACUUM (FREEZE, VERBOSE)；增加 autovacuum 工作进程数和代价限额，使其跟得上。',
    },
    thresholds: {
      defaults: {
        warnXidAgeCount: 500000000,
        critXidAgeCount: 1400000000,
        warnMultixactAgeCount: 500000000,
        critMultixactAgeCount: 1400000000,
      },
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          warnXidAgeCount: {
            type: 'integer',
            minimum: 0,
            maximum: 9007199254740991,
          },
          critXidAgeCount: {
            type: 'integer',
            minimum: 0,
            maximum: 9007199254740991,
          },
          warnMultixactAgeCount: {
            type: 'integer',
            minimum: 0,
            maximum: 9007199254740991,
          },
          critMultixactAgeCount: {
            type: 'integer',
            minimum: 0,
            maximum: 9007199254740991,
          },
        },
        required: ['warnXidAgeCount', 'critXidAgeCount', 'warnMultixactAgeCount', 'critMultixactAgeCount'],
      },
    },
    queries: {
      main: {
        sql: [
          {
            since: 0,
            sql: "SELECT datname, age(datfrozenxid) AS xid_age, mxid_age(datminmxid) AS mxid_age,\n  current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age,\n  current_setting('autovacuum_multixact_freeze_max_age')::bigint AS multixact_freeze_max_age\nFROM pg_database ORDER BY greatest(age(datfrozenxid), mxid_age(datminmxid)) DESC, datname LIMIT 500",
          },
        ],
        dynamic: false,
      },
    },
  },
];

/** GET /checks answers no SQL. */
export const catalog: Check[] = checkDetails.map(({ queries: _queries, ...check }) => check);

export const saturationThresholds: ThresholdsView = {
  defaults: { warnPercent: 80, critPercent: 90 },
  overrides: [
    {
      checkId: 'mysql.connection-saturation',
      scope: 'global',
      scopeId: '',
      values: { warnPercent: 75 },
      updatedAt: '2026-12-01T09:30:00.000Z',
      updatedBy: 'ops-token (alice)',
    },
    {
      checkId: 'mysql.connection-saturation',
      scope: 'business',
      scopeId: 'b-pay',
      values: { critPercent: 95 },
      updatedAt: '2026-12-02T10:00:00.000Z',
      updatedBy: 'ops-token (bob)',
    },
  ],
  effective: { warnPercent: 75, critPercent: 90 },
};
