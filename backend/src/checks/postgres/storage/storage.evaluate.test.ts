import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyCheck, Evaluation, FindingDraft, InstanceInfo, QuerySpec } from '../../check.types.js';
import { postgresChecksumFailures } from './checksum-failures.check.js';
import { NO_HOST_METRICS, postgresFilesystemFreeSpace } from './filesystem-free-space.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const server = {
  engine: 'postgres',
  flavor: 'postgres',
  version: '15.20',
  versionNum: 150020,
  versionString: '15.20',
  role: 'primary',
  uptimeSeconds: 86_400,
  readOnly: false,
} as const;

/** Parses raw driver rows through the check's row schemas, then evaluates. */
function evaluate(
  check: AnyCheck,
  raw: Record<string, unknown[]>,
  opts: { thresholds?: Record<string, unknown>; instance?: Partial<InstanceInfo> } = {},
): Evaluation {
  const rows: Record<string, unknown[]> = {};
  for (const [name, q] of Object.entries(check.queries as Record<string, QuerySpec<unknown>>)) {
    rows[name] = z.array(q.row).parse(raw[name] ?? []);
  }
  return check.evaluate(rows, {
    server,
    window,
    now,
    instance: { name: 'pg-prod-1', ...opts.instance },
    thresholds: { ...check.thresholds.defaults, ...opts.thresholds },
  });
}
const findings = (e: Evaluation): FindingDraft[] => {
  if (Array.isArray(e)) return e;
  if ('findings' in e) return e.findings;
  throw new Error(`skipped: ${e.skipped}`);
};

describe('postgres.filesystem-free-space', () => {
  it('is skipped: no host metrics source', () => {
    expect(postgresFilesystemFreeSpace.applies!({ server, instance: { name: 'pg-prod-1' } })).toBe(
      'no host metrics source',
    );
    expect(evaluate(postgresFilesystemFreeSpace, {})).toEqual({ skipped: NO_HOST_METRICS });
  });
});

describe('postgres.checksum-failures', () => {
  const failure = (over: Record<string, unknown>) => ({
    data_checksums: 'on',
    datname: 'Orders "EU"',
    checksum_failures: '2',
    checksum_last_failure: new Date('2026-11-24T03:00:00Z'),
    stats_reset: null,
    ...over,
  });
  const none = {
    data_checksums: 'on',
    datname: null,
    checksum_failures: null,
    checksum_last_failure: null,
    stats_reset: null,
  };

  it('passes with checksums on and no failure', () => {
    expect(findings(evaluate(postgresChecksumFailures, { main: [none] }))).toEqual([]);
  });

  it('is skipped when data checksums are off', () => {
    expect(evaluate(postgresChecksumFailures, { main: [{ ...none, data_checksums: 'off' }] })).toEqual({
      skipped: expect.stringContaining('data_checksums = off'),
    });
  });

  it('does not apply before PostgreSQL 12', () => {
    expect(
      postgresChecksumFailures.applies!({ server: { ...server, versionNum: 110022 }, instance: { name: 'x' } }),
    ).toMatch(/≥ 12/);
    expect(postgresChecksumFailures.applies!({ server, instance: { name: 'x' } })).toBeNull();
  });

  it('reports every failure as critical, per database and for shared catalogs', () => {
    const out = findings(
      evaluate(postgresChecksumFailures, {
        main: [
          failure({}),
          failure({
            datname: null,
            checksum_failures: '1',
            checksum_last_failure: new Date('2026-10-01T00:00:00Z'),
            stats_reset: new Date('2026-09-01T00:00:00Z'),
          }),
        ],
      }),
    );
    expect(out.map((f) => [f.severity, f.object, f.value])).toEqual([
      ['critical', '"Orders ""EU"""', 2],
      ['critical', 'pg-prod-1', 1],
    ]);
    expect(out[0]!.message).toBe(
      '2 data page checksum failures in database "Orders ""EU""", last at 2026-11-24T03:00:00.000Z (within the window); counted since the statistics were initialised (stats_reset is null)',
    );
    expect(out[1]!.message).toBe(
      '1 data page checksum failure in shared system catalogs, last at 2026-10-01T00:00:00.000Z (before the window); counted since 2026-09-01T00:00:00.000Z',
    );
  });
});
