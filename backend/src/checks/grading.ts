import type { Severity, Texts } from './check.types.js';

/** A measure's warning and critical limits; a limit left out (or null) never grades. */
export interface Limits {
  warn?: number | null;
  crit?: number | null;
}

export interface GradeOptions {
  /** `above` (default): values beyond a limit upwards are bad (lag, usage); `below`: downwards (free space, days left). */
  direction?: 'above' | 'below';
  /** True (default): reaching the limit counts (`>=` / `<=`); false: only passing it does (`>` / `<`). */
  inclusive?: boolean;
}

/** What grading a value found: the severity and the limit it crossed. */
export interface Grade {
  severity: Extract<Severity, 'warning' | 'critical'>;
  limit: number;
}

const crosses = (value: number, limit: number | null | undefined, o: Required<GradeOptions>): limit is number => {
  if (limit === null || limit === undefined || !Number.isFinite(limit)) return false;
  if (o.direction === 'above') return o.inclusive ? value >= limit : value > limit;
  return o.inclusive ? value <= limit : value < limit;
};

/** Grades a value against warn/crit limits; null when it crosses neither (or is not a number). */
export function grade(value: number, limits: Limits, options: GradeOptions = {}): Grade | null {
  if (!Number.isFinite(value)) return null;
  const o: Required<GradeOptions> = { direction: options.direction ?? 'above', inclusive: options.inclusive ?? true };
  if (crosses(value, limits.crit, o)) return { severity: 'critical', limit: limits.crit };
  if (crosses(value, limits.warn, o)) return { severity: 'warning', limit: limits.warn };
  return null;
}

/** A unit shown after a number, per language (`%`, ` s`, ` 秒`); the same in both when one string is given. */
export type Unit = string | Texts;

const unitIn = (unit: Unit | undefined, lang: keyof Texts): string =>
  unit === undefined ? '' : typeof unit === 'string' ? unit : unit[lang];

/** Common units, written as a DBA reads them in each language. */
export const UNITS = {
  percent: { en: ' %', zh: '%' },
  seconds: { en: ' s', zh: ' 秒' },
  minutes: { en: ' min', zh: ' 分钟' },
  hours: { en: ' h', zh: ' 小时' },
  days: { en: ' days', zh: ' 天' },
  count: { en: '', zh: '' },
} as const satisfies Record<string, Texts>;

/** `93.5 % (threshold 90 %)` / `93.5%（阈值 90%）`: a graded value and the limit it crossed. */
export function againstThreshold(value: number | string, limit: number | string, unit?: Unit): Texts {
  return {
    en: `${value}${unitIn(unit, 'en')} (threshold ${limit}${unitIn(unit, 'en')})`,
    zh: `${value}${unitIn(unit, 'zh')}（阈值 ${limit}${unitIn(unit, 'zh')}）`,
  };
}

/** `threshold 90 %` / `阈值 90%`, for messages that put the value elsewhere. */
export function thresholdText(limit: number | string, unit?: Unit): Texts {
  return { en: `threshold ${limit}${unitIn(unit, 'en')}`, zh: `阈值 ${limit}${unitIn(unit, 'zh')}` };
}
