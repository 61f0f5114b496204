import { instances } from '../../test/fixtures/inventory';
import { inspections, report, reports, schedules } from '../../test/fixtures/runs';
import {
  instancesByWorstSeverity,
  latestReportPerInstance,
  lowestScores,
  nextRuns,
  problemRuns,
} from './overview.utils';

describe('overview utils', () => {
  const latest = latestReportPerInstance(reports);

  it('keeps the newest report of each instance', () => {
    expect(Object.fromEntries([...latest].map(([id, r]) => [id, r.id]))).toEqual({
      'i-pay-mysql': 'r5',
      'i-crm-pg': 'r4',
      'i-pay-maria': 'r3',
    });
    const reversed = latestReportPerInstance([...reports].reverse());
    expect(reversed.get('i-pay-mysql')?.id).toBe('r5');
  });

  it('buckets enabled instances by worst open severity; unreachable is critical, disabled is left out', () => {
    const buckets = instancesByWorstSeverity(instances, latest);
    const names = Object.fromEntries(Object.entries(buckets).map(([k, list]) => [k, list.map((i) => i.id)]));
    expect(names).toEqual({
      critical: ['i-pay-mysql', 'i-pay-maria'],
      warning: ['i-crm-pg'],
      info: [],
      healthy: [],
      uninspected: [],
    });
    const fresh = instancesByWorstSeverity(instances, new Map());
    expect(fresh.uninspected.map((i) => i.id)).toEqual(['i-pay-mysql', 'i-pay-maria', 'i-crm-pg']);
    const clean = new Map([['i-crm-pg', report({ id: 'x', instanceId: 'i-crm-pg', instanceName: 'crm-postgres' })]]);
    expect(instancesByWorstSeverity(instances, clean).healthy.map((i) => i.id)).toEqual(['i-crm-pg']);
  });

  it.each([
    [1, ['r3']],
    [2, ['r3', 'r5']],
    [10, ['r3', 'r5', 'r4']],
  ])('lists the %i lowest scores worst first', (count, ids) => {
    expect(lowestScores(latest, count).map((r) => r.id)).toEqual(ids);
  });

  it('picks failed, missed and partial runs', () => {
    expect(problemRuns(inspections).map((i) => i.id)).toEqual(['in-3', 'in-2']);
  });

  it('orders active schedules by next fire time and skips paused ones', () => {
    expect(nextRuns(schedules, 5).map((s) => s.name)).toEqual(['nightly-daily', 'weekly-security']);
    expect(nextRuns(schedules, 1).map((s) => s.name)).toEqual(['nightly-daily']);
  });
});
