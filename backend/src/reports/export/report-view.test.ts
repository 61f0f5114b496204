import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../checks/registry.js';
import { InputError } from '../../errors/domain-errors.js';
import { csvField } from './csv.js';
import { checkExportOptions, fileSlug } from './export-report.js';
import { inspectionDocument, viewReport, type ExportableReport, type ExportFinding } from './report-view.js';

const check = CHECKS.find((c) => c.id === 'mysql.tables-without-primary-key')!;
const other = CHECKS.find((c) => c.id !== check.id && c.engine === 'mysql')!;

const finding = (over: Partial<ExportFinding>): ExportFinding => ({
  checkId: check.id,
  catalogRef: check.catalogRef,
  category: check.category,
  tier: check.tier,
  severity: 'warning',
  object: '`db`.`t`',
  message: 'no primary key',
  remediation: check.remediation.zh,
  ...over,
});

function report(findings: ExportFinding[], over: Partial<ExportableReport> = {}): ExportableReport {
  return {
    instance: { name: 'db1', engine: 'mariadb' },
    server: null,
    reachable: true,
    tier: 'weekly',
    window: { from: '2026-12-01T00:00:00Z', to: '2026-12-08T00:00:00Z' },
    startedAt: '2026-12-08T00:00:00Z',
    finishedAt: '2026-12-08T00:00:05Z',
    durationMs: 5000,
    score: 90,
    counts: { pass: 1, fail: 1, error: 1, skipped: 1, critical: 0, warning: findings.length, info: 0 },
    checks: [
      {
        checkId: other.id,
        catalogRef: other.catalogRef,
        category: other.category,
        tier: other.tier,
        status: 'skipped',
        reason: { en: 'not a replica', zh: '不是从库' },
        durationMs: 0,
        findingCount: 0,
      },
      {
        checkId: check.id,
        catalogRef: check.catalogRef,
        category: check.category,
        tier: check.tier,
        status: 'fail',
        severity: 'warning',
        durationMs: 3,
        findingCount: findings.length,
      },
      {
        checkId: 'mysql.gone',
        catalogRef: 'MY-X',
        category: 'objects',
        tier: 'weekly',
        status: 'error',
        reason: 'timeout',
        durationMs: 3,
        findingCount: 0,
      },
    ],
    findings,
    catalogVersion: 'test+1',
    thresholds: {},
    language: 'zh',
    fingerprints: {},
    contentHash: 'ab'.repeat(32),
    ...over,
  };
}

describe('viewReport', () => {
  it('groups findings by check with the title and remediation once, waived last', () => {
    const view = viewReport({
      report: report([
        finding({ object: 'b', severity: 'warning' }),
        finding({
          object: 'a',
          severity: 'critical',
          waiver: { owner: 'ops', reason: 'legacy', expiresAt: '2027-01-01T00:00:00Z' },
        }),
        finding({ object: 'c', severity: 'info', message: { en: 'no key', zh: '无主键' } }),
      ]),
    });
    expect(view.groups).toHaveLength(1);
    const g = view.groups[0]!;
    expect(g.title).toEqual(check.title);
    expect(g.findings.map((f) => f.object)).toEqual(['b', 'c', 'a']);
    expect(g.severity).toBe('warning');
    expect(g.findings[1]!.message).toEqual({ en: 'no key', zh: '无主键' });
    expect(g.findings[0]!.message).toEqual({ en: 'no primary key', zh: 'no primary key' });
    expect(view.waivedCount).toBe(1);
  });

  it('takes the other language of a one-language remediation from the registry', () => {
    const g = viewReport({ report: report([finding({})]) }).groups[0]!;
    expect(g.remediation).toEqual({ zh: check.remediation.zh, en: check.remediation.en });
  });

  it.each([
    ['a boolean marker', { waived: true }],
    ['the status', { status: 'waived' }],
    ['a waiver record', { waiver: { owner: 'o', reason: 'r', expiresAt: '2027-01-01' } }],
  ])('recognises a waiver by %s', (_name, marker) => {
    const g = viewReport({ report: report([finding(marker)]) }).groups[0]!;
    expect(g.findings[0]!.waived).toBe(true);
  });

  it('lists errored checks before skipped ones, with reasons in both languages', () => {
    const view = viewReport({ report: report([finding({})]) });
    expect(view.notRun.map((c) => [c.checkId, c.status, c.reason.zh])).toEqual([
      ['mysql.gone', 'error', 'timeout'],
      [other.id, 'skipped', '不是从库'],
    ]);
    expect(view.notRun[0]!.title).toEqual({ en: 'mysql.gone', zh: 'mysql.gone' });
  });

  it('marks new and persisting findings from a diff and counts them', () => {
    const view = viewReport({
      report: report([finding({ object: 'x' }), finding({ object: 'y' })]),
      diff: {
        new: [{ checkId: check.id, object: 'x' }],
        persisting: [{ checkId: check.id, object: 'y', since: '2026-10-01T00:00:00Z', runs: 9 }],
        resolved: [{ checkId: check.id, object: 'z' }],
        notInspected: [],
      },
    });
    expect(view.groups[0]!.findings.map((f) => [f.object, f.change, f.runs])).toEqual([
      ['x', 'new', undefined],
      ['y', 'persisting', 9],
    ]);
    expect(view.diff).toEqual({ new: 1, persisting: 1, resolved: 1, notInspected: 0 });
  });
});

