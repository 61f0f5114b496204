import { describe, expect, it } from 'vitest';
import { parseDuration, requestedWindow, resolveWindow } from './window.js';

const now = new Date('2026-11-24T12:00:00.000Z');

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1.5d', 129_600_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([['7'], ['7 days'], ['-1d'], ['0d'], ['4000d'], ['']])('rejects %j naming --window', (text) => {
    expect(() => parseDuration(text)).toThrow(/^--window: /);
  });
});

describe('resolveWindow', () => {
  it.each([
    [{ tier: 'daily' as const }, '2026-11-23T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    [{ tier: 'weekly' as const }, '2026-11-17T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    [{ tier: 'monthly' as const }, '2026-10-25T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    [{ tier: 'weekly' as const, window: '3d' }, '2026-11-21T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    [
      { tier: 'weekly' as const, from: '2026-11-20T08:00:00+08:00', to: '2026-11-23T08:00:00+08:00' },
      '2026-11-20T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ],
    [{ tier: 'daily' as const, from: '2026-11-24' }, '2026-11-24T00:00:00.000Z', '2026-11-24T12:00:00.000Z'],
  ])('%j → [%s, %s)', (o, from, to) => {
    const w = resolveWindow({ ...o, now });
    expect([w.from.toISOString(), w.to.toISOString()]).toEqual([from, to]);
  });

  it.each([
    [{ window: '3d', from: '2026-11-20' }, /^--window: cannot be combined/],
    [{ from: '2026-11-25' }, /^--from: the window must start before it ends/],
    [{ to: 'yesterday' }, /^--to: "yesterday" is not an ISO-8601/],
    [{ from: '2026-13-45' }, /^--from: "2026-13-45" is not a valid date/],
  ])('rejects %j', (o, message) => {
    expect(() => resolveWindow({ tier: 'daily', now, ...o })).toThrow(message);
  });
});

describe('requestedWindow', () => {
  it.each([
    [{ tier: 'daily' as const }, '2026-11-23T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    [{ tier: 'annual' as const }, '2025-11-24T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    [{ tier: 'daily' as const, days: 3 }, '2026-11-21T12:00:00.000Z', '2026-11-24T12:00:00.000Z'],
    [
      { tier: 'weekly' as const, window: { from: '2026-11-20T08:00:00+08:00', to: '2026-11-23T08:00:00+08:00' } },
      '2026-11-20T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ],
  ])('%j → [%s, %s)', (o, from, to) => {
    const w = requestedWindow({ ...o, now });
    expect([w.from.toISOString(), w.to.toISOString()]).toEqual([from, to]);
  });

  it('refuses an explicit window that does not start before it ends, naming window.from', () => {
    const window = { from: '2026-11-23T00:00:00Z', to: '2026-11-23T00:00:00Z' };
    expect(() => requestedWindow({ tier: 'daily', window, now })).toThrow(/^window\.from: must be before window\.to$/);
  });
});
