import { describe, expect, it } from 'vitest';

import { missingMysqlPrivileges, missingPostgresPrivileges, parseGrantLine } from './privileges.js';

describe('parseGrantLine', () => {
  it.each([
    [
      'GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION',
      { revoke: false, privileges: ['ALL PRIVILEGES'], database: '*', table: '*' },
    ],
    [
      "GRANT PROCESS, BINLOG MONITOR ON *.* TO `mon`@`%` IDENTIFIED BY PASSWORD '*D821809F681A40A6E379B50D0463EFAE20BDD122'",
      { revoke: false, privileges: ['PROCESS', 'BINLOG MONITOR'], database: '*', table: '*' },
    ],
    [
      'GRANT SELECT ON `mysql`.* TO `mon`@`%`',
      { revoke: false, privileges: ['SELECT'], database: 'mysql', table: '*' },
    ],
    [
      'GRANT SELECT, DELETE ON `mysql`.`global_priv` TO `mariadb.sys`@`localhost`',
      { revoke: false, privileges: ['SELECT', 'DELETE'], database: 'mysql', table: 'global_priv' },
    ],
    [
      'GRANT SELECT (`User`, `Host`), INSERT ON `mysql`.`user` TO `mon`@`%`',
      { revoke: false, privileges: ['INSERT'], database: 'mysql', table: 'user' },
    ],
    [
      'GRANT SELECT ON `my ON db`.* TO `mon`@`%`',
      { revoke: false, privileges: ['SELECT'], database: 'my ON db', table: '*' },
    ],
    [
      'GRANT SELECT ON `we``ird`.* TO `mon`@`%`',
      { revoke: false, privileges: ['SELECT'], database: 'we`ird', table: '*' },
    ],
    [
      'GRANT EXECUTE ON PROCEDURE `sys`.`ps_setup_show_enabled` TO `mon`@`%`',
      { revoke: false, privileges: ['EXECUTE'], database: 'sys', table: 'ps_setup_show_enabled' },
    ],
    [
      'GRANT BACKUP_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `mon`@`%`',
      { revoke: false, privileges: ['BACKUP_ADMIN', 'SYSTEM_VARIABLES_ADMIN'], database: '*', table: '*' },
    ],
    [
      'REVOKE SELECT ON `mysql`.* FROM `mon`@`%`',
      { revoke: true, privileges: ['SELECT'], database: 'mysql', table: '*' },
    ],
    [
      'grant select on performance_schema.* to mon@localhost',
      {
        revoke: false,
        privileges: ['SELECT'],
        database: 'performance_schema',
        table: '*',
      },
    ],
  ])('%s', (line, parsed) => {
    expect(parseGrantLine(line)).toEqual(parsed);
  });

  it.each([
    'GRANT `monitoring_role` TO `mon`@`%`',
    'GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION',
    'SET DEFAULT ROLE `r` FOR `mon`@`%`',
    '',
  ])('ignores %j', (line) => {
    expect(parseGrantLine(line)).toBeUndefined();
  });
});

const everything = [
  'PROCESS',
  'REPLICATION CLIENT',
  'SLAVE MONITOR',
  'SELECT on mysql.*',
  'SELECT on performance_schema.*',
];

