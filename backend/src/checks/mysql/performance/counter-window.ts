import type { CheckContext, CounterBaseline, Texts } from '../../check.types.js';
import { atWindowEnd, baselineCoverage, baselineSpanMs, snapshotNotUsed, UNUSABLE_SNAPSHOT } from '../../format.js';
import { sinceServerStart, type StatusValues } from '../connections/global-status.js';

/** The snapshot collector's key of a status counter. */
export const statusKey = (name: string): string => `status.${name.toLowerCase()}`;

/** What a set of cumulative counters counted over the window, and which period that was. */
export interface CountedWindow<N extends string> {
  /** Growth since the baseline snapshot, or the totals since the server started when no snapshot could be used. */
  counted: Record<N, number | undefined>;
  /** The counted period in both languages (with the reason a stored snapshot was passed over, if it was). */
  period: Texts;
  /** Length of the counted period in milliseconds. */
  spanMs: number;
  /** True when the counters are the growth since a stored snapshot. */
  fromSnapshot: boolean;
  /** One row per counter: baseline, current and delta with a snapshot, the total without. */
  evidence: Record<string, unknown>[];
}

function windowDelta<N extends string>(
  names: readonly N[],
  current: Record<N, number | undefined>,
  base: CounterBaseline,
  keyOf: (name: N) => string,
): { delta: Record<N, number | undefined> } | { unusable: Texts } {
  if (!Number.isFinite(Date.parse(base.takenAt))) return { unusable: UNUSABLE_SNAPSHOT.unreadableTime };
  const delta = {} as Record<N, number | undefined>;
  for (const n of names) {
    const now = current[n];
    const before = base.counters[keyOf(n)];
    if (before === undefined) return { unusable: UNUSABLE_SNAPSHOT.lacks(n) };
    if (now === undefined) delta[n] = undefined;
    else if (now < before)
      return {
        unusable: { en: `${n} went backwards (FLUSH STATUS?)`, zh: `${n} 比快照时变小了（执行过 FLUSH STATUS？）` },
      };
    else delta[n] = now - before;
  }
  return { delta };
}

/**
 * Counter growth over the window: from the stored snapshot at the window start (`ctx.counterBaseline`) to the window's
 * end edge (the end snapshot of a late run, else the live values); every named counter must be in the snapshot and must
 * not have gone backwards, else the snapshot is passed over (and the period says why) and the totals since the server
 * started are counted.
 */
export function countWindow<N extends string>(
  names: readonly N[],
  live: (name: N) => number | undefined,
  ctx: Pick<CheckContext<unknown>, 'counterBaseline' | 'now' | 'window' | 'server'>,
  uptimeSeconds: number | undefined,
  keyOf: (name: N) => string = statusKey,
): CountedWindow<N> {
  const base = ctx.counterBaseline;
  const current = Object.fromEntries(names.map((n) => [n, atWindowEnd(base, keyOf(n), live(n))])) as Record<
    N,
    number | undefined
  >;
  const fromBase = base ? windowDelta(names, current, base, keyOf) : undefined;
  if (base && fromBase && 'delta' in fromBase)
    return {
      counted: fromBase.delta,
      period: baselineCoverage(base),
      spanMs: baselineSpanMs(base, ctx.now),
      fromSnapshot: true,
      evidence: names.map((n) => ({
        counter: n,
        baseline: base.counters[keyOf(n)] ?? null,
        current: current[n] ?? null,
        delta: fromBase.delta[n] ?? null,
      })),
    };
  const uptime = uptimeSeconds ?? ctx.server.uptimeSeconds;
  const since = sinceServerStart(ctx.now, ctx.window, uptime);
  const note =
    base && fromBase && 'unusable' in fromBase ? snapshotNotUsed(base, fromBase.unusable) : { en: '', zh: '' };
  return {
    counted: current,
    period: { en: since.en + note.en, zh: since.zh + note.zh },
    spanMs: uptime * 1000,
    fromSnapshot: false,
    evidence: names.map((n) => ({ counter: n, sinceServerStart: current[n] ?? null })),
  };
}

/** `countWindow` over global status variables read with `globalStatusSql` (Uptime read with them when asked for). */
export const countStatusWindow = <N extends string>(
  names: readonly N[],
  status: StatusValues,
  ctx: Pick<CheckContext<unknown>, 'counterBaseline' | 'now' | 'window' | 'server'>,
): CountedWindow<N> => countWindow(names, (n) => status.number(n), ctx, status.number('Uptime'));

/** A ratio as a percentage rounded to two decimals. */
export const percent = (part: number, whole: number): number => Math.round((part / whole) * 10_000) / 100;

/** A number rounded to `digits` decimals. */
export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
