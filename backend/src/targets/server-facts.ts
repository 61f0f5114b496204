import type { Flavor } from './target-spec.js';

/** A server version reduced to what checks compare against. */
export interface ParsedVersion {
  flavor: Flavor;
  /** `10.11.19` */
  version: string;
  /** `101119` for MySQL/MariaDB, `server_version_num` for PostgreSQL. */
  versionNum: number;
}

/**
 * Reads `SELECT VERSION()` (or a handshake's server version) of a MySQL-protocol server.
 * MariaDB before 11 prefixes its handshake version with `5.5.5-` to keep old MySQL clients working.
 */
export function parseMysqlVersion(raw: string): ParsedVersion {
  const text = raw.trim();
  const isMariadb = /mariadb/i.test(text);
  const unprefixed = isMariadb ? text.replace(/^5\.5\.5-(?=\d)/, '') : text;
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(unprefixed);
  if (!match) throw new Error(`unrecognised server version '${raw}'`);
  const [major, minor, patch] = [match[1], match[2], match[3] ?? '0'].map(Number) as [number, number, number];
  return {
    flavor: isMariadb ? 'mariadb' : 'mysql',
    version: `${major}.${minor}.${patch}`,
    versionNum: major * 10000 + minor * 100 + patch,
  };
}

/** Reads PostgreSQL's `server_version` (`15.20 (Debian 15.20-0+deb12u1)`, `17beta1`) and `server_version_num`. */
export function parsePostgresVersion(serverVersion: string, serverVersionNum: string | number): ParsedVersion {
  const match = /^\d+(?:\.\d+)*/.exec(serverVersion.trim());
  const versionNum = Number(serverVersionNum);
  if (!match || !Number.isInteger(versionNum) || versionNum <= 0) {
    throw new Error(`unrecognised server version '${serverVersion}' (${serverVersionNum})`);
  }
  return { flavor: 'postgres', version: match[0], versionNum };
}

/** The statement that lists replication channels; any row means the server is a replica. */
export function replicaStatusStatement(flavor: Flavor, versionNum: number): string {
  if (flavor === 'mariadb') return versionNum >= 100000 ? 'SHOW ALL SLAVES STATUS' : 'SHOW SLAVE STATUS';
  return versionNum >= 80022 ? 'SHOW REPLICA STATUS' : 'SHOW SLAVE STATUS';
}

/** `@@read_only` is 0/1 on most servers but an enum (`OFF`, `ON`, `NO_LOCK`…) on MariaDB 11.7+. */
export function isReadOnlyValue(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  const text = String(value).trim().toUpperCase();
  return text !== '' && text !== '0' && text !== 'OFF';
}
