import { describe, expect, it } from 'vitest';
import type { CheckOutcome, Finding } from '../reports/report.types.js';
import { applyWaivers, globToRegExp, matchWaiver } from './match-waiver.js';
import type { Waiver } from './waiver.model.js';

const NOW = new Date('2026-12-06T08:00:00.000Z');

const waiver = (id: string, over: Partial<Waiver> = {}): Waiver => ({
  id,
  checkId: 'mysql.table_no_pk',
  scope: 'global',
  scopeId: '',
  reason: 'legacy tables, replaced in Q2',
  owner: 'dba-team',
  expiresAt: '2027-01-01T00:00:00.000Z',
  createdAt: '2026-12-01T00:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

const inst = { id: 'i1', businessId: 'b1' };
const finding = (object: string, checkId = 'mysql.table_no_pk') => ({ checkId, object });

describe('globToRegExp', () => {
  it.each([
    ['shop.*', 'shop.orders', true],
    ['shop.*', 'shop.', true],
    ['shop.*', 'shopx.orders', false],
    ['*.log_?', 'a.b.log_1', true],
    ['*.log_?', 'a.log_12', false],
    ['a+b(c)', 'a+b(c)', true],
    ['a+b(c)', 'aab(c)', false],
    ['literal\\*', 'literal*', true],
    ['literal\\*', 'literalX', false],
    ['[x]', '[x]', true],
    ['[x]', 'x', false],
    ['订单*', '订单_2026', true],
  ])('%s on %s → %s', (pattern, object, expected) => {
    expect(globToRegExp(pattern).test(object)).toBe(expected);
  });
});

describe('matchWaiver', () => {
  it.each([
    ['global, any object', [waiver('w1')], finding('shop.orders'), inst, 'w1'],
    ['other check', [waiver('w1', { checkId: 'mysql.other' })], finding('shop.orders'), inst, undefined],
    ['business of the instance', [waiver('w1', { scope: 'business', scopeId: 'b1' })], finding('x'), inst, 'w1'],
    ['another business', [waiver('w1', { scope: 'business', scopeId: 'b2' })], finding('x'), inst, undefined],
    [
      'business waiver, instance without business',
      [waiver('w1', { scope: 'business', scopeId: 'b1' })],
      finding('x'),
      { id: 'i1' },
      undefined,
    ],
    ['the instance', [waiver('w1', { scope: 'instance', scopeId: 'i1' })], finding('x'), inst, 'w1'],
    ['another instance', [waiver('w1', { scope: 'instance', scopeId: 'i2' })], finding('x'), inst, undefined],
    ['CLI instance without id', [waiver('w1', { scope: 'instance', scopeId: 'i1' })], finding('x'), {}, undefined],
    ['exact object', [waiver('w1', { objectPattern: 'shop.orders' })], finding('shop.orders'), inst, 'w1'],
    [
      'exact object, other object',
      [waiver('w1', { objectPattern: 'shop.orders' })],
      finding('shop.order'),
      inst,
      undefined,
    ],
    ['glob object', [waiver('w1', { objectPattern: 'shop.*' })], finding('shop.orders'), inst, 'w1'],
    ['glob, other schema', [waiver('w1', { objectPattern: 'shop.*' })], finding('crm.orders'), inst, undefined],
    ['expired', [waiver('w1', { expiresAt: '2026-12-06T07:59:59.999Z' })], finding('x'), inst, undefined],
    ['expires exactly now', [waiver('w1', { expiresAt: NOW.toISOString() })], finding('x'), inst, undefined],
    [
      'expires a millisecond later',
      [waiver('w1', { expiresAt: '2026-12-06T08:00:00.001Z' })],
      finding('x'),
      inst,
      'w1',
    ],
    [
      'instance beats business beats global',
      [
        waiver('g'),
        waiver('b', { scope: 'business', scopeId: 'b1' }),
        waiver('i', { scope: 'instance', scopeId: 'i1' }),
      ],
      finding('x'),
      inst,
      'i',
    ],
    [
      'exact beats glob beats any at one scope',
      [waiver('any'), waiver('glob', { objectPattern: 's.*' }), waiver('exact', { objectPattern: 's.t' })],
      finding('s.t'),
      inst,
      'exact',
    ],
    [
      'same rank: the one expiring last',
      [waiver('a', { expiresAt: '2027-01-01T00:00:00.000Z' }), waiver('b', { expiresAt: '2027-06-01T00:00:00.000Z' })],
      finding('x'),
      inst,
      'b',
    ],
    [
      'the specific one expired: the general one applies',
      [waiver('g'), waiver('i', { scope: 'instance', scopeId: 'i1', expiresAt: '2026-12-01T00:00:00.000Z' })],
      finding('x'),
      inst,
      'g',
    ],
  ] as const)('%s', (_name, waivers, f, instance, expected) => {
    expect(matchWaiver(f, instance, waivers, NOW)?.id).toBe(expected);
  });
});

describe('applyWaivers', () => {
  const outcome = (checkId: string, severity: CheckOutcome['severity'], findingCount: number): CheckOutcome => ({
    checkId,
    catalogRef: 'M-1',
    category: 'objects',
    tier: 'daily',
    status: 'fail',
    ...(severity ? { severity } : {}),
    durationMs: 1,
    findingCount,
  });
  const full = (checkId: string, object: string, severity: Finding['severity']): Finding => ({
    checkId,
    catalogRef: 'M-1',
    category: 'objects',
    tier: 'daily',
    severity,
    object,
    message: { en: `${object} is bad`, zh: `${object} 有问题` },
    remediation: { en: 'fix it', zh: '修复' },
  });

  it('marks covered findings, keeps them, and settles their checks', () => {
    const checks = [outcome('a', 'critical', 2), outcome('b', 'warning', 1), outcome('c', 'warning', 1)];
    const findings = [
      full('a', 's.t1', 'critical'),
      full('a', 's.t2', 'warning'),
      full('b', 'x', 'warning'),
      full('c', 'y', 'warning'),
    ];
    const waivers = [
      waiver('wa', { checkId: 'a', objectPattern: 's.t1' }),
      waiver('wb', { checkId: 'b', scope: 'instance', scopeId: 'i1' }),
    ];
    const out = applyWaivers(checks, findings, { instanceId: 'i1', businessId: 'b1', waivers }, NOW);
    expect(out.findings).toHaveLength(4);
    expect(out.findings[0]!.waived).toEqual({
      waiverId: 'wa',
      owner: 'dba-team',
      reason: 'legacy tables, replaced in Q2',
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
    expect(out.findings.map((f) => f.waived?.waiverId)).toEqual(['wa', undefined, 'wb', undefined]);
    // a: the critical one is waived, the warning stays open
    expect(out.checks[0]).toMatchObject({ status: 'fail', severity: 'warning', waivedCount: 1 });
    // b: every finding waived → passes, no severity
    expect(out.checks[1]).toMatchObject({ status: 'pass', waivedCount: 1 });
    expect(out.checks[1]!.severity).toBeUndefined();
    expect(out.checks[2]).toEqual(checks[2]);
  });

  it('changes nothing without waivers or when they expired', () => {
    const checks = [outcome('a', 'critical', 1)];
    const findings = [full('a', 'x', 'critical')];
    expect(applyWaivers(checks, findings, undefined, NOW)).toEqual({ checks, findings });
    const expired = [waiver('w', { checkId: 'a', expiresAt: '2026-12-06T07:00:00.000Z' })];
    expect(applyWaivers(checks, findings, { instanceId: 'i1', waivers: expired }, NOW)).toEqual({ checks, findings });
  });
});