describe('missingMysqlPrivileges', () => {
  it.each<[string, string[], 'mysql' | 'mariadb', number, string[]]>([
    ['root', ['GRANT ALL PRIVILEGES ON *.* TO `root`@`127.0.0.1` WITH GRANT OPTION'], 'mariadb', 101119, []],
    ['ALL without PRIVILEGES', ['GRANT ALL ON *.* TO `root`@`%`'], 'mysql', 80036, []],
    ['nothing on MariaDB 10.11', ['GRANT USAGE ON *.* TO `mon`@`%`'], 'mariadb', 101119, everything],
    [
      'nothing on MySQL',
      ['GRANT USAGE ON *.* TO `mon`@`%`'],
      'mysql',
      80036,
      everything.filter((p) => p !== 'SLAVE MONITOR'),
    ],
    [
      'REPLICATION CLIENT shows as BINLOG MONITOR on MariaDB 10.5+',
      ['GRANT PROCESS, BINLOG MONITOR ON *.* TO `mon`@`%`'],
      'mariadb',
      101119,
      ['SLAVE MONITOR', 'SELECT on mysql.*', 'SELECT on performance_schema.*'],
    ],
    [
      'SLAVE MONITOR covers both replication needs',
      ['GRANT PROCESS, SLAVE MONITOR ON *.* TO `mon`@`%`', 'GRANT SELECT ON `mysql`.* TO `mon`@`%`'],
      'mariadb',
      101119,
      ['SELECT on performance_schema.*'],
    ],
    [
      'SLAVE MONITOR is not asked for before MariaDB 10.5.9',
      ['GRANT PROCESS, REPLICATION CLIENT ON *.* TO `mon`@`%`'],
      'mariadb',
      100508,
      ['SELECT on mysql.*', 'SELECT on performance_schema.*'],
    ],
    [
      'MySQL minimal monitoring account',
      [
        'GRANT PROCESS, REPLICATION CLIENT ON *.* TO `mon`@`%`',
        'GRANT SELECT ON `mysql`.* TO `mon`@`%`',
        'GRANT SELECT ON `performance_schema`.* TO `mon`@`%`',
      ],
      'mysql',
      80036,
      [],
    ],
    [
      'BINLOG MONITOR is no replication grant on MySQL',
      ['GRANT PROCESS, BINLOG MONITOR, SELECT ON *.* TO `mon`@`%`'],
      'mysql',
      80036,
      ['REPLICATION CLIENT'],
    ],
    [
      'global SELECT covers both schemas',
      ['GRANT SELECT, PROCESS, REPLICATION CLIENT, SUPER ON *.* TO `mon`@`%`'],
      'mariadb',
      101119,
      [],
    ],
    [
      'a table grant is not a schema grant',
      ['GRANT PROCESS, SLAVE MONITOR ON *.* TO `mon`@`%`', 'GRANT SELECT ON `mysql`.`user` TO `mon`@`%`'],
      'mariadb',
      101119,
      ['SELECT on mysql.*', 'SELECT on performance_schema.*'],
    ],
    [
      'database wildcards match',
      ['GRANT PROCESS, REPLICATION CLIENT ON *.* TO `mon`@`%`', 'GRANT SELECT ON `perf%`.* TO `mon`@`%`'],
      'mysql',
      80036,
      ['SELECT on mysql.*'],
    ],
    [
      'escaped underscores match only themselves',
      [
        'GRANT PROCESS, REPLICATION CLIENT ON *.* TO `mon`@`%`',
        'GRANT SELECT ON `performance\\_schema`.* TO `mon`@`%`',
        'GRANT SELECT ON `mysq\\_`.* TO `mon`@`%`',
      ],
      'mysql',
      80036,
      ['SELECT on mysql.*'],
    ],
    [
      'partial revokes win',
      ['GRANT SELECT, PROCESS, REPLICATION CLIENT ON *.* TO `mon`@`%`', 'REVOKE SELECT ON `mysql`.* FROM `mon`@`%`'],
      'mysql',
      80036,
      ['SELECT on mysql.*'],
    ],
    [
      'ALL on a schema',
      ['GRANT PROCESS, REPLICATION CLIENT ON *.* TO `mon`@`%`', 'GRANT ALL PRIVILEGES ON `mysql`.* TO `mon`@`%`'],
      'mysql',
      80036,
      ['SELECT on performance_schema.*'],
    ],
  ])('%s', (_name, lines, flavor, versionNum, missing) => {
    expect(missingMysqlPrivileges(lines, flavor, versionNum)).toEqual(missing);
  });
});

describe('missingPostgresPrivileges', () => {
  const none = { pg_monitor: false, pg_read_all_settings: false, pg_read_all_stats: false };
  const all = { pg_monitor: true, pg_read_all_settings: true, pg_read_all_stats: true };

  it.each([
    ['superuser', { superuser: true, roles: none, databasesWithoutConnect: ['x'] }, []],
    ['pg_monitor member', { superuser: false, roles: all, databasesWithoutConnect: [] }, []],
    [
      'plain login',
      { superuser: false, roles: none, databasesWithoutConnect: [] },
      ['pg_monitor', 'pg_read_all_settings', 'pg_read_all_stats'],
    ],
    [
      'only pg_read_all_stats',
      { superuser: false, roles: { ...none, pg_read_all_stats: true }, databasesWithoutConnect: [] },
      ['pg_monitor', 'pg_read_all_settings'],
    ],
    [
      'databases without CONNECT, names quoted as identifiers',
      { superuser: false, roles: all, databasesWithoutConnect: ['app', 'dbp 巡检 "q" o\'k'] },
      ['CONNECT on database "app"', 'CONNECT on database "dbp 巡检 ""q"" o\'k"'],
    ],
  ])('%s', (_name, status, missing) => {
    expect(missingPostgresPrivileges(status)).toEqual(missing);
  });
});
