import type { Filter, UpdateFilter, WithId } from 'mongodb';
import type { Business, Host, InstanceRecord, Labels, TlsSettings } from '../../inventory/inventory.schema.js';
import { iso, toDate, type BusinessDoc, type HostDoc, type InstanceDoc, type LabelPair } from './mongo-database.js';

/* Inventory documents in MongoDB: mapping to and from the domain records, and the update and filter shapes. */

export const toPairs = (labels: Labels): LabelPair[] => Object.entries(labels).map(([k, v]) => ({ k, v }));
export const fromPairs = (pairs: unknown): Labels =>
  Array.isArray(pairs) ? Object.fromEntries((pairs as LabelPair[]).map((p) => [p.k, p.v])) : {};
export const tlsOf = (t: TlsSettings): TlsSettings => ({ mode: t.mode, ...(t.ca != null ? { ca: t.ca } : {}) });

export const toBusiness = (d: WithId<BusinessDoc>): Business => ({
  id: d._id,
  name: d.name,
  ...(d.description != null ? { description: d.description } : {}),
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
});

export const toHost = (d: WithId<HostDoc>): Host => ({
  id: d._id,
  name: d.name,
  businessId: d.businessId,
  address: d.address,
  labels: fromPairs(d.labels),
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
});

export const toInstance = (d: WithId<InstanceDoc>): InstanceRecord => ({
  id: d._id,
  name: d.name,
  hostId: d.hostId,
  engine: d.engine,
  port: Number(d.port),
  user: d.user,
  ...(d.passwordSealed != null ? { passwordSealed: d.passwordSealed } : {}),
  ...(d.database != null ? { database: d.database } : {}),
  ...(d.tls != null ? { tls: tlsOf(d.tls) } : {}),
  labels: fromPairs(d.labels),
  ...(d.backupEvidenceSql != null ? { backupEvidenceSql: d.backupEvidenceSql } : {}),
  enabled: Boolean(d.enabled),
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
});

// What an update writes: everything but the id and createdAt, as the PostgreSQL UPDATEs do.
export const businessFields = (b: Business) => ({
  name: b.name,
  ...(b.description != null ? { description: b.description } : {}),
  updatedAt: toDate(b.updatedAt),
});

export const hostFields = (h: Host) => ({
  name: h.name,
  businessId: h.businessId,
  address: h.address,
  labels: toPairs(h.labels),
  updatedAt: toDate(h.updatedAt),
});

export const instanceFields = (i: InstanceRecord) => ({
  name: i.name,
  hostId: i.hostId,
  engine: i.engine,
  port: i.port,
  user: i.user,
  ...(i.passwordSealed != null ? { passwordSealed: i.passwordSealed } : {}),
  ...(i.database != null ? { database: i.database } : {}),
  ...(i.tls != null ? { tls: tlsOf(i.tls) } : {}),
  labels: toPairs(i.labels),
  ...(i.backupEvidenceSql != null ? { backupEvidenceSql: i.backupEvidenceSql } : {}),
  enabled: i.enabled,
  updatedAt: toDate(i.updatedAt),
});

/** `$set` for the given fields and `$unset` for the optional ones left out (an empty `$unset` fails before 5.0). */
export function setFields<T>(fields: object, optional: readonly string[]): UpdateFilter<T> {
  const unset = optional.filter((k) => !(k in fields));
  return {
    $set: fields,
    ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((k) => [k, ''])) } : {}),
  } as UpdateFilter<T>;
}

export function and<T>(conditions: Filter<T>[]): Filter<T> {
  if (conditions.length === 0) return {};
  if (conditions.length === 1) return conditions[0] as Filter<T>;
  return { $and: conditions } as Filter<T>;
}

export const labelConditions = (labels: Labels | undefined) =>
  Object.entries(labels ?? {}).map(([k, v]) => ({ labels: { $elemMatch: { k, v } } }));
