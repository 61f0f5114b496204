import { t } from '@grafana/i18n';

import type { Inspection, InstanceSelector, Tier } from '../../api/inspections';
import type { Business, Host, Instance } from '../../api/inventory';
import type { CatchUp, DayOfMonth, Frequency, Schedule, ScheduleInput } from '../../api/schedules';
import { RAW_VALUES } from '../../i18n-values';

const WEEKDAYS = [
  () => t('schedules.weekday.sunday', 'Sunday'),
  () => t('schedules.weekday.monday', 'Monday'),
  () => t('schedules.weekday.tuesday', 'Tuesday'),
  () => t('schedules.weekday.wednesday', 'Wednesday'),
  () => t('schedules.weekday.thursday', 'Thursday'),
  () => t('schedules.weekday.friday', 'Friday'),
  () => t('schedules.weekday.saturday', 'Saturday'),
];

/** Weekday 0 (Sunday) to 6 in the user's language. */
export const weekdayName = (day: number) => WEEKDAYS[day]?.() ?? String(day);

/** Month 1–12 in the user's language. */
export const monthName = (month: number) => t('schedules.month', 'month {{month}}', { ...RAW_VALUES, month });

function dayText(day: DayOfMonth): string {
  return day === 'last'
    ? t('schedules.day.last', 'the last day')
    : t('schedules.day.nth', 'day {{day}}', { ...RAW_VALUES, day });
}

/** A frequency and time of day in words, e.g. "Weekly on Wednesday at 08:00:00". */
export function frequencyText(frequency: Frequency, time: string): string {
  switch (frequency.kind) {
    case 'daily':
      return t('schedules.frequency.dailyAt', 'Daily at {{time}}', { ...RAW_VALUES, time });
    case 'weekly':
      return t('schedules.frequency.weeklyAt', 'Weekly on {{weekday}} at {{time}}', {
        ...RAW_VALUES,
        weekday: weekdayName(frequency.dayOfWeek),
        time,
      });
    case 'monthly':
      return t('schedules.frequency.monthlyAt', 'Monthly on {{day}} at {{time}}', {
        ...RAW_VALUES,
        day: dayText(frequency.dayOfMonth),
        time,
      });
    case 'semiannual':
      return t(
        'schedules.frequency.semiannualAt',
        'Every six months (months {{first}} and {{second}}) on {{day}} at {{time}}',
        { ...RAW_VALUES, first: frequency.month, second: frequency.month + 6, day: dayText(frequency.dayOfMonth), time }
      );
    case 'annual':
      return t('schedules.frequency.annualAt', 'Every year in {{month}} on {{day}} at {{time}}', {
        ...RAW_VALUES,
        month: monthName(frequency.month),
        day: dayText(frequency.dayOfMonth),
        time,
      });
    case 'cron':
      return t('schedules.frequency.cronText', 'Cron {{expression}}', {
        ...RAW_VALUES,
        expression: frequency.expression,
      });
  }
}

/** Which instances a schedule covers, in words, with inventory names instead of ids where known. */
export function targetsText(
  s: Pick<Schedule, 'instanceIds' | 'selector'>,
  inventory: { businesses: Business[]; hosts: Host[]; instances: Instance[] }
): string {
  if (s.instanceIds) {
    const names = s.instanceIds.map((id) => inventory.instances.find((i) => i.id === id)?.name ?? id);
    return names.join(', ');
  }
  const sel = s.selector ?? {};
  const parts: string[] = [];
  if (sel.businessId) {
    const name = inventory.businesses.find((b) => b.id === sel.businessId)?.name ?? sel.businessId;
    parts.push(t('schedules.targets.business', 'business {{name}}', { ...RAW_VALUES, name }));
  }
  if (sel.hostId) {
    const name = inventory.hosts.find((h) => h.id === sel.hostId)?.name ?? sel.hostId;
    parts.push(t('schedules.targets.host', 'host {{name}}', { ...RAW_VALUES, name }));
  }
  const labels = Object.entries(sel.labels ?? {});
  if (labels.length > 0) {
    parts.push(
      t('schedules.targets.labels', 'labels {{labels}}', {
        ...RAW_VALUES,
        labels: labels.map(([k, v]) => `${k}=${v}`).join(', '),
      })
    );
  }
  return parts.length > 0 ? parts.join('; ') : t('schedules.targets.all', 'all instances');
}