describe('inspectionDocument', () => {
  it('orders reports business → host → instance and lists instances without a report', () => {
    const r = (name: string, business?: string, host?: string) => ({
      report: report([], { id: `r-${name}`, instance: { name, engine: 'mariadb' as const } }),
      ...(business ? { business } : {}),
      ...(host ? { host } : {}),
    });
    const doc = inspectionDocument({
      inspection: {
        id: 'insp1',
        trigger: { kind: 'manual', actor: 'alice' },
        tier: 'weekly',
        window: { from: '2026-12-01T00:00:00Z', to: '2026-12-08T00:00:00Z' },
        state: 'partial',
        createdAt: '2026-12-08T00:00:00Z',
        progress: [
          { instanceId: 'i9', instanceName: 'broken', state: 'failed', checksDone: 0, checksTotal: 5, error: 'boom' },
          { instanceId: 'i1', instanceName: 'b1', state: 'done', checksDone: 5, checksTotal: 5, reportId: 'r-b1' },
        ],
      },
      reports: [r('z', 'pay', 'h2'), r('b1', 'pay', 'h1'), r('a', 'crm', 'h9'), r('solo')],
    });
    expect(doc.reports.map((x) => x.instance.name)).toEqual(['a', 'b1', 'z', 'solo']);
    expect(doc.missing).toEqual([{ instanceName: 'broken', state: 'failed', error: 'boom' }]);
  });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    ['=cmd()', "'=cmd()"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-5', '-5'],
    ['支付', '支付'],
    [42, '42'],
    ['', ''],
  ] as [string | number, string][])('%j → %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });
});

describe('checkExportOptions', () => {
  it('accepts a format, a language and an IANA zone', () => {
    expect(checkExportOptions({ format: 'pdf', lang: 'zh', timeZone: 'Asia/Shanghai' })).toEqual({
      format: 'pdf',
      lang: 'zh',
      timeZone: 'Asia/Shanghai',
    });
  });

  it.each([
    [{ format: 'docx', lang: 'en' }, ['format']],
    [{ format: 'csv', lang: 'fr' }, ['lang']],
    [{ format: 'csv', lang: 'en', timeZone: 'Moon/Base' }, ['timeZone']],
    [{ lang: 'xx', timeZone: '' }, ['format', 'lang', 'timeZone']],
  ])('rejects %j naming %j', (input, fields) => {
    try {
      checkExportOptions(input);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).details.map((d) => d.path)).toEqual(fields);
    }
  });
});

describe('fileSlug', () => {
  it.each([
    [`pay<&>"'支付 01`, 'pay-01'],
    ['../../etc/passwd', 'etc-passwd'],
    ['支付', 'x'],
    ['db-1.prod', 'db-1.prod'],
  ])('%j → %j', (input, expected) => {
    expect(fileSlug(input)).toBe(expected);
  });
});
