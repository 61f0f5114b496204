import type { CheckContext, Texts } from '../../check.types.js';
import { atWindowEnd, baselineCoverage, baselineSpanMs, snapshotNotUsed, UNUSABLE_SNAPSHOT } from '../../format.js';
import { sinceServerStart, type StatusValues } from '../connections/global-status.js';

/** The snapshot collector's key of a status counter. */
export const counterKey = (name: string): string => `status.${name.toLowerCase()}`;

/** Status counters over the counted period: the window (snapshot delta) or, failing that, since the server started. */
export interface CounterPeriod {
  /** Growth of each counter over the period; undefined when the server did not report it. */
  counted: Record<string, number | undefined>;
  /** `in the window since …` / `since … (server start …)`, plus why a snapshot was passed over. */
  period: Texts;
  /** Length of the period in seconds (snapshot to window end, or the server's uptime). */
  seconds: number;
  fromSnapshot: boolean;
  /** One row per counter: baseline, current and delta (or the totals since start). */
  evidence: Record<string, unknown>[];
}

/**
 * Counter growth since the stored snapshot at the window start (or the first one inside the window), the window's end
 * edge being the end snapshot of a late run or the live value. Without a usable snapshot (none, unreadable time, a
 * counter missing or gone backwards after FLUSH STATUS) the totals since the server started, which the period says.
 */
export function counterPeriod(
  names: readonly string[],
  status: StatusValues,
  ctx: Pick<CheckContext<unknown>, 'counterBaseline' | 'now' | 'window' | 'server'>,
): CounterPeriod {
  const base = ctx.counterBaseline;
  const live = Object.fromEntries(names.map((n) => [n, status.number(n)]));
  let unusable: Texts | undefined;
  if (base) {
    if (!Number.isFinite(Date.parse(base.takenAt))) unusable = UNUSABLE_SNAPSHOT.unreadableTime;
    const current = Object.fromEntries(names.map((n) => [n, atWindowEnd(base, counterKey(n), live[n])]));
    for (const n of names) {
      if (unusable) break;
      const before = base.counters[counterKey(n)];
      const now = current[n];
      if (now === undefined) continue;
      if (before === undefined) unusable = UNUSABLE_SNAPSHOT.lacks(n);
      else if (now < before)
        unusable = { en: `${n} went backwards (FLUSH STATUS?)`, zh: `${n} 比快照时变小了（执行过 FLUSH STATUS？）` };
    }
    if (!unusable) {
      const counted = Object.fromEntries(
        names.map((n) => {
          const now = current[n];
          const before = base.counters[counterKey(n)];
          return [n, now === undefined || before === undefined ? undefined : now - before];
        }),
      );
      return {
        counted,
        period: baselineCoverage(base),
        seconds: Math.max(0, baselineSpanMs(base, ctx.now) / 1000),
        fromSnapshot: true,
        evidence: names.map((n) => ({
          counter: n,
          baseline: base.counters[counterKey(n)] ?? null,
          current: current[n] ?? null,
          delta: counted[n] ?? null,
        })),
      };
    }
  }
  const uptime = status.number('Uptime') ?? ctx.server.uptimeSeconds;
  const since = sinceServerStart(ctx.now, ctx.window, uptime);
  const note = base && unusable ? snapshotNotUsed(base, unusable) : { en: '', zh: '' };
  return {
    counted: live,
    period: { en: since.en + note.en, zh: since.zh + note.zh },
    seconds: uptime,
    fromSnapshot: false,
    evidence: names.map((n) => ({ counter: n, sinceStart: live[n] ?? null })),
  };
}

/** `12.3 %` rounded to two decimals for `value`. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Bytes as a number from a variable value (`134217728`); undefined when absent or not numeric. */
export function bytesOf(vars: Map<string, string | null>, name: string): number | undefined {
  const raw = vars.get(name);
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
