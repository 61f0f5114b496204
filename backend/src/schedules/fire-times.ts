import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';

/** How often a schedule fires; days of week 0 = Sunday, months 1–12; "last" = the month's last day. */
export type Frequency =
  | { kind: 'daily' }
  | { kind: 'weekly'; dayOfWeek: number }
  | { kind: 'monthly'; dayOfMonth: number | 'last' }
  | { kind: 'semiannual'; month: number; dayOfMonth: number | 'last' }
  | { kind: 'annual'; month: number; dayOfMonth: number | 'last' }
  | { kind: 'cron'; expression: string };

export interface FireRule {
  frequency: Frequency;
  /** `HH:MM:SS`, wall-clock time in `timezone` (ignored by cron, which carries its own). */
  time: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  timezone: string;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

export function parseTimeOfDay(text: string): TimeOfDay {
  const m = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a time HH:MM:SS`);
  return { hour: Number(m[1]), minute: Number(m[2]), second: Number(m[3]) };
}

export function isValidTimezone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** Throws with the parser's reason when a 5- or 6-field cron expression is invalid. */
export function validateCron(expression: string): void {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) throw new Error('must have 5 fields, or 6 with seconds first');
  CronExpressionParser.parse(expression, { tz: 'UTC' });
}

/**
 * The local wall time in `zone` as an instant. A time that does not exist (the hour skipped when clocks go forward)
 * moves forward by the gap; a time that occurs twice (clocks going back) is its first occurrence. Both match what
 * the cron evaluator does, so every frequency kind behaves alike across DST changes.
 */
export function wallTime(zone: string, date: { year: number; month: number; day: number }, t: TimeOfDay): DateTime {
  const dt = DateTime.fromObject({ ...date, ...t }, { zone });
  const shift = dt.minus({ hours: 3 }).offset - dt.offset;
  if (shift > 0) {
    const earlier = dt.minus({ minutes: shift });
    if (
      earlier.hour === t.hour &&
      earlier.minute === t.minute &&
      earlier.second === t.second &&
      earlier.day === date.day
    ) {
      return earlier;
    }
  }
  return dt;
}

function dayIn(year: number, month: number, dayOfMonth: number | 'last'): number {
  const last = DateTime.fromObject({ year, month }).daysInMonth!;
  return dayOfMonth === 'last' ? last : Math.min(dayOfMonth, last);
}

/**
 * The first fire time strictly after `after`. Monthly, semi-annual and annual days beyond a month's length fire on
 * its last day (the 31st fires on 30 April and 28 or 29 February), so no month is skipped.
 */
export function nextFireAfter(rule: FireRule, after: Date): Date {
  const f = rule.frequency;
  if (f.kind === 'cron') {
    return CronExpressionParser.parse(f.expression, { currentDate: after, tz: rule.timezone }).next().toDate();
  }
  const t = parseTimeOfDay(rule.time);
  const start = DateTime.fromJSDate(after, { zone: rule.timezone });
  const later = (dt: DateTime) => dt.toMillis() > after.getTime();
  if (f.kind === 'daily' || f.kind === 'weekly') {
    for (let i = 0; i <= 8; i++) {
      const day = start.startOf('day').plus({ days: i });
      if (f.kind === 'weekly' && day.weekday % 7 !== f.dayOfWeek) continue;
      const fire = wallTime(rule.timezone, { year: day.year, month: day.month, day: day.day }, t);
      if (later(fire)) return fire.toJSDate();
    }
  } else {
    const months =
      f.kind === 'monthly'
        ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        : f.kind === 'semiannual'
          ? [f.month, f.month + 6]
          : [f.month];
    for (let i = 0; i <= 25; i++) {
      const month = start.startOf('month').plus({ months: i });
      if (!months.includes(month.month)) continue;
      const fire = wallTime(
        rule.timezone,
        { year: month.year, month: month.month, day: dayIn(month.year, month.month, f.dayOfMonth) },
        t,
      );
      if (later(fire)) return fire.toJSDate();
    }
  }
  throw new Error('no fire time found');
}

export function nextFires(rule: FireRule, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let cursor = after;
  for (let i = 0; i < count; i++) {
    cursor = nextFireAfter(rule, cursor);
    out.push(cursor);
  }
  return out;
}

/**
 * The sampling window of an occurrence: `[fireAt − days, fireAt)`, counting calendar days in the schedule's zone
 * (so "3 days" before Wednesday 08:00 is Sunday 08:00 local time, even across a DST change).
 */
export function occurrenceWindow(fireAt: Date, timezone: string, days: number): { from: Date; to: Date } {
  return { from: DateTime.fromJSDate(fireAt, { zone: timezone }).minus({ days }).toJSDate(), to: fireAt };
}

/** One period of the rule (the default maximum lateness): the gap between the two fire times after `at`. */
export function periodMs(rule: FireRule, at: Date): number {
  const [a, b] = nextFires(rule, at, 2);
  return b!.getTime() - a!.getTime();
}

/** ISO-8601 with the zone's offset, as previews show it. */
export function toZonedIso(d: Date, timezone: string): string {
  return DateTime.fromJSDate(d, { zone: timezone }).toISO({ suppressMilliseconds: true })!;
}
