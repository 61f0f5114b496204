import { describe, expect, it } from 'vitest';
import type { TokenRepository } from '../store/store.js';
import { CachingTokenRepository } from './token-cache.js';
import type { ApiTokenRecord } from './token.types.js';

const record = (id: string, hash: string): ApiTokenRecord => ({
  id,
  name: id,
  role: 'viewer',
  hash,
  createdAt: '2026-12-06T00:00:00.000Z',
  createdBy: 'test',
});

/** A store of tokens that counts its look-ups. */
function fakeStore(records: ApiTokenRecord[]) {
  const rows = new Map(records.map((r) => [r.hash, r]));
  const calls = { findByHash: 0 };
  const repo: TokenRepository = {
    findByHash: async (hash) => {
      calls.findByHash++;
      return rows.get(hash) ?? null;
    },
    insert: async (t) => {
      rows.set(t.hash, t);
      return t;
    },
    list: async () => [...rows.values()],
    delete: async (id) => {
      for (const [h, r] of rows) if (r.id === id) rows.delete(h);
    },
    markUsed: async () => undefined,
    count: async () => rows.size,
  };
  return { repo, calls, rows };
}

describe('CachingTokenRepository', () => {
  it.each([
    // [what, ms between the two look-ups, store look-ups]
    ['within the time to live: one store look-up', 4_999, 1],
    ['at the time to live: asks again', 5_000, 2],
    ['long after: asks again', 60_000, 2],
  ])('%s', async (_what, gapMs, lookups) => {
    const { repo, calls } = fakeStore([record('t1', 'h1')]);
    let now = 1_000_000;
    const cache = new CachingTokenRepository(repo, 5_000, () => now);
    expect((await cache.findByHash('h1'))?.id).toBe('t1');
    now += gapMs;
    expect((await cache.findByHash('h1'))?.id).toBe('t1');
    expect(calls.findByHash).toBe(lookups);
  });

  it('never remembers an unknown secret', async () => {
    const { repo, calls } = fakeStore([]);
    const cache = new CachingTokenRepository(repo, 5_000, () => 0);
    expect(await cache.findByHash('nope')).toBeNull();
    expect(await cache.findByHash('nope')).toBeNull();
    expect(calls.findByHash).toBe(2);
  });

  it('a token deleted through it stops working at once', async () => {
    const { repo } = fakeStore([record('t1', 'h1'), record('t2', 'h2')]);
    const cache = new CachingTokenRepository(repo, 5_000, () => 0);
    await cache.findByHash('h1');
    await cache.findByHash('h2');
    await cache.delete('t1');
    expect(await cache.findByHash('h1')).toBeNull();
    expect((await cache.findByHash('h2'))?.id).toBe('t2');
  });

  it('a token deleted elsewhere stops working once the time to live has passed', async () => {
    const { repo, rows } = fakeStore([record('t1', 'h1')]);
    let now = 0;
    const cache = new CachingTokenRepository(repo, 5_000, () => now);
    await cache.findByHash('h1');
    rows.delete('h1');
    expect((await cache.findByHash('h1'))?.id).toBe('t1');
    now = 5_000;
    expect(await cache.findByHash('h1')).toBeNull();
  });
});
