import { describe, expect, it } from 'vitest';
import type { InspectionReport } from '../reports/report.types.js';
import { formatReportText, progressLine } from './report-text.js';

const report: InspectionReport = {
  instance: { name: 'pay-pg', engine: 'postgres' },
  server: { engine: 'postgres', flavor: 'postgres', version: '15.20', role: 'primary', uptimeSeconds: 100 },
  reachable: true,
  tier: 'weekly',
  window: { from: '2026-11-17T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' },
  startedAt: '2026-11-24T00:00:00.000Z',
  finishedAt: '2026-11-24T00:00:01.000Z',
  durationMs: 1234,
  score: 70,
  counts: { pass: 3, fail: 2, error: 1, skipped: 1, critical: 1, warning: 2, info: 0 },
  checks: [
    {
      checkId: 'postgres.a',
      catalogRef: 'PG-D11',
      category: 'transactions',
      tier: 'daily',
      status: 'fail',
      severity: 'critical',
      durationMs: 1,
      findingCount: 1,
    },
    {
      checkId: 'postgres.b',
      catalogRef: 'PG-W01',
      category: 'objects',
      tier: 'weekly',
      status: 'fail',
      severity: 'warning',
      durationMs: 1,
      findingCount: 2,
    },
    {
      checkId: 'postgres.c',
      catalogRef: 'PG-W15',
      category: 'security',
      tier: 'weekly',
      status: 'error',
      reason: 'permission denied: needs pg_read_all_settings',
      durationMs: 1,
      findingCount: 0,
    },
    {
      checkId: 'postgres.d',
      catalogRef: 'PG-D12',
      category: 'host',
      tier: 'daily',
      status: 'skipped',
      reason: 'no host metrics source',
      durationMs: 0,
      findingCount: 0,
    },
  ],
  findings: [
    {
      checkId: 'postgres.b',
      catalogRef: 'PG-W01',
      category: 'objects',
      tier: 'weekly',
      severity: 'warning',
      object: '"public"."t 1"',
      message: 'no primary key',
      remediation: 'add one',
      database: 'app',
    },
    {
      checkId: 'postgres.a',
      catalogRef: 'PG-D11',
      category: 'transactions',
      tier: 'daily',
      severity: 'critical',
      object: 'app',
      message: 'xid age 1.5 B',
      remediation: 'vacuum freeze',
    },
    {
      checkId: 'postgres.b',
      catalogRef: 'PG-W01',
      category: 'objects',
      tier: 'weekly',
      severity: 'warning',
      object: '"public"."t2"',
      message: 'no primary key',
      remediation: 'add one',
      database: 'app',
    },
  ],
  catalogVersion: '0.1.0+abc',
  thresholds: {},
  language: 'en',
  fingerprints: {},
  contentHash: 'x',
};

describe('formatReportText', () => {
  it('groups findings by severity, worst first, and lists what did not run', () => {
    const text = formatReportText(report, { color: false });
    expect(text).toContain('DB Patrol weekly inspection of pay-pg (postgres 15.20, primary)');
    expect(text).toContain(
      'score 70/100 · 3 passed, 2 failed, 1 errors, 1 skipped · 1 critical, 2 warning, 0 info findings',
    );
    expect(text.indexOf('CRITICAL (1)')).toBeLessThan(text.indexOf('WARNING (2)'));
    expect(text).toContain('PG-W01 "public"."t 1" [db app]: no primary key\n    → add one');
    expect(text).toContain('COULD NOT RUN (1)\n  PG-W15 postgres.c: permission denied: needs pg_read_all_settings');
    expect(text).toContain('NOT INSPECTED (1)\n  PG-D12 postgres.d: no host metrics source');
    expect(text).not.toContain('\x1b[');
  });

  it('colours only when asked and caps long lists', () => {
    expect(formatReportText(report, { color: true })).toContain('\x1b[31m');
    expect(formatReportText(report, { color: false, maxPerSeverity: 1 })).toContain(
      '… and 1 more (use --format json for all)',
    );
  });
});

describe('progressLine', () => {
  it.each([
    [0, 10, '[........] 0/10 x'],
    [5, 10, '[####....] 5/10 x'],
    [10, 10, '[########] 10/10 x'],
    [0, 0, '[########] 0/0 x'],
  ])('%d/%d', (done, total, expected) => expect(progressLine(done, total, 'x', 8)).toBe(expected));
});
