import { describe, expect, it } from 'vitest';
import {
  nextFireAfter,
  nextFires,
  occurrenceWindow,
  periodMs,
  toZonedIso,
  validateCron,
  type FireRule,
} from './fire-times.js';

const iso = (rule: FireRule, after: string, n = 1) =>
  nextFires(rule, new Date(after), n).map((d) => toZonedIso(d, rule.timezone));

describe('nextFireAfter, every frequency kind', () => {
  it.each<[string, FireRule, string, string[]]>([
    [
      'daily',
      { frequency: { kind: 'daily' }, time: '08:00:00', timezone: 'Asia/Shanghai' },
      '2026-11-24T00:00:00Z',
      ['2026-11-25T08:00:00+08:00', '2026-11-26T08:00:00+08:00'],
    ],
    [
      'daily, same day not yet passed',
      { frequency: { kind: 'daily' }, time: '23:59:59', timezone: 'UTC' },
      '2026-11-24T12:00:00Z',
      ['2026-11-24T23:59:59Z'],
    ],
    [
      'daily, exactly at a fire time → strictly after',
      { frequency: { kind: 'daily' }, time: '12:00:00', timezone: 'UTC' },
      '2026-11-24T12:00:00Z',
      ['2026-11-25T12:00:00Z'],
    ],
    [
      'weekly Wednesday',
      { frequency: { kind: 'weekly', dayOfWeek: 3 }, time: '08:00:00', timezone: 'Asia/Shanghai' },
      '2026-11-24T00:00:00Z',
      ['2026-11-25T08:00:00+08:00', '2026-12-02T08:00:00+08:00'],
    ],
    [
      'weekly Sunday (0)',
      { frequency: { kind: 'weekly', dayOfWeek: 0 }, time: '00:00:00', timezone: 'Europe/Berlin' },
      '2026-11-24T00:00:00Z',
      ['2026-11-29T00:00:00+01:00'],
    ],
    [
      'monthly on the 15th',
      { frequency: { kind: 'monthly', dayOfMonth: 15 }, time: '08:30:15', timezone: 'Asia/Shanghai' },
      '2026-11-20T00:00:00Z',
      ['2026-12-15T08:30:15+08:00', '2027-01-15T08:30:15+08:00'],
    ],
    [
      'monthly on the 31st in short months',
      { frequency: { kind: 'monthly', dayOfMonth: 31 }, time: '08:00:00', timezone: 'Asia/Shanghai' },
      '2027-01-31T12:00:00+08:00',
      ['2027-02-28T08:00:00+08:00', '2027-03-31T08:00:00+08:00', '2027-04-30T08:00:00+08:00'],
    ],
    [
      'monthly on the 30th in a leap February',
      { frequency: { kind: 'monthly', dayOfMonth: 30 }, time: '08:00:00', timezone: 'UTC' },
      '2028-02-01T00:00:00Z',
      ['2028-02-29T08:00:00Z'],
    ],
    [
      'monthly last day',
      { frequency: { kind: 'monthly', dayOfMonth: 'last' }, time: '23:00:00', timezone: 'UTC' },
      '2026-02-01T00:00:00Z',
      ['2026-02-28T23:00:00Z', '2026-03-31T23:00:00Z', '2026-04-30T23:00:00Z'],
    ],
    [
      'semi-annual January and July 15th',
      { frequency: { kind: 'semiannual', month: 1, dayOfMonth: 15 }, time: '08:30:15', timezone: 'Asia/Shanghai' },
      '2026-02-01T00:00:00Z',
      ['2026-07-15T08:30:15+08:00', '2027-01-15T08:30:15+08:00', '2027-07-15T08:30:15+08:00'],
    ],
    [
      'semi-annual June and December last',
      { frequency: { kind: 'semiannual', month: 6, dayOfMonth: 'last' }, time: '00:00:00', timezone: 'UTC' },
      '2026-06-30T00:00:00Z',
      ['2026-12-31T00:00:00Z', '2027-06-30T00:00:00Z'],
    ],
    [
      'annual 29 February → 28th in common years',
      { frequency: { kind: 'annual', month: 2, dayOfMonth: 29 }, time: '06:00:00', timezone: 'UTC' },
      '2026-03-01T00:00:00Z',
      ['2027-02-28T06:00:00Z', '2028-02-29T06:00:00Z'],
    ],
    [
      'cron with seconds every 15 s',
      { frequency: { kind: 'cron', expression: '*/15 * * * * *' }, time: '00:00:00', timezone: 'Asia/Shanghai' },
      '2026-11-24T00:00:07Z',
      ['2026-11-24T08:00:15+08:00', '2026-11-24T08:00:30+08:00'],
    ],
    [
      'cron 5 fields in a zone',
      { frequency: { kind: 'cron', expression: '0 8 * * 3' }, time: '00:00:00', timezone: 'Asia/Shanghai' },
      '2025-01-06T00:00:00Z',
      ['2025-01-08T08:00:00+08:00'],
    ],
  ])('%s', (_what, rule, after, expected) => {
    expect(iso(rule, after, expected.length)).toEqual(expected);
  });
});

