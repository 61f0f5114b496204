import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';

/** A monitoring account created for one walk on the local MariaDB and PostgreSQL, dropped after it. */
export interface MonitoringAccount {
  user: string;
  password: string;
}

function mariadb(sql: string) {
  execFileSync('mariadb', ['--protocol=tcp', '-h', '127.0.0.1', '-P', '3306', '-uroot', '-e', sql], { stdio: 'pipe' });
}

function psql(sql: string) {
  execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    {
      stdio: 'pipe',
    }
  );
}

export function createMonitoringAccounts(): MonitoringAccount {
  const account = { user: `dbp_walk_${randomBytes(3).toString('hex')}`, password: randomBytes(12).toString('hex') };
  for (const host of ['%', 'localhost']) {
    mariadb(
      `CREATE USER '${account.user}'@'${host}' IDENTIFIED BY '${account.password}'; ` +
        `GRANT SELECT, PROCESS, REPLICATION CLIENT, SLAVE MONITOR, SHOW VIEW ON *.* TO '${account.user}'@'${host}';`
    );
  }
  psql(`CREATE ROLE ${account.user} LOGIN PASSWORD '${account.password}' IN ROLE pg_monitor`);
  return account;
}

export function dropMonitoringAccounts(account: MonitoringAccount) {
  for (const host of ['%', 'localhost']) {
    mariadb(`DROP USER IF EXISTS '${account.user}'@'${host}'`);
  }
  psql(`DROP ROLE IF EXISTS ${account.user}`);
}
