import { SEVERITIES } from '../checks/check.types.js';
import type { CheckOutcome, Finding } from '../reports/report.types.js';
import type { WaivedMark, Waiver, WaiverContext, WaiverScope } from './waiver.model.js';

const SPECIFICITY: Record<WaiverScope, number> = { global: 0, business: 1, instance: 2 };

/** `*` any run of characters (dots included: objects are flat names), `?` one character, `\` escapes; the rest literal. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += escapeChar(pattern[++i]!);
    else if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else re += escapeChar(ch);
  }
  return new RegExp(`^${re}$`, 'u');
}

const escapeChar = (ch: string): string => ch.replace(/[.*+?^${}()|[\]\\/-]/gu, '\\$&');

export function objectMatches(pattern: string | undefined, object: string): boolean {
  if (pattern === undefined || pattern === '') return true;
  return pattern === object || globToRegExp(pattern).test(object);
}

const inScope = (w: Waiver, instance: { id?: string; businessId?: string }): boolean =>
  w.scope === 'global' ||
  (w.scope === 'business' && !!instance.businessId && w.scopeId === instance.businessId) ||
  (w.scope === 'instance' && !!instance.id && w.scopeId === instance.id);

/** How closely a waiver names a finding: scope first, then an exact object over a glob over any object. */
const rank = (w: Waiver): number =>
  SPECIFICITY[w.scope] * 10 + (!w.objectPattern ? 0 : /[*?\\]/u.test(w.objectPattern) ? 1 : 2);

/**
 * The waiver in force for a finding at `now`, or undefined. Several may match: the most specific wins (instance over
 * business over global, an exact object over a glob over none), then the one expiring last, then the lowest id.
 */
export function matchWaiver(
  finding: Pick<Finding, 'checkId' | 'object'>,
  instance: { id?: string; businessId?: string },
  waivers: readonly Waiver[],
  now: Date,
): Waiver | undefined {
  const t = now.getTime();
  let best: Waiver | undefined;
  for (const w of waivers) {
    if (w.checkId !== finding.checkId || Date.parse(w.expiresAt) <= t) continue;
    if (!inScope(w, instance) || !objectMatches(w.objectPattern, finding.object)) continue;
    if (
      !best ||
      rank(w) > rank(best) ||
      (rank(w) === rank(best) && (w.expiresAt > best.expiresAt || (w.expiresAt === best.expiresAt && w.id < best.id)))
    ) {
      best = w;
    }
  }
  return best;
}

export const waivedMark = (w: Waiver): WaivedMark => ({
  waiverId: w.id,
  owner: w.owner,
  reason: w.reason,
  expiresAt: w.expiresAt,
});

/**
 * Marks waived findings and settles their checks: a failed check keeps the worst severity of its open findings, and
 * passes (with `waivedCount`) when every finding is waived, so the score and the exit code see only open findings.
 */
export function applyWaivers(
  checks: readonly CheckOutcome[],
  findings: readonly Finding[],
  context: WaiverContext | undefined,
  now: Date,
): { checks: CheckOutcome[]; findings: Finding[] } {
  if (!context?.waivers.length) return { checks: [...checks], findings: [...findings] };
  const instance = { id: context.instanceId, businessId: context.businessId };
  const marked = findings.map((f) => {
    const w = matchWaiver(f, instance, context.waivers, now);
    return w ? { ...f, waived: waivedMark(w) } : f;
  });
  const settled = checks.map((c): CheckOutcome => {
    const own = marked.filter((f) => f.checkId === c.checkId);
    const waivedCount = own.filter((f) => f.waived).length;
    if (c.status !== 'fail' || waivedCount === 0) return c;
    const open = own.filter((f) => !f.waived);
    if (open.length === 0) {
      const { severity: _dropped, ...rest } = c;
      return { ...rest, status: 'pass', waivedCount };
    }
    const severity = [...SEVERITIES].reverse().find((s) => open.some((f) => f.severity === s));
    return { ...c, ...(severity ? { severity } : {}), waivedCount };
  });
  return { checks: settled, findings: marked };
}
