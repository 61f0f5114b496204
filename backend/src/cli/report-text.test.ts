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
      reason: { en: 'permission denied: needs pg_read_all_settings', zh: '权限不足：需要 pg_read_all_settings' },
      durationMs: 1,
      findingCount: 0,
    },
    {
      checkId: 'postgres.d',
      catalogRef: 'PG-D12',
      category: 'host',
      tier: 'daily',
      status: 'skipped',
      reason: { en: 'no host metrics source', zh: '没有主机指标来源' },
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
      message: { en: 'no primary key', zh: '没有主键' },
      remediation: { en: 'add one', zh: '添加主键' },
      database: 'app',
    },
    {
      checkId: 'postgres.a',
      catalogRef: 'PG-D11',
      category: 'transactions',
      tier: 'daily',
      severity: 'critical',
      object: 'app',
      message: { en: 'xid age 1.5 B', zh: 'xid 年龄 15 亿' },
      remediation: { en: 'vacuum freeze', zh: '执行 vacuum freeze' },
    },
    {
      checkId: 'postgres.b',
      catalogRef: 'PG-W01',
      category: 'objects',
      tier: 'weekly',
      severity: 'warning',
      object: '"public"."t2"',
      message: { en: 'no primary key', zh: '没有主键' },
      remediation: { en: 'add one', zh: '添加主键' },
      database: 'app',
    },
  ],
  catalogVersion: '0.1.0+abc',
  thresholds: {},
  language: 'en',
  fingerprints: {},
  contentHash: 'x',
};

const count = (text: string, part: string) => text.split(part).length - 1;

describe('formatReportText', () => {
  it('groups findings by check with the remediation once, worst first, then what did not run', () => {
    const text = formatReportText(report, { color: false, timeZone: 'Asia/Shanghai' });
    expect(text).toContain('DB Patrol · Database inspection report · weekly · pay-pg (postgres 15.20, primary)');
    expect(text).toContain('3 passed, 2 failed, 1 error, 1 skipped · 1 critical, 2 warning, 0 info findings');
    expect(text).toContain('Window: 17 Nov 2026, 08:00:00 GMT+08:00 → 24 Nov 2026, 08:00:00 GMT+08:00');
    expect(text.indexOf('[CRITICAL] postgres.a')).toBeLessThan(text.indexOf('[WARNING] postgres.b'));
    expect(count(text, 'add one')).toBe(1);
    expect(text).toContain('[WARNING] postgres.b PG-W01 · 2 objects\n  Remediation: add one\n');
    expect(text).toContain('  - "public"."t 1" [Database app]: no primary key');
    expect(text).toContain('  - "public"."t2" [Database app]: no primary key');
    expect(text).toContain(
      'NOT INSPECTED (2)\n  PG-W15 postgres.c [error]: permission denied: needs pg_read_all_settings\n' +
        '  PG-D12 postgres.d [skipped]: no host metrics source',
    );
    expect(text).toContain('Content hash (SHA-256): x');
    expect(text).not.toContain('\x1b[');
  });

  it('a Chinese report has no English headings, labels, messages or reasons', () => {
    const text = formatReportText({ ...report, language: 'zh' }, { color: false, timeZone: 'UTC' });
    for (const english of ['Findings', 'NOT INSPECTED', 'CRITICAL', 'WARNING', 'Remediation', 'passed', 'Window']) {
      expect(text).not.toContain(english);
    }
    for (const english of ['no primary key', 'add one', 'permission denied', 'no host metrics source']) {
      expect(text).not.toContain(english);
    }
    expect(text).toContain('数据库巡检报告 · 周检 · pay-pg');
    expect(text).toContain('[严重] postgres.a');
    expect(text).toContain('  - "public"."t 1" [数据库 app]：没有主键');
    expect(text).toContain('未巡检 (2)');
    expect(text).toContain('权限不足：需要 pg_read_all_settings');
    expect(text).toMatch(/2026年11月17日 00:00:00 GMT\+00:00/);
  });

  it('shows a legacy report (one string per text) unchanged in either language', () => {
    const legacy = {
      ...report,
      findings: report.findings.map((f) => ({ ...f, message: 'legacy message', remediation: 'legacy fix' })),
      checks: report.checks.map((c) => (c.reason ? { ...c, reason: 'legacy reason' } : c)),
    };
    const text = formatReportText(legacy, { color: false, lang: 'zh', timeZone: 'UTC' });
    expect(text).toContain('：legacy message');
    expect(text).toContain('legacy reason');
  });

  it('colours only when asked and caps long lists', () => {
    expect(formatReportText(report, { color: true })).toContain('\x1b[31m');
    expect(formatReportText(report, { color: false, maxPerCheck: 1 })).toContain('  … +1');
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
