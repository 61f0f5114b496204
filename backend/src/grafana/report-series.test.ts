import { describe, expect, it } from 'vitest';
import { roundedAverage, scoreBuckets, severityBuckets, type PackedSeries } from './report-series.js';

const HOUR = 3_600_000;
const MONTH = Date.parse('2026-03-01T00:00:00.000Z');
const ms = (iso: string) => Date.parse(iso);

interface Point {
  at: string;
  score: number;
  counts?: [number, number, number];
}

/** Packs points the way migration 10 stores them (big-endian, start relative to the month minus 2^31). */
function packed(instanceId: string, points: Point[], monthMs = MONTH): PackedSeries {
  const times = Buffer.alloc(points.length * 4);
  const scores = Buffer.alloc(points.length * 2);
  const counts = Buffer.alloc(points.length * 12);
  points.forEach((p, i) => {
    times.writeInt32BE(ms(p.at) - monthMs - 2 ** 31, i * 4);
    scores.writeInt16BE(p.score, i * 2);
    (p.counts ?? [0, 0, 0]).forEach((c, j) => counts.writeInt32BE(c, i * 12 + j * 4));
  });
  return { instance_id: instanceId, month_ms: monthMs, times, scores, counts };
}

describe('roundedAverage: round(avg(score), 2) as PostgreSQL computes it', () => {
  it.each([
    [1, 8, 0.13], // 0.125: half away from zero
    [-1, 8, -0.13],
    [2, 3, 0.67],
    [1, 3, 0.33],
    [280, 4, 70],
    [0, 5, 0],
    [299, 3, 99.67],
    [1, 200, 0.01], // 0.005
    [1, 201, 0],
  ])('sum %d over %d reports is %d', (sum, n, expected) => {
    expect(roundedAverage(sum, n)).toBe(expected);
  });
});

describe('scoreBuckets', () => {
  const scope = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' };

  it('cuts epoch-aligned buckets: a start on an edge opens the later bucket, [from, to) bounds the points', () => {
    const rows = [
      packed('a', [
        { at: '2026-03-01T23:59:59.999Z', score: 10 }, // before from
        { at: '2026-03-02T00:00:00.000Z', score: 80 }, // on from, first bucket
        { at: '2026-03-02T05:59:59.999Z', score: 60 }, // last millisecond of the first bucket
        { at: '2026-03-02T06:00:00.000Z', score: 90 }, // on an edge: second bucket
        { at: '2026-03-02T23:59:59.999Z', score: 41 },
        { at: '2026-03-03T00:00:00.000Z', score: 0 }, // on to: outside
      ]),
    ];
    expect(scoreBuckets(rows, scope, 6 * HOUR)).toEqual([
      {
        instanceId: 'a',
        times: [ms('2026-03-02T00:00:00Z'), ms('2026-03-02T06:00:00Z'), ms('2026-03-02T18:00:00Z')],
        values: [70, 90, 41],
      },
    ]);
  });

  it('starts the first bucket before from when from is not on an edge, as date_bin does', () => {
    const rows = [packed('a', [{ at: '2026-03-02T10:00:00.000Z', score: 50 }])];
    const mid = { from: '2026-03-02T07:30:00.000Z', to: '2026-03-02T12:00:00.000Z' };
    expect(scoreBuckets(rows, mid, 6 * HOUR)[0]!.times).toEqual([ms('2026-03-02T06:00:00Z')]);
  });

  it('merges parts and months of one instance, keeps instances apart and drops instances without points', () => {
    const rows = [
      packed('a', [{ at: '2026-02-28T23:00:00.000Z', score: 20 }], Date.parse('2026-02-01T00:00:00.000Z')),
      packed('a', [{ at: '2026-03-01T01:00:00.000Z', score: 30 }]),
      packed('a', [{ at: '2026-03-01T02:00:00.000Z', score: 31 }]),
      packed('b', [{ at: '2026-03-01T03:00:00.000Z', score: 100 }]),
      packed('c', [{ at: '2026-04-01T03:00:00.000Z', score: 5 }]),
    ];
    const two = { from: '2026-02-28T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' };
    expect(scoreBuckets(rows, two, 24 * HOUR)).toEqual([
      { instanceId: 'a', times: [ms('2026-02-28T00:00:00Z'), ms('2026-03-01T00:00:00Z')], values: [20, 30.5] },
      { instanceId: 'b', times: [ms('2026-03-01T00:00:00Z')], values: [100] },
    ]);
  });
});

describe('severityBuckets', () => {
  const scope = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' };

  it("sums each instance's newest report per bucket; of equal starts the later stored wins", () => {
    const rows = [
      packed('a', [
        { at: '2026-03-01T12:00:00.000Z', score: 0, counts: [9, 9, 9] },
        { at: '2026-03-01T06:00:00.000Z', score: 0, counts: [5, 5, 5] }, // older, stored later
        { at: '2026-03-01T12:00:00.000Z', score: 0, counts: [1, 2, 3] }, // same start, stored later: wins
        { at: '2026-03-02T00:00:00.000Z', score: 0, counts: [0, 1, 0] }, // on the edge: next bucket
      ]),
      packed('b', [{ at: '2026-03-01T23:59:59.999Z', score: 0, counts: [10, 0, 1] }]),
    ];
    expect(severityBuckets(rows, scope, 24 * HOUR)).toEqual([
      { time: ms('2026-03-01T00:00:00Z'), critical: 11, warning: 2, info: 4 },
      { time: ms('2026-03-02T00:00:00Z'), critical: 0, warning: 1, info: 0 },
    ]);
  });

  it('leaves out buckets without reports and points outside the range', () => {
    const rows = [
      packed('a', [
        { at: '2026-03-01T01:00:00.000Z', score: 0, counts: [1, 0, 0] },
        { at: '2026-03-03T00:00:00.000Z', score: 0, counts: [7, 7, 7] },
      ]),
    ];
    expect(severityBuckets(rows, scope, 6 * HOUR)).toEqual([
      { time: ms('2026-03-01T00:00:00Z'), critical: 1, warning: 0, info: 0 },
    ]);
  });
});
