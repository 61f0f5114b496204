import { describe, expect, it } from 'vitest';
import type { Inspection } from '../inspections/inspection.model.js';
import {
  bucketMs,
  counterFrames,
  findingCountFrames,
  findingsFrame,
  inspectionsFrame,
  outcomesFrame,
  runAnnotation,
  scoresFrames,
  tableFrame,
  type InstanceLabels,
} from './data-frame.js';

const DAY = 86_400_000;
const YEAR_FROM = Date.parse('2026-01-01T00:00:00Z');

const LABELS: Record<string, InstanceLabels> = {
  i1: { business: 'shop', host: 'db1', instance: 'orders-pg', engine: 'postgres' },
  i2: { business: 'shop', host: 'db2', instance: 'carts-maria', engine: 'mariadb' },
};
const labels = (id: string): InstanceLabels => LABELS[id] ?? { business: '', host: '', instance: id, engine: '' };

describe('bucketMs', () => {
  it.each([
    ['a year at 1000 points', YEAR_FROM, YEAR_FROM + 365 * DAY, 1000, 0, 31_536_000],
    ['a year at 365 points is a day', YEAR_FROM, YEAR_FROM + 365 * DAY, 365, 0, DAY],
    ['interval wider than points wins', YEAR_FROM, YEAR_FROM + DAY, 1000, 3_600_000, 3_600_000],
    ['never under a second', YEAR_FROM, YEAR_FROM + 10_000, 1000, 0, 1000],
    ['rounded up to whole seconds', YEAR_FROM, YEAR_FROM + 1_000_500, 1000, 0, 2000],
    ['an empty range still gives a bucket', YEAR_FROM, YEAR_FROM, 100, 0, 1000],
  ])('%s', (_name, from, to, points, interval, expected) => {
    expect(bucketMs(from, to, points, interval)).toBe(expected);
  });
});

describe('tableFrame', () => {
  it('turns rows into columns, missing cells into null', () => {
    const f = tableFrame(
      'A',
      't',
      [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'number' },
      ],
      [['x', 1], ['y']],
    );
    expect(f.data.values).toEqual([
      ['x', 'y'],
      [1, null],
    ]);
    expect(f.schema.fields.map((x) => x.name)).toEqual(['a', 'b']);
    expect(f.schema.refId).toBe('A');
  });
});

describe('scoresFrames', () => {
  const cases: {
    name: string;
    series: { instanceId: string; times: number[]; values: number[] }[];
    frames: { name: string; labels: InstanceLabels; values: unknown[][] }[];
  }[] = [
    { name: 'no series, no frames', series: [], frames: [] },
    {
      name: 'one frame per instance, ordered by instance name, labelled with names',
      series: [
        { instanceId: 'i1', times: [YEAR_FROM, YEAR_FROM + DAY], values: [90, 85.5] },
        { instanceId: 'i2', times: [YEAR_FROM], values: [70] },
      ],
      frames: [
        { name: 'carts-maria', labels: LABELS.i2!, values: [[YEAR_FROM], [70]] },
        {
          name: 'orders-pg',
          labels: LABELS.i1!,
          values: [
            [YEAR_FROM, YEAR_FROM + DAY],
            [90, 85.5],
          ],
        },
      ],
    },
    {
      name: 'an instance no longer in the inventory keeps its id as name',
      series: [{ instanceId: 'gone', times: [YEAR_FROM], values: [50] }],
      frames: [
        {
          name: 'gone',
          labels: { business: '', host: '', instance: 'gone', engine: '' },
          values: [[YEAR_FROM], [50]],
        },
      ],
    },
  ];
  it.each(cases)('$name', ({ series, frames }) => {
    const out = scoresFrames('A', series, labels);
    expect(
      out.map((f) => ({ name: f.schema.name, labels: f.schema.fields[1]?.labels, values: f.data.values })),
    ).toEqual(frames);
    for (const f of out) {
      expect(f.schema.fields.map((x) => [x.name, x.type])).toEqual([
        ['time', 'time'],
        ['score', 'number'],
      ]);
      expect(f.schema.meta?.type).toBe('timeseries-multi');
    }
  });
});

describe('findingCountFrames', () => {
  const buckets = [
    { time: YEAR_FROM, critical: 2, warning: 5, info: 1 },
    { time: YEAR_FROM + DAY, critical: 0, warning: 3, info: 4 },
  ];
  it.each([
    { severities: ['info', 'warning', 'critical'] as const, names: ['critical', 'warning', 'info'] },
    { severities: ['warning'] as const, names: ['warning'] },
    { severities: [] as const, names: [] },
  ])('severities $severities → frames $names', ({ severities, names }) => {
    const frames = findingCountFrames('B', buckets, severities);
    expect(frames.map((f) => f.schema.name)).toEqual(names);
    for (const f of frames) {
      const s = f.schema.name as 'critical' | 'warning' | 'info';
      expect(f.data.values).toEqual([[YEAR_FROM, YEAR_FROM + DAY], buckets.map((b) => b[s])]);
      expect(f.schema.fields[1]?.labels).toEqual({ severity: s });
    }
  });
});

