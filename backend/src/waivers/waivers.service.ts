import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { AnyCheck } from '../checks/check.types.js';
import { InputError, NotFoundError } from '../errors/domain-errors.js';
import type { Actor } from '../http/actor.js';
import type { InventoryRepository, WaiverFilter, WaiverRepository } from '../store/store.js';
import type { Waiver, WaiverContext } from './waiver.model.js';
import type { WaiverCreate, WaiverPatch } from './waiver.schema.js';

/** A waiver with whether it is in force now, as lists and the API show it. */
export type WaiverView = Waiver & { active: boolean };

const AUDITED_FIELDS = ['checkId', 'scope', 'scopeId', 'objectPattern', 'reason', 'owner', 'expiresAt'] as const;

export class WaiversService {
  constructor(
    private readonly repo: WaiverRepository,
    private readonly inventory: Pick<InventoryRepository, 'getBusiness' | 'getInstance'>,
    private readonly checks: readonly AnyCheck[],
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private view(w: Waiver): WaiverView {
    return { ...w, active: Date.parse(w.expiresAt) > this.now().getTime() };
  }

  async list(filter: Omit<WaiverFilter, 'activeAt'> & { active?: boolean }): Promise<WaiverView[]> {
    const { active, ...rest } = filter;
    const all = await this.repo.list({ ...rest, ...(active ? { activeAt: this.now().toISOString() } : {}) });
    return all.map((w) => this.view(w));
  }

  async get(id: string): Promise<WaiverView> {
    const w = await this.repo.get(id);
    if (!w) throw new NotFoundError(`no waiver with id ${id}`);
    return this.view(w);
  }

  /** What an inspection of one instance applies: the waivers in force now for it, its business, and everywhere. */
  async contextFor(instanceId: string, businessId: string | undefined, at = this.now()): Promise<WaiverContext> {
    return {
      instanceId,
      ...(businessId ? { businessId } : {}),
      waivers: await this.repo.applicable(instanceId, businessId, at.toISOString()),
    };
  }

  /** Every problem of a whole waiver at once, each naming its field. */
  private async validate(w: Omit<Waiver, 'id' | 'createdAt' | 'createdBy' | 'updatedAt'>): Promise<void> {
    const issues: { path: string; message: string }[] = [];
    if (!this.checks.some((c) => c.id === w.checkId)) {
      issues.push({ path: 'checkId', message: `is not a check of the catalog: ${w.checkId}` });
    }
    if (Date.parse(w.expiresAt) <= this.now().getTime()) {
      issues.push({ path: 'expiresAt', message: 'must be in the future' });
    }
    if (w.scope === 'global' && w.scopeId) {
      issues.push({ path: 'scopeId', message: 'must be empty for scope global' });
    } else if (w.scope !== 'global' && !w.scopeId) {
      issues.push({ path: 'scopeId', message: `is required for scope ${w.scope}` });
    } else if (w.scope === 'business' && !(await this.inventory.getBusiness(w.scopeId))) {
      issues.push({ path: 'scopeId', message: `no business with id ${w.scopeId}` });
    } else if (w.scope === 'instance' && !(await this.inventory.getInstance(w.scopeId))) {
      issues.push({ path: 'scopeId', message: `no instance with id ${w.scopeId}` });
    }
    if (issues.length) throw new InputError(issues);
  }

  async create(actor: Actor, input: WaiverCreate): Promise<WaiverView> {
    const fields = {
      checkId: input.checkId,
      scope: input.scope,
      scopeId: input.scopeId ?? '',
      ...(input.objectPattern ? { objectPattern: input.objectPattern } : {}),
      reason: input.reason,
      owner: input.owner,
      expiresAt: new Date(input.expiresAt).toISOString(),
    };
    await this.validate(fields);
    const at = this.now().toISOString();
    const saved = await this.repo.insert({
      id: randomUUID(),
      ...fields,
      createdAt: at,
      createdBy: actor.grafanaUser ? `${actor.name} (${actor.grafanaUser})` : actor.name,
      updatedAt: at,
    });
    await this.audit.record(
      actor,
      'waivers.create',
      { type: 'waiver', id: saved.id, name: saved.checkId },
      {
        scope: saved.scope,
        scopeId: saved.scopeId,
        objectPattern: saved.objectPattern ?? null,
        owner: saved.owner,
        expiresAt: saved.expiresAt,
      },
    );
    return this.view(saved);
  }

  async update(actor: Actor, id: string, patch: WaiverPatch): Promise<WaiverView> {
    const current = await this.repo.get(id);
    if (!current) throw new NotFoundError(`no waiver with id ${id}`);
    const { objectPattern, expiresAt, ...rest } = patch;
    const next: Waiver = {
      ...current,
      ...rest,
      ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
      updatedAt: this.now().toISOString(),
    };
    if (patch.scope === 'global' && patch.scopeId === undefined) next.scopeId = '';
    if (objectPattern === null) delete next.objectPattern;
    else if (objectPattern !== undefined) next.objectPattern = objectPattern;
    await this.validate(next);
    const saved = await this.repo.update(next);
    if (!saved) throw new NotFoundError(`no waiver with id ${id}`);
    const changed = AUDITED_FIELDS.filter((k) => current[k] !== saved[k]);
    await this.audit.record(
      actor,
      'waivers.update',
      { type: 'waiver', id, name: saved.checkId },
      { changed, expiresAt: saved.expiresAt, owner: saved.owner },
    );
    return this.view(saved);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const current = await this.repo.get(id);
    if (!current || !(await this.repo.remove(id))) throw new NotFoundError(`no waiver with id ${id}`);
    await this.audit.record(
      actor,
      'waivers.delete',
      { type: 'waiver', id, name: current.checkId },
      { scope: current.scope, scopeId: current.scopeId, owner: current.owner },
    );
  }
}
