import { describe, expect, it } from 'vitest';
import { cumulativeBuckets } from './metrics-registry.js';

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
