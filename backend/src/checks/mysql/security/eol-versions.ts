/**
 * MySQL and MariaDB release series with their end of support, as data for MY-W19.
 *
 * Sources, as known on 2026-11-24 (the `asOf` date below):
 * - MySQL: Oracle Lifetime Support Policy for Oracle MySQL (end of Extended Support is taken as end of life; the LTS
 *   releases 8.4 and 9.7 get Extended Support for eight years) and the MySQL release model (dev.mysql.com "MySQL
 *   Releases: Innovation and LTS"): an Innovation release (8.1-8.3, 9.0-9.6) is supported only until the next one.
 *   Dates and newest patches as endoflife.date lists them (its data of May 2026).
 * - MariaDB: mariadb.org/about/#maintenance-policy, the MariaDB Server release pages and endoflife.date: long-term
 *   series 10.x get five years from GA, 11.4 five, 11.8 and 12.3 three; the rolling series since 11.5 are supported
 *   until the next one. 10.11.19 is the Debian 12 package of this machine.
 * `estimated: true` marks a date derived from that policy rather than read from a vendor page. `latestPatch` is the
 * newest patch release known on `asOf`, so a server below it is certainly missing fixes (newer ones may exist since).
 * Update the table when vendors publish new series; the check compares the inspection time with these dates, so an
 * entry turns end-of-life on its own, and a series missing from the table is skipped with that reason.
 */
export interface ReleaseSeries {
  flavor: 'mysql' | 'mariadb';
  /** `8.0`, `10.11`. */
  series: string;
  /** First GA release (YYYY-MM-DD). */
  ga: string;
  /** Last day of vendor support (YYYY-MM-DD). */
  endOfLife: string;
  /** Newest patch number known on `asOf` (`8.0.42` → 42). */
  latestPatch: number;
  lts?: true;
  estimated?: true;
}

export const MYSQL_EOL_DATA_AS_OF = '2026-11-24';

