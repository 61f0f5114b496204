import { describe, expect, it } from 'vitest';
import { cumulativeBuckets, InspectionMetrics } from './metrics-registry.js';

describe('cumulativeBuckets', () => {
  // Bounds [1, 5, 10]: geBounds 3 = at most 1 s, 2 = in (1, 5], 1 = in (5, 10], 0 = above 10 s.
  it.each([
    { name: 'no runs', groups: [], buckets: [0, 0, 0], sum: 0, count: 0 },
    {
      name: 'one fast run',
      groups: [{ geBounds: 3, count: 1, sumSeconds: 0.5 }],
      buckets: [1, 1, 1],
      sum: 0.5,
      count: 1,
    },
    {
      name: 'a run in each bucket and one beyond',
      groups: [
        { geBounds: 3, count: 2, sumSeconds: 1 },
        { geBounds: 2, count: 1, sumSeconds: 4 },
        { geBounds: 1, count: 3, sumSeconds: 21 },
        { geBounds: 0, count: 1, sumSeconds: 99 },
      ],
      buckets: [2, 3, 6],
      sum: 125,
      count: 7,
    },
    {
      name: 'only slow runs',
      groups: [{ geBounds: 0, count: 4, sumSeconds: 400 }],
      buckets: [0, 0, 0],
      sum: 400,
      count: 4,
    },
  ])('$name', ({ groups, buckets, sum, count }) => {
    expect(cumulativeBuckets(groups, 3)).toEqual({ buckets, sum, count });
  });
});

describe('InspectionMetrics.render', () => {
  const snapshot = (name: string) => ({
    instances: [{ id: 'i1', instance: name, host: 'h', business: 'b', engine: 'mysql' }],
    latestReports: [
      {
        instanceId: 'i1',
        tier: 'daily' as const,
        score: 80,
        finishedAt: '2026-12-01T00:00:00.000Z',
        findings: { critical: 1, warning: 0, info: 0 },
        checksErrored: 0,
        problems: [
          { checkId: 'mysql.uptime', catalogRef: 'MY-D01', status: 'fail' as const, severity: 'critical' as const },
        ],
      },
      // A report of an instance deleted since: no series.
      {
        ...{ instanceId: 'gone', tier: 'daily' as const, score: 1, finishedAt: '2026-12-01T00:00:00.000Z' },
        findings: { critical: 0, warning: 0, info: 0 },
        checksErrored: 0,
        problems: [],
      },
    ],
    schedules: [],
    runs: [],
    durations: [],
    queuedJobs: [],
    workersSeen: 0,
  });

  it.each([
    { name: 'plain', label: 'plain' },
    { name: 'quote"d', label: 'quote\\"d' },
    { name: 'back\\slash', label: 'back\\\\slash' },
    { name: 'two\nlines', label: 'two\\nlines' },
  ])('escapes the label value $label', async ({ name, label }) => {
    const text = await new InspectionMetrics({ defaultMetrics: false }).render(snapshot(name), new Date(), 0.001);
    expect(text).toContain(
      `dbpatrol_instance_score{business="b",host="h",instance="${label}",engine="mysql",tier="daily"} 80\n`,
    );
    expect(text).toContain(
      `dbpatrol_check_failing{business="b",host="h",instance="${label}",engine="mysql",tier="daily",check="mysql.uptime",catalog_ref="MY-D01",severity="critical"} 1\n`,
    );
    expect(text.match(/^dbpatrol_instance_score/gm)).toHaveLength(1);
  });
});
