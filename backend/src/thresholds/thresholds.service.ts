import type { AuditLog } from '../audit/audit-log.js';
import type { AnyCheck } from '../checks/check.types.js';
import { InputError, NotFoundError } from '../errors/domain-errors.js';
import type { Actor } from '../http/actor.js';
import { zodIssuesToDetails } from '../http/zod-issues.js';
import type { ThresholdRepository } from '../store/store.js';
import type { ThresholdOverride, ThresholdScope } from './threshold.model.js';

/** The layers that apply to one instance, most general first. */
export interface ThresholdTarget {
  businessId?: string;
  instanceId?: string;
}

const SCOPE_ORDER: ThresholdScope[] = ['global', 'business', 'instance'];

/** Defaults, then global, business and instance overrides, key by key; the most specific wins. */
export function mergeThresholds(
  defaults: Record<string, unknown>,
  overrides: readonly ThresholdOverride[],
  target: ThresholdTarget,
): Record<string, unknown> {
  const applies = (o: ThresholdOverride) =>
    o.scope === 'global' ||
    (o.scope === 'business' && o.scopeId === target.businessId) ||
    (o.scope === 'instance' && o.scopeId === target.instanceId);
  const layers = overrides.filter(applies).sort((a, b) => SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope));
  return Object.assign({}, defaults, ...layers.map((l) => l.values));
}

/** Rewrites a stored override's values as the current checks read them (see checks/threshold-renames.ts). */
export type UpgradeStoredThresholds = (
  checkId: string,
  values: Readonly<Record<string, unknown>>,
) => Record<string, unknown>;

export class ThresholdsService {
  constructor(
    private readonly repo: ThresholdRepository,
    private readonly checks: readonly AnyCheck[],
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
    /** Keys renamed and values retired since an override was stored (the composition root passes the checks' table). */
    private readonly upgrade: UpgradeStoredThresholds = (_id, values) => ({ ...values }),
  ) {}

  private upgraded(o: ThresholdOverride): ThresholdOverride {
    return { ...o, values: this.upgrade(o.checkId, o.values) };
  }

  check(id: string): AnyCheck {
    const c = this.checks.find((x) => x.id === id);
    if (!c) throw new NotFoundError(`no check with id ${id}`);
    return c;
  }

  /** Stored overrides as the checks read them (keys renamed and values retired since they were written upgraded). */
  async overrides(checkId?: string): Promise<ThresholdOverride[]> {
    return (await this.repo.list(checkId)).map((o) => this.upgraded(o));
  }

  /** A resolver for one instance: one store read for all checks. */
  async resolverFor(target: ThresholdTarget): Promise<(check: AnyCheck) => Record<string, unknown>> {
    const all = (await this.repo.list()).map((o) => this.upgraded(o));
    return (check) =>
      mergeThresholds(
        check.thresholds.defaults as Record<string, unknown>,
        all.filter((o) => o.checkId === check.id),
        target,
      );
  }

  async set(
    actor: Actor,
    checkId: string,
    scope: ThresholdScope,
    scopeId: string,
    values: Record<string, unknown>,
  ): Promise<ThresholdOverride> {
    const check = this.check(checkId);
    const defaults = check.thresholds.defaults as Record<string, unknown>;
    const unknown = Object.keys(values).filter((k) => !(k in defaults));
    if (unknown.length) {
      throw new InputError(
        unknown.map((k) => ({
          path: `values.${k}`,
          message: `is not a threshold of ${checkId} (known: ${Object.keys(defaults).join(', ') || 'none'})`,
        })),
      );
    }
    const parsed = check.thresholds.schema.safeParse({ ...defaults, ...values });
    if (!parsed.success) throw new InputError(zodIssuesToDetails(parsed.error.issues, ['values']));
    if (scope !== 'global' && !scopeId) throw InputError.field('scopeId', `is required for scope ${scope}`);
    const saved = await this.repo.put({
      checkId,
      scope,
      scopeId: scope === 'global' ? '' : scopeId,
      values,
      updatedAt: this.now().toISOString(),
      updatedBy: actor.grafanaUser ? `${actor.name} (${actor.grafanaUser})` : actor.name,
    });
    await this.audit.record(
      actor,
      'thresholds.set',
      { type: 'check', id: checkId },
      { scope, scopeId, keys: Object.keys(values) },
    );
    return saved;
  }

  async remove(actor: Actor, checkId: string, scope: ThresholdScope, scopeId: string): Promise<void> {
    this.check(checkId);
    if (!(await this.repo.remove(checkId, scope, scope === 'global' ? '' : scopeId))) {
      throw new NotFoundError(`no ${scope} threshold override for ${checkId}${scopeId ? ` and ${scopeId}` : ''}`);
    }
    await this.audit.record(actor, 'thresholds.remove', { type: 'check', id: checkId }, { scope, scopeId });
  }
}
