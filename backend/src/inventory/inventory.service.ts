import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/config.js';
import { NotFoundError } from '../errors/domain-errors.js';
import type { Actor } from '../http/actor.js';
import type { Sealer } from '../secrets/sealer.js';
import type { HostFilter, InstanceFilter, InventoryRepository, InventoryWritePlan } from '../store/store.js';
import { testConnection } from '../targets/connection-test.js';
import { assertUniqueNames, toDocument, type InventoryDocument } from './inventory-document.js';
import { passwordAad, targetSpecFor } from './instance-target.js';
import {
  toPublicInstance,
  type Business,
  type BusinessInput,
  type BusinessPatch,
  type Host,
  type HostInput,
  type HostPatch,
  type Instance,
  type InstanceInput,
  type InstancePatch,
  type InstanceRecord,
} from './inventory.schema.js';

export interface ImportSummary {
  dryRun: boolean;
  businesses: { created: string[]; updated: string[] };
  hosts: { created: string[]; updated: string[] };
  instances: { created: string[]; updated: string[] };
}

export type ConnectionTestResult = Awaited<ReturnType<typeof testConnection>>;

/** Changed field names only, for audit details (never values: a value may be a secret). */
function changedFields(patch: object): string[] {
  return Object.keys(patch).sort();
}

export class InventoryService {
  constructor(
    private readonly repo: InventoryRepository,
    private readonly sealer: Sealer,
    private readonly audit: AuditLog,
    private readonly timeouts: Config['targets'],
    private readonly now: () => Date = () => new Date(),
  ) {}

  listBusinesses(): Promise<Business[]> {
    return this.repo.listBusinesses();
  }

  async getBusiness(id: string): Promise<Business> {
    return (await this.repo.getBusiness(id)) ?? notFound('business', id);
  }

  async createBusiness(actor: Actor, input: BusinessInput): Promise<Business> {
    const at = this.now().toISOString();
    const saved = await this.repo.insertBusiness({ id: randomUUID(), ...input, createdAt: at, updatedAt: at });
    await this.audit.record(actor, 'business.create', { type: 'business', id: saved.id, name: saved.name });
    return saved;
  }

  async updateBusiness(actor: Actor, id: string, patch: BusinessPatch): Promise<Business> {
    const current = await this.getBusiness(id);
    const saved = await this.repo.updateBusiness({ ...current, ...patch, updatedAt: this.now().toISOString() });
    await this.audit.record(
      actor,
      'business.update',
      { type: 'business', id, name: saved.name },
      { fields: changedFields(patch) },
    );
    return saved;
  }

  async deleteBusiness(actor: Actor, id: string): Promise<void> {
    const current = await this.getBusiness(id);
    await this.repo.deleteBusiness(id);
    await this.audit.record(actor, 'business.delete', { type: 'business', id, name: current.name });
  }

  listHosts(filter: HostFilter): Promise<Host[]> {
    return this.repo.listHosts(filter);
  }

  async getHost(id: string): Promise<Host> {
    return (await this.repo.getHost(id)) ?? notFound('host', id);
  }

  async createHost(actor: Actor, input: HostInput): Promise<Host> {
    const at = this.now().toISOString();
    const saved = await this.repo.insertHost({
      id: randomUUID(),
      ...input,
      labels: input.labels ?? {},
      createdAt: at,
      updatedAt: at,
    });
    await this.audit.record(actor, 'host.create', { type: 'host', id: saved.id, name: saved.name });
    return saved;
  }

  async updateHost(actor: Actor, id: string, patch: HostPatch): Promise<Host> {
    const current = await this.getHost(id);
    const saved = await this.repo.updateHost({ ...current, ...patch, updatedAt: this.now().toISOString() });
    await this.audit.record(
      actor,
      'host.update',
      { type: 'host', id, name: saved.name },
      { fields: changedFields(patch) },
    );
    return saved;
  }

  async deleteHost(actor: Actor, id: string): Promise<void> {
    const current = await this.getHost(id);
    await this.repo.deleteHost(id);
    await this.audit.record(actor, 'host.delete', { type: 'host', id, name: current.name });
  }

  async listInstances(filter: InstanceFilter): Promise<Instance[]> {
    return (await this.repo.listInstances(filter)).map(toPublicInstance);
  }

  async getInstanceRecord(id: string): Promise<InstanceRecord> {
    return (await this.repo.getInstance(id)) ?? notFound('instance', id);
  }

  async getInstance(id: string): Promise<Instance> {
    return toPublicInstance(await this.getInstanceRecord(id));
  }

  async createInstance(actor: Actor, input: InstanceInput): Promise<Instance> {
    const at = this.now().toISOString();
    const saved = await this.repo.insertInstance(this.newInstance(input, input.hostId, at));
    await this.audit.record(actor, 'instance.create', { type: 'instance', id: saved.id, name: saved.name });
    return toPublicInstance(saved);
  }

  async updateInstance(actor: Actor, id: string, patch: InstancePatch): Promise<Instance> {
    const current = await this.getInstanceRecord(id);
    const saved = await this.repo.updateInstance(this.patchInstance(current, patch, this.now().toISOString()));
    await this.audit.record(
      actor,
      'instance.update',
      { type: 'instance', id, name: saved.name },
      { fields: changedFields(patch) },
    );
    return toPublicInstance(saved);
  }

