/** The local MariaDB (or MySQL) server as root: tests plant problems with it and create their own databases/users. */
export const MARIADB_ROOT = {
  host: process.env.DBPATROL_TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.DBPATROL_TEST_MYSQL_PORT ?? 3306),
  user: 'root',
  password: process.env.DBPATROL_TEST_MYSQL_PASSWORD ?? '',
};
