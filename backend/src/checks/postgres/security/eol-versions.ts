/**
 * PostgreSQL major versions and their support end, from the project's versioning policy
 * (https://www.postgresql.org/support/versioning/, "Releases" table: first release and final release of each major
 * version; a major version is supported for five years, then gets one last minor release and is end-of-life).
 * Final-release dates of supported versions are the project's announced plan. Data as of 2026-11-24. `latestMinor`
 * is the newest minor release confirmed on that date (the release of 18.4 / 17.10 / 16.14 / 15.18 / 14.23 on
 * 2026-05-14; 15.20 is the Debian 12 package of this machine, 18.6 a Windows package of the November 2026 release), so
 * a server below it is certainly missing security fixes (a newer one may exist since). A major version missing from
 * the table (19, released in the autumn of 2026, until its dates are added) is skipped with that reason.
 */
export interface PostgresMajorVersion {
  /** `9.6`, `10`, … `18`. */
  major: string;
  firstRelease: string;
  /** The final minor release; the version is end-of-life from this day. */
  finalRelease: string;
  latestMinor: number;
}

export const POSTGRES_EOL_DATA_AS_OF = '2026-11-24';

export const POSTGRES_MAJOR_VERSIONS: readonly PostgresMajorVersion[] = [
  { major: '9.4', firstRelease: '2014-12-18', finalRelease: '2020-02-13', latestMinor: 26 },
  { major: '9.5', firstRelease: '2016-01-07', finalRelease: '2021-02-11', latestMinor: 25 },
  { major: '9.6', firstRelease: '2016-09-29', finalRelease: '2021-11-11', latestMinor: 24 },
  { major: '10', firstRelease: '2017-10-05', finalRelease: '2022-11-10', latestMinor: 23 },
  { major: '11', firstRelease: '2018-10-18', finalRelease: '2023-11-09', latestMinor: 22 },
  { major: '12', firstRelease: '2019-10-03', finalRelease: '2024-11-21', latestMinor: 22 },
  { major: '13', firstRelease: '2020-09-24', finalRelease: '2025-11-13', latestMinor: 23 },
  { major: '14', firstRelease: '2021-09-30', finalRelease: '2026-11-12', latestMinor: 23 },
  { major: '15', firstRelease: '2022-10-13', finalRelease: '2027-11-11', latestMinor: 20 },
  { major: '16', firstRelease: '2023-09-14', finalRelease: '2028-11-09', latestMinor: 14 },
  { major: '17', firstRelease: '2024-09-26', finalRelease: '2029-11-08', latestMinor: 10 },
  { major: '18', firstRelease: '2025-09-25', finalRelease: '2030-11-14', latestMinor: 6 },
];

/** `server_version_num` → major and minor: 150020 → 15 / 20, 90624 → 9.6 / 24. */
export function splitPostgresVersion(versionNum: number): { major: string; minor: number } {
  if (versionNum >= 100000) return { major: String(Math.floor(versionNum / 10000)), minor: versionNum % 10000 };
  return { major: `${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}`, minor: versionNum % 100 };
}