describe('findingsFrame', () => {
  it('has the documented columns in order, names from the inventory, values as text', () => {
    const f = findingsFrame(
      'C',
      [
        {
          reportId: 'r1',
          instanceId: 'i1',
          startedAt: '2026-03-01T08:00:00.000Z',
          checkId: 'postgres.xid-wraparound',
          catalogRef: 'PG-D11',
          category: 'transactions',
          severity: 'critical',
          object: 'app',
          message: 'xid age 1.9e9',
          value: '1900000000',
          threshold: null,
        },
      ],
      labels,
    );
    expect(f.schema.fields.map((x) => x.name)).toEqual([
      'time',
      'business',
      'host',
      'instance',
      'engine',
      'check',
      'catalogRef',
      'category',
      'severity',
      'object',
      'message',
      'value',
      'threshold',
      'reportId',
    ]);
    expect(f.data.values.map((c) => c[0])).toEqual([
      Date.parse('2026-03-01T08:00:00.000Z'),
      'shop',
      'db1',
      'orders-pg',
      'postgres',
      'postgres.xid-wraparound',
      'PG-D11',
      'transactions',
      'critical',
      'app',
      'xid age 1.9e9',
      '1900000000',
      null,
      'r1',
    ]);
  });
});

describe('outcomesFrame', () => {
  it('one row per check with counts and the worst severity', () => {
    const f = outcomesFrame('D', [
      {
        checkId: 'mysql.deadlocks',
        catalogRef: 'MY-W05',
        category: 'locks',
        tier: 'weekly',
        pass: 3,
        fail: 2,
        error: 1,
        skipped: 0,
        worst: 'warning',
        findings: 4,
      },
    ]);
    expect(Object.fromEntries(f.schema.fields.map((x, i) => [x.name, f.data.values[i]?.[0]]))).toEqual({
      check: 'mysql.deadlocks',
      catalogRef: 'MY-W05',
      category: 'locks',
      tier: 'weekly',
      pass: 3,
      fail: 2,
      error: 1,
      skipped: 0,
      worstSeverity: 'warning',
      findings: 4,
    });
  });
});

const run = (over: Partial<Inspection>): Inspection => ({
  id: 'run1',
  trigger: { kind: 'manual', actor: 'alice' },
  tier: 'daily',
  window: { from: '2026-02-28T08:00:00.000Z', to: '2026-03-01T08:00:00.000Z' },
  state: 'succeeded',
  progress: [
    { instanceId: 'i1', instanceName: 'orders-pg', state: 'done', checksDone: 10, checksTotal: 10 },
    { instanceId: 'i2', instanceName: 'carts-maria', state: 'failed', checksDone: 2, checksTotal: 10 },
  ],
  cancelRequested: false,
  attempt: 1,
  createdAt: '2026-03-01T08:00:00.000Z',
  startedAt: '2026-03-01T08:00:01.000Z',
  finishedAt: '2026-03-01T08:00:31.000Z',
  ...over,
});

describe('inspectionsFrame and runAnnotation', () => {
  it.each([
    {
      name: 'a manual run',
      run: run({}),
      row: { time: Date.parse('2026-03-01T08:00:00.000Z'), state: 'succeeded', trigger: 'manual', schedule: null },
      durationMs: 30_000,
      failed: 1,
      annotation: {
        time: Date.parse('2026-03-01T08:00:01.000Z'),
        timeEnd: Date.parse('2026-03-01T08:00:31.000Z'),
        title: 'daily inspection succeeded',
        tags: ['succeeded', 'daily', 'manual'],
        text: /manual by alice; 1 of 2 instances inspected; 1 failed/,
      },
    },
    {
      name: 'a missed occurrence sits at its fire time, without an end',
      run: run({
        state: 'missed',
        trigger: { kind: 'schedule', scheduleId: 's1', scheduleName: 'nightly' },
        scheduleId: 's1',
        fireAt: '2026-03-01T02:00:00.000Z',
        createdAt: '2026-03-01T09:00:00.000Z',
        progress: [],
        startedAt: undefined,
        finishedAt: undefined,
      }),
      row: { time: Date.parse('2026-03-01T02:00:00.000Z'), state: 'missed', trigger: 'schedule', schedule: 'nightly' },
      durationMs: null,
      failed: 0,
      annotation: {
        time: Date.parse('2026-03-01T02:00:00.000Z'),
        title: 'Missed daily inspection',
        tags: ['missed', 'daily', 'schedule', 'nightly'],
        text: /schedule nightly: the occurrence due at 2026-03-01T02:00:00.000Z did not run/,
      },
    },
  ])('$name', ({ run: r, row, durationMs, failed, annotation }) => {
    const f = inspectionsFrame('E', [r]);
    const cell = (name: string) => f.data.values[f.schema.fields.findIndex((x) => x.name === name)]?.[0];
    expect({ time: cell('time'), state: cell('state'), trigger: cell('trigger'), schedule: cell('schedule') }).toEqual(
      row,
    );
    expect(cell('durationMs')).toBe(durationMs);
    expect(cell('failed')).toBe(failed);
    const a = runAnnotation(r);
    expect(a).toMatchObject({ time: annotation.time, title: annotation.title, tags: annotation.tags });
    expect(a.timeEnd).toBe(annotation.timeEnd);
    expect(a.text).toMatch(annotation.text);
  });
});

describe('counterFrames', () => {
  it('labels each instance with the counter', () => {
    const [f] = counterFrames('F', 'db.*.deadlocks', [{ instanceId: 'i1', times: [YEAR_FROM], values: [3] }], labels);
    expect(f?.schema.name).toBe('orders-pg db.*.deadlocks');
    expect(f?.schema.fields[1]).toMatchObject({ name: 'db.*.deadlocks', labels: { counter: 'db.*.deadlocks' } });
    expect(f?.data.values).toEqual([[YEAR_FROM], [3]]);
  });
});
