import { describe, expect, it } from 'vitest';
import {
  diffReports,
  type DiffCheck,
  type DiffFinding,
  type DiffableReport,
  type HistoryEntry,
} from './report-diff.js';

const f = (checkId: string, object: string, over: Partial<DiffFinding> = {}): DiffFinding => ({
  checkId,
  catalogRef: checkId.toUpperCase(),
  severity: 'warning',
  object,
  message: { en: `${object} flagged`, zh: `${object} 有问题` },
  ...over,
});
const c = (checkId: string, status: DiffCheck['status']): DiffCheck => ({
  checkId,
  catalogRef: checkId.toUpperCase(),
  status,
  ...(status === 'error' ? { reason: { en: 'timeout', zh: '超时' } } : {}),
});
const report = (id: string, startedAt: string, checks: DiffCheck[], findings: DiffFinding[]): DiffableReport => ({
  id,
  startedAt,
  checks,
  findings,
});
const keys = (list: readonly DiffFinding[]) => list.map((x) => `${x.checkId}:${x.object}`);

const T1 = '2026-10-01T02:00:00.000Z';
const T2 = '2026-10-02T02:00:00.000Z';
const T3 = '2026-10-03T02:00:00.000Z';

describe('diffReports', () => {
  it.each([
    {
      name: 'no previous report: everything is new',
      now: report('r2', T2, [c('a', 'fail')], [f('a', 'x'), f('a', 'y')]),
      then: null,
      expected: { new: ['a:x', 'a:y'], persisting: [], resolved: [], notInspected: [] },
    },
    {
      name: 'new, persisting and resolved',
      now: report('r2', T2, [c('a', 'fail'), c('b', 'pass')], [f('a', 'x'), f('a', 'z')]),
      then: report('r1', T1, [c('a', 'fail'), c('b', 'fail')], [f('a', 'x'), f('a', 'y'), f('b', 'q')]),
      expected: { new: ['a:z'], persisting: ['a:x'], resolved: ['a:y', 'b:q'], notInspected: [] },
    },
    {
      name: 'object renamed: one resolved and one new',
      now: report('r2', T2, [c('a', 'fail')], [f('a', 'shop.orders_v2')]),
      then: report('r1', T1, [c('a', 'fail')], [f('a', 'shop.orders')]),
      expected: { new: ['a:shop.orders_v2'], persisting: [], resolved: ['a:shop.orders'], notInspected: [] },
    },
    {
      name: 'check errored now: not inspected, its old findings not resolved',
      now: report('r2', T2, [c('a', 'error'), c('b', 'skipped'), c('d', 'pass')], []),
      then: report('r1', T1, [c('a', 'fail'), c('b', 'pass'), c('d', 'error')], [f('a', 'x')]),
      expected: { new: [], persisting: [], resolved: [], notInspected: ['a', 'b'] },
    },
    {
      name: 'same object in another database is another finding',
      now: report('r2', T2, [c('a', 'fail')], [f('a', 'public.t', { database: 'db2' })]),
      then: report('r1', T1, [c('a', 'fail')], [f('a', 'public.t', { database: 'db1' })]),
      expected: { new: ['a:public.t'], persisting: [], resolved: ['a:public.t'], notInspected: [] },
    },
  ])('$name', ({ now, then, expected }) => {
    const d = diffReports(now, then);
    expect({
      new: keys(d.new),
      persisting: keys(d.persisting),
      resolved: keys(d.resolved),
      notInspected: d.notInspected.map((x) => x.checkId),
    }).toEqual(expected);
    expect(d.counts).toMatchObject({
      new: expected.new.length,
      persisting: expected.persisting.length,
      resolved: expected.resolved.length,
      notInspected: expected.notInspected.length,
    });
  });

  it('reports why a check was not inspected and how it ended before', () => {
    const d = diffReports(report('r2', T2, [c('a', 'error')], []), report('r1', T1, [c('a', 'fail')], [f('a', 'x')]));
    expect(d.notInspected).toEqual([
      { checkId: 'a', catalogRef: 'A', status: 'error', reason: { en: 'timeout', zh: '超时' }, previousStatus: 'fail' },
    ]);
  });

  it('dates a persisting finding by its unbroken streak in the history', () => {
    const now = report('r5', '2026-10-05T02:00:00.000Z', [c('a', 'fail')], [f('a', 'x'), f('a', 'y')]);
    const previous = report('r4', '2026-10-04T02:00:00.000Z', [c('a', 'fail')], [f('a', 'x'), f('a', 'y')]);
    const history: HistoryEntry[] = [
      { id: 'r4', startedAt: '2026-10-04T02:00:00.000Z', findings: [f('a', 'x'), f('a', 'y')], notInspected: [] },
      // a was not inspected in r3: neither extends nor breaks the streaks
      { id: 'r3', startedAt: T3, findings: [], notInspected: ['a'] },
      { id: 'r2', startedAt: T2, findings: [f('a', 'x')], notInspected: [] },
      { id: 'r1', startedAt: T1, findings: [f('a', 'x'), f('a', 'y')], notInspected: [] },
    ];
    const d = diffReports(now, previous, history);
    expect(d.persisting.map((p) => [p.object, p.since, p.sinceReportId, p.runs])).toEqual([
      ['x', T1, 'r1', 4],
      ['y', '2026-10-04T02:00:00.000Z', 'r4', 2],
    ]);
  });

  it('without history a persisting run starts at the previous report', () => {
    const d = diffReports(
      report('r2', T2, [c('a', 'fail')], [f('a', 'x', { severity: 'critical' })]),
      report('r1', T1, [c('a', 'fail')], [f('a', 'x')]),
    );
    expect(d.persisting[0]).toMatchObject({ since: T1, sinceReportId: 'r1', runs: 2, previousSeverity: 'warning' });
  });

  it('shows waived findings as waived and counts them', () => {
    const waived = { waiverId: 'w1', owner: 'dba', reason: 'accepted', expiresAt: '2027-01-01T00:00:00.000Z' };
    const d = diffReports(
      report('r2', T2, [c('a', 'pass')], [f('a', 'x', { waived }), f('a', 'n', { waived })]),
      report('r1', T1, [c('a', 'fail')], [f('a', 'x')]),
    );
    expect(d.persisting[0]!.waived).toEqual(waived);
    expect(d.new[0]!.waived).toEqual(waived);
    expect(d.counts.waived).toBe(2);
  });
});
