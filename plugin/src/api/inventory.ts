import { apiFetch, seg, type ItemList } from './client';

export type Engine = 'mysql' | 'mariadb' | 'postgres';
export type Labels = Record<string, string>;
export type TlsMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

interface Stamps {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export interface Business extends Stamps {
  name: string;
  description?: string;
}

export interface Host extends Stamps {
  name: string;
  businessId: string;
  address: string;
  labels: Labels;
}

/** An instance as the API shows it: never the password, only whether one is set. */
export interface Instance extends Stamps {
  name: string;
  hostId: string;
  engine: Engine;
  port: number;
  user: string;
  passwordSet: boolean;
  database?: string;
  tls?: { mode: TlsMode; ca?: string };
  labels: Labels;
  backupEvidenceSql?: string;
  enabled: boolean;
}

export interface BusinessInput {
  name: string;
  description?: string;
}

export interface HostInput {
  name: string;
  businessId: string;
  address: string;
  labels?: Labels;
}

export interface InstanceInput {
  name: string;
  hostId: string;
  engine: Engine;
  port: number;
  user: string;
  password?: string;
  database?: string;
  tls?: { mode: TlsMode; ca?: string };
  labels?: Labels;
  backupEvidenceSql?: string;
  enabled?: boolean;
}

/** A patch: only the fields sent change; null clears an optional field. */
export type InstancePatch = Partial<{
  [K in keyof InstanceInput]: K extends 'password' | 'database' | 'tls' | 'backupEvidenceSql'
    ? InstanceInput[K] | null
    : InstanceInput[K];
}>;

export type ConnectionTest =
  | {
      ok: true;
      engine: Engine;
      flavor: Engine;
      version: string;
      role: 'primary' | 'replica';
      uptimeSeconds: number;
      missingPrivileges: string[];
    }
  | { ok: false; error: string };

interface NameSummary {
  created: string[];
  updated: string[];
}

export interface ImportSummary {
  dryRun: boolean;
  businesses: NameSummary;
  hosts: NameSummary;
  instances: NameSummary;
}

export interface InstanceFilter {
  businessId?: string;
  hostId?: string;
  engine?: Engine;
  /** `key:value` pairs; all must match. */
  labels?: string[];
}

export const inventoryApi = {
  listBusinesses: async () => (await apiFetch<ItemList<Business>>({ path: 'businesses' })).items,
  createBusiness: (body: BusinessInput) => apiFetch<Business>({ method: 'POST', path: 'businesses', data: body }),
  updateBusiness: (id: string, body: Partial<BusinessInput>) =>
    apiFetch<Business>({ method: 'PATCH', path: `businesses/${seg(id)}`, data: body }),
  deleteBusiness: (id: string) => apiFetch<void>({ method: 'DELETE', path: `businesses/${seg(id)}` }),

  listHosts: async (filter: { businessId?: string; labels?: string[] } = {}) =>
    (await apiFetch<ItemList<Host>>({ path: 'hosts', params: { businessId: filter.businessId, label: filter.labels } }))
      .items,
  createHost: (body: HostInput) => apiFetch<Host>({ method: 'POST', path: 'hosts', data: body }),
  updateHost: (id: string, body: Partial<HostInput>) =>
    apiFetch<Host>({ method: 'PATCH', path: `hosts/${seg(id)}`, data: body }),
  deleteHost: (id: string) => apiFetch<void>({ method: 'DELETE', path: `hosts/${seg(id)}` }),

  listInstances: async (filter: InstanceFilter = {}) =>
    (
      await apiFetch<ItemList<Instance>>({
        path: 'instances',
        params: { businessId: filter.businessId, hostId: filter.hostId, engine: filter.engine, label: filter.labels },
      })
    ).items,
  getInstance: (id: string) => apiFetch<Instance>({ path: `instances/${seg(id)}` }),
  createInstance: (body: InstanceInput) => apiFetch<Instance>({ method: 'POST', path: 'instances', data: body }),
  updateInstance: (id: string, body: InstancePatch) =>
    apiFetch<Instance>({ method: 'PATCH', path: `instances/${seg(id)}`, data: body }),
  deleteInstance: (id: string) => apiFetch<void>({ method: 'DELETE', path: `instances/${seg(id)}` }),
  testInstance: (id: string) => apiFetch<ConnectionTest>({ method: 'POST', path: `instances/${seg(id)}/test` }),

  /** The inventory as YAML text (passwords are never exported). */
  exportYaml: () => apiFetch<string>({ path: 'inventory/export', params: { format: 'yaml' }, responseType: 'text' }),
  importDocument: (yamlText: string, dryRun: boolean) =>
    apiFetch<ImportSummary>({
      method: 'POST',
      path: 'inventory/import',
      params: { dryRun: String(dryRun) },
      data: yamlText,
      headers: { 'Content-Type': 'application/yaml' },
    }),
};
