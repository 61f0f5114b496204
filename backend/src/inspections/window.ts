import type { InspectionWindow, Tier } from '../checks/check.types.js';
import { InputError } from '../errors/domain-errors.js';

/** Default sampling window per tier, in days (annual also serves semi-annual runs with 182 from schedules). */
export const DEFAULT_WINDOW_DAYS: Record<Tier, number> = { daily: 1, weekly: 7, monthly: 30, annual: 365 };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `30m`, `12h`, `7d`, `2w` → milliseconds; throws an InputError naming `option`. */
export function parseDuration(text: string, option = '--window'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (!m) throw InputError.field(option, `"${text}" is not a duration like 12h, 7d or 2w`);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw InputError.field(option, 'must be longer than zero');
  if (ms > 3660 * UNIT_MS.d!) throw InputError.field(option, 'must be at most 3660 days');
  return ms;
}

function parseInstant(text: string, option: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    throw InputError.field(option, `"${text}" is not an ISO-8601 date or time (2026-11-20T08:00:00+08:00)`);
  }
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw InputError.field(option, `"${text}" is not a valid date`);
  return d;
}

/** The `days` days before `to`. */
export const windowOfDays = (to: Date, days: number): InspectionWindow => ({
  from: new Date(to.getTime() - days * UNIT_MS.d!),
  to,
});

/**
 * The sampling window of an immediate run as the API takes it: an explicit `[from, to)`, or `days` (default by tier)
 * ending now; an explicit window that does not start before it ends is an InputError naming `window.from`.
 */
export function requestedWindow(o: {
  window?: { from: string; to: string };
  days?: number;
  tier: Tier;
  now: Date;
}): InspectionWindow {
  if (!o.window) return windowOfDays(o.now, o.days ?? DEFAULT_WINDOW_DAYS[o.tier]);
  const window = { from: new Date(o.window.from), to: new Date(o.window.to) };
  if (window.from >= window.to) throw InputError.field('window.from', 'must be before window.to');
  return window;
}

/** The sampling window `[from, to)` from `--window`, or `--from`/`--to`, or the tier's default, ending now. */
export function resolveWindow(o: {
  window?: string;
  from?: string;
  to?: string;
  tier: Tier;
  now: Date;
}): InspectionWindow {
  if (o.window && (o.from || o.to)) throw InputError.field('--window', 'cannot be combined with --from/--to');
  const to = o.to ? parseInstant(o.to, '--to') : o.now;
  let from: Date;
  if (o.from) from = parseInstant(o.from, '--from');
  else if (o.window) from = new Date(to.getTime() - parseDuration(o.window));
  else from = windowOfDays(to, DEFAULT_WINDOW_DAYS[o.tier]).from;
  if (from.getTime() >= to.getTime())
    throw InputError.field(o.from ? '--from' : '--window', 'the window must start before it ends');
  return { from, to };
}
