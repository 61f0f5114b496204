import { createHash } from 'node:crypto';
import { VERSION } from '../version.js';
import type { AnyCheck } from './check.types.js';
import { MYSQL_DAILY_CHECKS } from './mysql/daily.list.js';
import { MYSQL_WEEKLY_OBJECT_CHECKS } from './mysql/weekly-objects.list.js';
import { MYSQL_WEEKLY_SECURITY_CHECKS } from './mysql/weekly-security.list.js';
import { MYSQL_RELEASE_SERIES } from './mysql/security/eol-versions.js';
import { POSTGRES_MAJOR_VERSIONS } from './postgres/security/eol-versions.js';
import { POSTGRES_DAILY_CHECKS } from './postgres/daily.list.js';
import { POSTGRES_WEEKLY_OBJECT_CHECKS } from './postgres/weekly-objects.list.js';
import { POSTGRES_WEEKLY_SECURITY_CHECKS } from './postgres/weekly-security.list.js';

/** Every check DB Patrol knows, listed explicitly (no discovery), in report order. */
export const CHECKS: readonly AnyCheck[] = [
  ...MYSQL_DAILY_CHECKS,
  ...MYSQL_WEEKLY_OBJECT_CHECKS,
  ...MYSQL_WEEKLY_SECURITY_CHECKS,
  ...POSTGRES_DAILY_CHECKS,
  ...POSTGRES_WEEKLY_OBJECT_CHECKS,
  ...POSTGRES_WEEKLY_SECURITY_CHECKS,
];

/**
 * Changes whenever a check's id, tier, SQL or thresholds change, or the release tables the version checks judge by, so
 * reports say which catalog produced them.
 */
export const CATALOG_VERSION = `${VERSION}+${createHash('sha256')
  .update(
    JSON.stringify([
      CHECKS.map((c) => [c.id, c.tier, c.queries, c.thresholds.defaults]),
      MYSQL_RELEASE_SERIES,
      POSTGRES_MAJOR_VERSIONS,
    ]),
  )
  .digest('hex')
  .slice(0, 8)}`;

export function findCheck(id: string): AnyCheck | undefined {
  return CHECKS.find((c) => c.id === id);
}