describe('DST transitions', () => {
  it.each<[string, FireRule, string, string[]]>([
    [
      'New York spring forward: 02:30 does not exist → 03:30 EDT',
      { frequency: { kind: 'daily' }, time: '02:30:00', timezone: 'America/New_York' },
      '2026-03-07T12:00:00Z',
      ['2026-03-08T03:30:00-04:00', '2026-03-09T02:30:00-04:00'],
    ],
    [
      'New York fall back: 01:30 happens twice → once, the first',
      { frequency: { kind: 'daily' }, time: '01:30:00', timezone: 'America/New_York' },
      '2026-10-31T12:00:00Z',
      ['2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
    ],
    [
      'Berlin spring forward',
      { frequency: { kind: 'weekly', dayOfWeek: 0 }, time: '02:30:00', timezone: 'Europe/Berlin' },
      '2026-03-28T00:00:00Z',
      ['2026-03-29T03:30:00+02:00', '2026-04-05T02:30:00+02:00'],
    ],
    [
      'Berlin fall back',
      { frequency: { kind: 'monthly', dayOfMonth: 25 }, time: '02:30:00', timezone: 'Europe/Berlin' },
      '2026-10-01T00:00:00Z',
      ['2026-10-25T02:30:00+02:00', '2026-11-25T02:30:00+01:00'],
    ],
    [
      'cron agrees in New York',
      { frequency: { kind: 'cron', expression: '0 30 2 * * *' }, time: '00:00:00', timezone: 'America/New_York' },
      '2026-03-07T12:00:00Z',
      ['2026-03-08T03:30:00-04:00'],
    ],
    [
      'cron agrees in Berlin fall back',
      { frequency: { kind: 'cron', expression: '0 30 2 * * *' }, time: '00:00:00', timezone: 'Europe/Berlin' },
      '2026-10-24T12:00:00Z',
      ['2026-10-25T02:30:00+02:00', '2026-10-26T02:30:00+01:00'],
    ],
  ])('%s', (_what, rule, after, expected) => {
    expect(iso(rule, after, expected.length)).toEqual(expected);
  });
});

describe('occurrenceWindow ends at the scheduled fire time', () => {
  it.each([
    [
      'Wednesday 08:00 Shanghai, 3 days',
      '2026-11-25T00:00:00Z',
      'Asia/Shanghai',
      3,
      '2026-11-22T08:00:00+08:00',
      '2026-11-25T08:00:00+08:00',
    ],
    [
      '3 calendar days across spring forward in New York (71 h)',
      '2026-03-10T12:00:00Z',
      'America/New_York',
      3,
      '2026-03-07T08:00:00-05:00',
      '2026-03-10T08:00:00-04:00',
    ],
    [
      '1 day in Berlin across fall back (25 h)',
      '2026-10-25T23:00:00Z',
      'Europe/Berlin',
      1,
      '2026-10-25T00:00:00+02:00',
      '2026-10-26T00:00:00+01:00',
    ],
  ])('%s', (_what, fireAt, zone, days, from, to) => {
    const w = occurrenceWindow(new Date(fireAt), zone, days);
    expect([toZonedIso(w.from, zone), toZonedIso(w.to, zone)]).toEqual([from, to]);
  });
});

describe('periodMs and validateCron', () => {
  it.each<[FireRule, number]>([
    [{ frequency: { kind: 'daily' }, time: '08:00:00', timezone: 'UTC' }, 86_400_000],
    [{ frequency: { kind: 'weekly', dayOfWeek: 1 }, time: '08:00:00', timezone: 'UTC' }, 7 * 86_400_000],
    [{ frequency: { kind: 'cron', expression: '*/5 * * * * *' }, time: '00:00:00', timezone: 'UTC' }, 5000],
  ])('%j', (rule, ms) => expect(periodMs(rule, new Date('2026-01-01T00:00:00Z'))).toBe(ms));

  it.each([['* * * *'], ['61 * * * *'], ['* * * * * * *'], ['0 0 32 * *']])('rejects %j', (expr) => {
    expect(() => validateCron(expr)).toThrow();
  });
  it('accepts 5 and 6 fields', () => {
    expect(() => validateCron('0 8 * * 3')).not.toThrow();
    expect(() => validateCron('*/5 * * * * *')).not.toThrow();
  });
});

it('never returns a time at or before `after`', () => {
  const rule: FireRule = {
    frequency: { kind: 'monthly', dayOfMonth: 'last' },
    time: '00:00:00',
    timezone: 'Pacific/Auckland',
  };
  let t = new Date('2026-01-01T00:00:00Z');
  for (let i = 0; i < 30; i++) {
    const next = nextFireAfter(rule, t);
    expect(next.getTime()).toBeGreaterThan(t.getTime());
    t = next;
  }
});
