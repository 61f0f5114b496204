import type { Frequency } from '../../api/schedules';
import { businesses, hosts, instances } from '../../test/fixtures/inventory';
import { inspections, schedules } from '../../test/fixtures/runs';
import { useEnglish, useSimplifiedChinese } from '../../test/render';
import {
  emptyForm,
  formOf,
  frequencyText,
  inputOf,
  lastRunBySchedule,
  parseLabels,
  targetsText,
  type ScheduleForm,
} from './schedules.utils';

const inventory = { businesses, hosts, instances };

describe('frequencyText', () => {
  const cases: Array<[Frequency, string, string]> = [
    [{ kind: 'daily' }, 'Daily at 02:00:00', '每天 02:00:00'],
    [{ kind: 'weekly', dayOfWeek: 3 }, 'Weekly on Wednesday at 02:00:00', '每周星期三 02:00:00'],
    [{ kind: 'weekly', dayOfWeek: 0 }, 'Weekly on Sunday at 02:00:00', '每周星期日 02:00:00'],
    [{ kind: 'monthly', dayOfMonth: 15 }, 'Monthly on day 15 at 02:00:00', '每月15 日 02:00:00'],
    [{ kind: 'monthly', dayOfMonth: 'last' }, 'Monthly on the last day at 02:00:00', '每月最后一天 02:00:00'],
    [
      { kind: 'semiannual', month: 1, dayOfMonth: 'last' },
      'Every six months (months 1 and 7) on the last day at 02:00:00',
      '每半年（1 月和 7 月）最后一天 02:00:00',
    ],
    [
      { kind: 'annual', month: 12, dayOfMonth: 31 },
      'Every year in month 12 on day 31 at 02:00:00',
      '每年 12 月31 日 02:00:00',
    ],
    [{ kind: 'cron', expression: '30 0 8 * * 3' }, 'Cron 30 0 8 * * 3', 'Cron 表达式 30 0 8 * * 3'],
  ];

  it.each(cases)('%j in English', (frequency, english) => {
    expect(frequencyText(frequency, '02:00:00')).toBe(english);
  });

  it('is in Simplified Chinese when the user reads Chinese', async () => {
    await useSimplifiedChinese();
    try {
      expect(cases.map(([f]) => frequencyText(f, '02:00:00'))).toEqual(cases.map(([, , zh]) => zh));
    } finally {
      await useEnglish();
    }
  });
});

describe('targetsText', () => {
  it.each([
    ['instance ids as names', { instanceIds: ['i-pay-mysql', 'i-gone'] }, 'pay-mysql-primary, i-gone'],
    ['a business selector', { selector: { businessId: 'b-pay' } }, 'business Payments'],
    [
      'host and labels',
      { selector: { hostId: 'h-crm-1', labels: { env: 'prod', role: 'primary' } } },
      'host crm-pg-01; labels env=prod, role=primary',
    ],
    ['an empty selector', { selector: {} }, 'all instances'],
  ])('%s', (_name, schedule, expected) => {
    expect(targetsText(schedule, inventory)).toBe(expected);
  });
});

describe('the form', () => {
  it.each([
    [
      'a name is trimmed, instances sent as ids',
      { name: ' nightly ', instanceIds: ['i1'] },
      { name: 'nightly', instanceIds: ['i1'] },
    ],
    [
      'a selector by business and labels',
      { targetKind: 'selector', businessId: 'b-pay', labels: 'env=prod, tier' },
      { selector: { businessId: 'b-pay', labels: { env: 'prod', tier: '' } } },
    ],
    ['max lateness in minutes becomes seconds', { maxLatenessMinutes: '90' }, { maxLatenessSeconds: 5400 }],
    ['a weekly frequency', { kind: 'weekly', dayOfWeek: 5 }, { frequency: { kind: 'weekly', dayOfWeek: 5 } }],
    [
      'a semi-annual frequency on the last day',
      { kind: 'semiannual', month: 3, dayOfMonth: 'last' },
      { frequency: { kind: 'semiannual', month: 3, dayOfMonth: 'last' } },
    ],
    [
      'a cron expression is trimmed',
      { kind: 'cron', expression: ' 0 30 8 * * 1-5 ' },
      { frequency: { kind: 'cron', expression: '0 30 8 * * 1-5' } },
    ],
  ] as Array<[string, Partial<ScheduleForm>, object]>)('%s', (_name, change, expected) => {
    expect(inputOf({ ...emptyForm('Asia/Shanghai'), ...change })).toEqual(expect.objectContaining(expected));
  });

  it('omits max lateness when empty and never sends both targets', () => {
    const input = inputOf({ ...emptyForm('UTC'), name: 'x', instanceIds: ['i1'], businessId: 'b-pay' });
    expect(input).not.toHaveProperty('maxLatenessSeconds');
    expect(input).not.toHaveProperty('selector');
  });

  it('edits a saved schedule as it was saved', () => {
    for (const schedule of schedules) {
      const input = inputOf(formOf(schedule));
      expect(input).toEqual({
        name: schedule.name,
        selector: schedule.selector,
        tier: schedule.tier,
        frequency: schedule.frequency,
        time: schedule.time,
        timezone: schedule.timezone,
        windowDays: schedule.windowDays,
        catchUp: schedule.catchUp,
      });
    }
  });

  it.each([
    ['', {}],
    ['env=prod', { env: 'prod' }],
    [' a = 1 ,b=x=y, ,', { a: '1', b: 'x=y' }],
  ])('parseLabels(%j)', (text, expected) => {
    expect(parseLabels(text)).toEqual(expected);
  });
});

it('lastRunBySchedule keeps the newest run of each schedule', () => {
  const last = lastRunBySchedule(inspections);
  expect(last.get('s-daily')?.id).toBe('in-3');
  expect(last.get('s-weekly')?.state).toBe('missed');
  expect(last.size).toBe(2);
});