  async deleteInstance(actor: Actor, id: string): Promise<void> {
    const current = await this.getInstanceRecord(id);
    await this.repo.deleteInstance(id);
    await this.audit.record(actor, 'instance.delete', { type: 'instance', id, name: current.name });
  }

  /** Connects with the stored credentials and reports server facts; an unreachable target is an answer, not an error. */
  async testInstance(actor: Actor, id: string): Promise<ConnectionTestResult> {
    const instance = await this.getInstanceRecord(id);
    const host = await this.getHost(instance.hostId);
    const result = await testConnection(targetSpecFor(instance, host, this.sealer, this.timeouts));
    await this.audit.record(actor, 'instance.test', { type: 'instance', id, name: instance.name }, { ok: result.ok });
    return result;
  }

  async exportDocument(): Promise<InventoryDocument> {
    return toDocument(await this.repo.snapshot());
  }

  /** Upserts by name; nothing absent from the document is deleted. All or nothing. */
  async importDocument(actor: Actor, doc: InventoryDocument, dryRun = false): Promise<ImportSummary> {
    assertUniqueNames(doc);
    const at = this.now().toISOString();
    const current = await this.repo.snapshot();
    const byName = <T extends { name: string }>(list: T[]) => new Map(list.map((x) => [x.name, x]));
    const businesses = byName(current.businesses);
    const hosts = byName(current.hosts);
    const instances = byName(current.instances);
    const plan: InventoryWritePlan = {
      businesses: { create: [], update: [] },
      hosts: { create: [], update: [] },
      instances: { create: [], update: [] },
    };
    for (const b of doc.businesses) {
      const { hosts: hostDocs, ...bFields } = b;
      const existingB = businesses.get(b.name);
      const business: Business = existingB
        ? { ...existingB, ...bFields, updatedAt: at }
        : { id: randomUUID(), ...bFields, createdAt: at, updatedAt: at };
      plan.businesses[existingB ? 'update' : 'create'].push(business);
      for (const h of hostDocs) {
        const { instances: instanceDocs, ...hFields } = h;
        const existingH = hosts.get(h.name);
        const host: Host = existingH
          ? { ...existingH, ...hFields, labels: hFields.labels ?? {}, businessId: business.id, updatedAt: at }
          : {
              id: randomUUID(),
              ...hFields,
              labels: hFields.labels ?? {},
              businessId: business.id,
              createdAt: at,
              updatedAt: at,
            };
        plan.hosts[existingH ? 'update' : 'create'].push(host);
        for (const i of instanceDocs) {
          const existingI = instances.get(i.name);
          if (existingI) {
            const { password, ...rest } = i;
            const patch: InstancePatch = {
              ...rest,
              hostId: host.id,
              database: i.database ?? null,
              tls: i.tls ?? null,
              backupEvidenceSql: i.backupEvidenceSql ?? null,
              labels: i.labels ?? {},
              ...(password !== undefined ? { password } : {}),
            };
            plan.instances.update.push(this.patchInstance(existingI, patch, at));
          } else {
            plan.instances.create.push(this.newInstance({ ...i, hostId: host.id }, host.id, at));
          }
        }
      }
    }
    const names = <T extends { name: string }>(l: T[]) => l.map((x) => x.name);
    const summary: ImportSummary = {
      dryRun,
      businesses: { created: names(plan.businesses.create), updated: names(plan.businesses.update) },
      hosts: { created: names(plan.hosts.create), updated: names(plan.hosts.update) },
      instances: { created: names(plan.instances.create), updated: names(plan.instances.update) },
    };
    if (dryRun) return summary;
    await this.repo.applyPlan(plan);
    await this.audit.record(
      actor,
      'inventory.import',
      { type: 'inventory' },
      {
        businesses: summary.businesses,
        hosts: summary.hosts,
        instances: summary.instances,
      },
    );
    return summary;
  }

  private newInstance(input: InstanceInput, hostId: string, at: string): InstanceRecord {
    const id = randomUUID();
    const { password, labels, enabled, ...rest } = input;
    return {
      id,
      ...rest,
      hostId,
      labels: labels ?? {},
      enabled: enabled ?? true,
      ...(password !== undefined ? { passwordSealed: this.sealer.seal(password, passwordAad(id)) } : {}),
      createdAt: at,
      updatedAt: at,
    };
  }

  private patchInstance(current: InstanceRecord, patch: InstancePatch, at: string): InstanceRecord {
    const { password, database, tls, backupEvidenceSql, ...rest } = patch;
    const next: InstanceRecord = { ...current, ...rest, updatedAt: at };
    const optional = { database, tls, backupEvidenceSql } as const;
    for (const [key, value] of Object.entries(optional) as [keyof typeof optional, unknown][]) {
      if (value === null) delete next[key];
      else if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
    }
    if (password === null) delete next.passwordSealed;
    else if (password !== undefined) next.passwordSealed = this.sealer.seal(password, passwordAad(current.id));
    return next;
  }
}

function notFound(kind: string, id: string): never {
  throw new NotFoundError(`no ${kind} with id ${id}`);
}