export const MYSQL_RELEASE_SERIES: readonly ReleaseSeries[] = [
  { flavor: 'mysql', series: '5.5', ga: '2010-12-03', endOfLife: '2018-12-31', latestPatch: 62 },
  { flavor: 'mysql', series: '5.6', ga: '2013-02-05', endOfLife: '2021-02-28', latestPatch: 51 },
  { flavor: 'mysql', series: '5.7', ga: '2015-10-21', endOfLife: '2023-10-31', latestPatch: 44 },
  { flavor: 'mysql', series: '8.0', ga: '2018-04-19', endOfLife: '2026-04-30', latestPatch: 42 },
  { flavor: 'mysql', series: '8.1', ga: '2023-07-18', endOfLife: '2023-10-25', latestPatch: 0 },
  { flavor: 'mysql', series: '8.2', ga: '2023-10-25', endOfLife: '2023-12-14', latestPatch: 0 },
  { flavor: 'mysql', series: '8.3', ga: '2023-12-14', endOfLife: '2024-04-10', latestPatch: 0 },
  { flavor: 'mysql', series: '8.4', ga: '2024-04-30', endOfLife: '2032-04-30', latestPatch: 8, lts: true },
  { flavor: 'mysql', series: '9.0', ga: '2024-07-01', endOfLife: '2024-10-15', latestPatch: 1 },
  { flavor: 'mysql', series: '9.1', ga: '2024-10-15', endOfLife: '2025-01-21', latestPatch: 2 },
  { flavor: 'mysql', series: '9.2', ga: '2025-01-21', endOfLife: '2025-04-15', latestPatch: 2 },
  { flavor: 'mysql', series: '9.3', ga: '2025-04-15', endOfLife: '2025-07-22', latestPatch: 2 },
  { flavor: 'mysql', series: '9.4', ga: '2025-07-22', endOfLife: '2025-10-21', latestPatch: 2 },
  { flavor: 'mysql', series: '9.5', ga: '2025-10-21', endOfLife: '2026-01-20', latestPatch: 2 },
  { flavor: 'mysql', series: '9.6', ga: '2026-01-20', endOfLife: '2026-04-21', latestPatch: 1 },
  { flavor: 'mysql', series: '9.7', ga: '2026-04-21', endOfLife: '2034-04-21', latestPatch: 0, lts: true },

  { flavor: 'mariadb', series: '5.5', ga: '2012-04-11', endOfLife: '2020-04-11', latestPatch: 68 },
  { flavor: 'mariadb', series: '10.0', ga: '2014-03-31', endOfLife: '2019-03-31', latestPatch: 38 },
  { flavor: 'mariadb', series: '10.1', ga: '2015-10-17', endOfLife: '2020-10-17', latestPatch: 48 },
  { flavor: 'mariadb', series: '10.2', ga: '2017-05-23', endOfLife: '2022-05-23', latestPatch: 44 },
  { flavor: 'mariadb', series: '10.3', ga: '2018-05-25', endOfLife: '2023-05-25', latestPatch: 39 },
  { flavor: 'mariadb', series: '10.4', ga: '2019-06-18', endOfLife: '2024-06-18', latestPatch: 34 },
  { flavor: 'mariadb', series: '10.5', ga: '2020-06-24', endOfLife: '2025-06-24', latestPatch: 29 },
  { flavor: 'mariadb', series: '10.6', ga: '2021-07-06', endOfLife: '2026-07-06', latestPatch: 22, lts: true },
  { flavor: 'mariadb', series: '10.7', ga: '2022-02-09', endOfLife: '2023-02-09', latestPatch: 8 },
  { flavor: 'mariadb', series: '10.8', ga: '2022-05-20', endOfLife: '2023-05-20', latestPatch: 8 },
  { flavor: 'mariadb', series: '10.9', ga: '2022-08-22', endOfLife: '2023-08-22', latestPatch: 8 },
  { flavor: 'mariadb', series: '10.10', ga: '2022-11-17', endOfLife: '2023-11-17', latestPatch: 7 },
  { flavor: 'mariadb', series: '10.11', ga: '2023-02-16', endOfLife: '2028-02-16', latestPatch: 19, lts: true },
  { flavor: 'mariadb', series: '11.0', ga: '2023-06-06', endOfLife: '2024-06-06', latestPatch: 6 },
  { flavor: 'mariadb', series: '11.1', ga: '2023-08-21', endOfLife: '2024-08-21', latestPatch: 6 },
  { flavor: 'mariadb', series: '11.2', ga: '2023-11-21', endOfLife: '2024-11-21', latestPatch: 6 },
  { flavor: 'mariadb', series: '11.3', ga: '2024-02-16', endOfLife: '2024-05-29', latestPatch: 2 },
  { flavor: 'mariadb', series: '11.4', ga: '2024-05-29', endOfLife: '2029-05-29', latestPatch: 7, lts: true },
  { flavor: 'mariadb', series: '11.5', ga: '2024-08-14', endOfLife: '2024-11-21', latestPatch: 2 },
  { flavor: 'mariadb', series: '11.6', ga: '2024-11-13', endOfLife: '2025-02-13', latestPatch: 2 },
  { flavor: 'mariadb', series: '11.7', ga: '2025-02-12', endOfLife: '2025-05-12', latestPatch: 2 },
  { flavor: 'mariadb', series: '11.8', ga: '2025-06-04', endOfLife: '2028-06-04', latestPatch: 6, lts: true },
  { flavor: 'mariadb', series: '12.0', ga: '2025-08-07', endOfLife: '2025-11-18', latestPatch: 2 },
  { flavor: 'mariadb', series: '12.1', ga: '2025-11-18', endOfLife: '2026-02-13', latestPatch: 2 },
  { flavor: 'mariadb', series: '12.2', ga: '2026-02-13', endOfLife: '2026-05-13', latestPatch: 2 },
  {
    flavor: 'mariadb',
    series: '12.3',
    ga: '2026-05-13',
    endOfLife: '2029-06-30',
    latestPatch: 3,
    lts: true,
    estimated: true,
  },
];

/** MySQL/MariaDB version number → series and patch: 101119 → `10.11` / 19, 80042 → `8.0` / 42. */
export function splitMysqlVersion(versionNum: number): { series: string; patch: number } {
  return { series: `${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}`, patch: versionNum % 100 };
}
