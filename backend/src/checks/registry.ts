import { createHash } from 'node:crypto';
import { VERSION } from '../version.js';
import { TIERS, type AnyCheck } from './check.types.js';
import { MYSQL_ANNUAL_CHECKS } from './mysql/annual.list.js';
import { MYSQL_HISTORY_CHECKS } from './mysql/history.list.js';
import { MYSQL_HOST_CHECKS } from './mysql/host.list.js';
import { MYSQL_MONTHLY_CHECKS } from './mysql/monthly.list.js';
import { POSTGRES_ANNUAL_CHECKS } from './postgres/annual.list.js';
import { POSTGRES_HISTORY_CHECKS } from './postgres/history.list.js';
import { POSTGRES_HOST_CHECKS } from './postgres/host.list.js';
import { POSTGRES_MONTHLY_CHECKS } from './postgres/monthly.list.js';
import { MYSQL_DAILY_CHECKS } from './mysql/daily.list.js';
import { MYSQL_WEEKLY_OBJECT_CHECKS } from './mysql/weekly-objects.list.js';
import { MYSQL_WEEKLY_SECURITY_CHECKS } from './mysql/weekly-security.list.js';
import { MYSQL_RELEASE_SERIES } from './mysql/security/eol-versions.js';
import { POSTGRES_MAJOR_VERSIONS } from './postgres/security/eol-versions.js';
import { POSTGRES_DAILY_CHECKS } from './postgres/daily.list.js';
import { POSTGRES_WEEKLY_OBJECT_CHECKS } from './postgres/weekly-objects.list.js';
import { POSTGRES_WEEKLY_SECURITY_CHECKS } from './postgres/weekly-security.list.js';

/**
 * Monthly and annual checks come from several lists (parameters, host metrics, stored history, diagnosis); they are
 * reported by tier, then in catalog order (`MY-M01` … `MY-M12`, then `MY-A01` …). The sort is stable, so checks
 * sharing a catalog row keep their list order.
 */
const inCatalogOrder = (checks: readonly AnyCheck[]): AnyCheck[] =>
  [...checks].sort(
    (a, b) =>
      TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier) ||
      a.catalogRef.localeCompare(b.catalogRef, 'en', { numeric: true }),
  );

/** Every check DB Patrol knows, listed explicitly (no discovery), in report order. */
export const CHECKS: readonly AnyCheck[] = [
  ...MYSQL_DAILY_CHECKS,
  ...MYSQL_WEEKLY_OBJECT_CHECKS,
  ...MYSQL_WEEKLY_SECURITY_CHECKS,
  ...inCatalogOrder([...MYSQL_MONTHLY_CHECKS, ...MYSQL_HOST_CHECKS, ...MYSQL_HISTORY_CHECKS, ...MYSQL_ANNUAL_CHECKS]),
  ...POSTGRES_DAILY_CHECKS,
  ...POSTGRES_WEEKLY_OBJECT_CHECKS,
  ...POSTGRES_WEEKLY_SECURITY_CHECKS,
  ...inCatalogOrder([
    ...POSTGRES_MONTHLY_CHECKS,
    ...POSTGRES_HOST_CHECKS,
    ...POSTGRES_HISTORY_CHECKS,
    ...POSTGRES_ANNUAL_CHECKS,
  ]),
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
