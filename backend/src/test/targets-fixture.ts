import type { AnyCheck, InspectionWindow, Tier } from '../checks/check.types.js';
import { CATALOG_VERSION } from '../checks/registry.js';
import { inspectTarget, type InspectOptions } from '../inspections/inspect-target.js';
import { localizeReport, type LocalizedReport } from '../reports/localize.js';
import type { InspectionReport } from '../reports/report.types.js';
import { openTarget } from '../targets/open-target.js';
import type { Target, TargetSpec } from '../targets/target-spec.js';
import { MARIADB_ROOT } from './mysql-fixtures.js';

/** The local MariaDB as root (tests plant problems with it and inspect with it unless a test needs less). */
export function mariadbRootTarget(extra: Partial<TargetSpec> = {}): Target {
  return openTarget({
    engine: 'mariadb',
    host: MARIADB_ROOT.host,
    port: MARIADB_ROOT.port,
    user: 'root',
    password: MARIADB_ROOT.password,
    ...extra,
  });
}

/** The local PostgreSQL cluster as the postgres superuser. */
export function postgresSuperTarget(extra: Partial<TargetSpec> = {}): Target {
  const u = new URL(process.env.DBPATROL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  return openTarget({
    engine: 'postgres',
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    database: decodeURIComponent(u.pathname.slice(1) || 'postgres'),
    ...extra,
  });
}

export const lastDays = (days: number, now = new Date()): InspectionWindow => ({
  from: new Date(now.getTime() - days * 86_400_000),
  to: now,
});

type RunOptions = Partial<Omit<InspectOptions, 'checks'>> & { tier?: Tier };

/** Runs the given checks on a target the way an inspection does and returns the report as stored (bilingual). */
export async function inspectChecks(
  target: Target,
  checks: readonly AnyCheck[],
  options: RunOptions = {},
): Promise<InspectionReport> {
  const now = options.now ?? new Date();
  return inspectTarget(target, {
    tier: options.tier ?? 'annual',
    window: options.window ?? lastDays(7, now),
    now,
    instance: options.instance ?? { name: 'test-instance', engine: target.spec.engine },
    checks,
    catalogVersion: CATALOG_VERSION,
    concurrency: 2,
    ...options,
  });
}

/** `inspectChecks` with the report's texts in `options.language` (default English), as a reader shows them. */
export async function runChecks(
  target: Target,
  checks: readonly AnyCheck[],
  options: RunOptions = {},
): Promise<LocalizedReport> {
  return localizeReport(await inspectChecks(target, checks, options), options.language ?? 'en');
}

/** The findings of one check in a report. */
export const findingsOf = <F extends { checkId: string }>(report: { findings: F[] }, checkId: string): F[] =>
  report.findings.filter((f) => f.checkId === checkId);
export const outcomeOf = <C extends { checkId: string }>(report: { checks: C[] }, checkId: string): C | undefined =>
  report.checks.find((c) => c.checkId === checkId);
