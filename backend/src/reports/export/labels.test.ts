import { describe, expect, it } from 'vitest';
import { checkTimeZone, formatter, LABELS } from './labels.js';

const COUNTS = { pass: 1, fail: 2, error: 3, skipped: 4, critical: 5, warning: 6, info: 7 };
/** Sample arguments for the labels that are functions. */
const SAMPLES: Record<string, unknown[]> = {
  summaryLine: [COUNTS, String],
  objects: [3, String],
  openSince: ['2026-10-01', 9, String],
  waivedBy: ['alice', '2027-01-01'],
  pageOf: [2, 9],
  seconds: ['1.5'],
};

/** Every string leaf of the table with its path; functions are called with sample arguments. */
function leaves(table: object, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(table)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.push([path, v]);
    else if (typeof v === 'function')
      out.push([path, String((v as (...a: unknown[]) => unknown)(...(SAMPLES[k] ?? [])))]);
    else if (typeof v === 'object' && v !== null) out.push(...leaves(v, path));
  }
  return out;
}

describe('the translation table', () => {
  const en = new Map(leaves(LABELS.en));
  const zh = new Map(leaves(LABELS.zh));

  it('has the same labels in English and Chinese, none empty', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [path, text] of [...en, ...zh]) expect(text, path).not.toBe('');
  });

  it('translates every heading and label (only names that stay the same are exempt)', () => {
    const same = [...en.keys()].filter((k) => en.get(k) === zh.get(k));
    expect(same).toEqual(['product']);
  });

  it.each([
    ['en', 'CRITICAL', 'NOT INSPECTED'],
    ['zh', '严重', '未巡检'],
  ] as const)('%s says %s and %s', (lang, critical, notInspected) => {
    expect(LABELS[lang].severity.critical).toBe(critical);
    expect(LABELS[lang].heading.notInspected).toBe(notInspected);
  });
});

describe('formatter', () => {
  const at = '2026-07-01T06:03:04.000Z';
  it.each([
    ['en', 'UTC', '01 Jul 2026, 06:03:04 GMT+00:00'],
    ['en', 'Asia/Shanghai', '01 Jul 2026, 14:03:04 GMT+08:00'],
    ['en', 'America/New_York', '01 Jul 2026, 02:03:04 GMT-04:00'],
    ['zh', 'Asia/Shanghai', '2026年7月1日 14:03:04 GMT+08:00'],
    ['zh', 'Asia/Kolkata', '2026年7月1日 11:33:04 GMT+05:30'],
  ] as const)('shows %s times in %s with the offset', (lang, tz, expected) => {
    expect(formatter(lang, tz).dateTime(at)).toBe(expected);
  });

  it('follows daylight saving time in the zone', () => {
    expect(formatter('en', 'America/New_York').dateTime('2026-01-15T12:00:00Z')).toMatch(/07:00:00 GMT-05:00$/);
  });

  it.each([
    ['en', 1234567.891, '1,234,567.89'],
    ['zh', 1234567.891, '1,234,567.89'],
    ['en', 0, '0'],
  ] as const)('formats numbers for %s: %s → %s', (lang, n, expected) => {
    expect(formatter(lang, 'UTC').num(n)).toBe(expected);
  });

  it.each([
    ['en', 1500, '1.5 s'],
    ['zh', 1500, '1.5 秒'],
  ] as const)('formats durations for %s', (lang, ms, expected) => {
    expect(formatter(lang, 'UTC').seconds(ms)).toBe(expected);
  });

  it('writes the summary line in the language', () => {
    const c = { pass: 40, fail: 3, error: 1, skipped: 5, critical: 1, warning: 2, info: 0 };
    const en = formatter('en', 'UTC');
    const zh = formatter('zh', 'UTC');
    expect(en.l.summaryLine(c, en.num)).toBe(
      '40 passed, 3 failed, 1 error, 5 skipped · 1 critical, 2 warning, 0 info findings',
    );
    expect(zh.l.summaryLine(c, zh.num)).toBe(
      '通过 40 项，未通过 3 项，出错 1 项，跳过 5 项 · 严重 1 个，警告 2 个，提示 0 个问题',
    );
  });

  it('leaves a value that is not a date as it is', () => {
    expect(formatter('en', 'UTC').dateTime('not a date')).toBe('not a date');
  });

  it.each(['Mars/Olympus', 'GMT+25', ''])('rejects the time zone %j', (tz) => {
    expect(() => checkTimeZone(tz || 'x/y')).toThrow(RangeError);
  });
});