/** The newest run of each schedule, from a list of runs newest first. */
export function lastRunBySchedule(runs: Inspection[]): Map<string, Inspection> {
  const out = new Map<string, Inspection>();
  for (const run of runs) {
    const id = run.scheduleId ?? (run.trigger.kind === 'schedule' ? run.trigger.scheduleId : undefined);
    if (id && !out.has(id)) {
      out.set(id, run);
    }
  }
  return out;
}

export type FrequencyKind = Frequency['kind'];

/** The form as the user edits it: every field of every frequency kind, so switching kinds keeps what was typed. */
export interface ScheduleForm {
  name: string;
  tier: Tier;
  kind: FrequencyKind;
  dayOfWeek: number;
  dayOfMonth: DayOfMonth;
  month: number;
  expression: string;
  time: string;
  timezone: string;
  windowDays: number;
  catchUp: CatchUp;
  /** Empty: the backend's default (one period). */
  maxLatenessMinutes: string;
  targetKind: 'instances' | 'selector';
  instanceIds: string[];
  businessId: string;
  labels: string;
}

export function emptyForm(timezone: string): ScheduleForm {
  return {
    name: '',
    tier: 'daily',
    kind: 'daily',
    dayOfWeek: 1,
    dayOfMonth: 1,
    month: 1,
    expression: '0 0 2 * * *',
    time: '02:00:00',
    timezone,
    windowDays: 1,
    catchUp: 'latest',
    maxLatenessMinutes: '',
    targetKind: 'instances',
    instanceIds: [],
    businessId: '',
    labels: '',
  };
}

export function formOf(s: Schedule): ScheduleForm {
  const base = emptyForm(s.timezone);
  const f = s.frequency;
  return {
    ...base,
    name: s.name,
    tier: s.tier,
    kind: f.kind,
    dayOfWeek: f.kind === 'weekly' ? f.dayOfWeek : base.dayOfWeek,
    dayOfMonth: 'dayOfMonth' in f ? f.dayOfMonth : base.dayOfMonth,
    month: 'month' in f ? f.month : base.month,
    expression: f.kind === 'cron' ? f.expression : base.expression,
    time: s.time,
    windowDays: s.windowDays,
    catchUp: s.catchUp,
    maxLatenessMinutes: s.maxLatenessSeconds === undefined ? '' : String(s.maxLatenessSeconds / 60),
    targetKind: s.instanceIds ? 'instances' : 'selector',
    instanceIds: s.instanceIds ?? [],
    businessId: s.selector?.businessId ?? '',
    labels: Object.entries(s.selector?.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  };
}

export function frequencyOf(form: ScheduleForm): Frequency {
  switch (form.kind) {
    case 'daily':
      return { kind: 'daily' };
    case 'weekly':
      return { kind: 'weekly', dayOfWeek: form.dayOfWeek };
    case 'monthly':
      return { kind: 'monthly', dayOfMonth: form.dayOfMonth };
    case 'semiannual':
      return { kind: 'semiannual', month: form.month, dayOfMonth: form.dayOfMonth };
    case 'annual':
      return { kind: 'annual', month: form.month, dayOfMonth: form.dayOfMonth };
    case 'cron':
      return { kind: 'cron', expression: form.expression.trim() };
  }
}

/** `env=prod, role=primary` → `{ env: 'prod', role: 'primary' }`; a bare key matches any value. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const term of text.split(',')) {
    const [key, ...rest] = term.split('=');
    const k = key?.trim();
    if (k) {
      out[k] = rest.join('=').trim();
    }
  }
  return out;
}

/** The create/preview body of the form, exactly as the backend validates it. */
export function inputOf(form: ScheduleForm): ScheduleInput {
  const selector: InstanceSelector = {};
  if (form.businessId) {
    selector.businessId = form.businessId;
  }
  const labels = parseLabels(form.labels);
  if (Object.keys(labels).length > 0) {
    selector.labels = labels;
  }
  const lateness = form.maxLatenessMinutes.trim();
  return {
    name: form.name.trim(),
    ...(form.targetKind === 'instances' ? { instanceIds: form.instanceIds } : { selector }),
    tier: form.tier,
    frequency: frequencyOf(form),
    time: form.time,
    timezone: form.timezone,
    windowDays: form.windowDays,
    catchUp: form.catchUp,
    ...(lateness === '' ? {} : { maxLatenessSeconds: Math.round(Number(lateness) * 60) }),
  };
}

/** The tier's usual window, offered when the tier changes. */
export const TIER_WINDOW_DAYS: Record<Tier, number> = { daily: 1, weekly: 7, monthly: 30, annual: 365 };
