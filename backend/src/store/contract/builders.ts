import { randomUUID } from 'node:crypto';
import type { Business, Host, InstanceRecord } from '../../inventory/inventory.schema.js';
import type { Inspection } from '../../inspections/inspection.model.js';
import type { StoredReport } from '../../reports/report.model.js';
import type { Schedule } from '../../schedules/schedule.model.js';
import type { InventoryWritePlan } from '../store.js';

/** Records as the services would write them, for the store contract and the adapters' own tests. */
export const T0 = '2026-01-02T03:04:05.000Z';
export const T1 = '2026-01-02T03:04:06.000Z';

/** A name no other row of the test has. */
export const unique = (base: string): string => `${base} ${randomUUID().slice(0, 8)}`;

export const aBusiness = (name: string, extra: Partial<Business> = {}): Business => ({
  id: randomUUID(),
  name,
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});
export const aHost = (name: string, businessId: string, extra: Partial<Host> = {}): Host => ({
  id: randomUUID(),
  name,
  businessId,
  address: '10.0.0.1',
  labels: {},
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});
export const anInstance = (name: string, hostId: string, extra: Partial<InstanceRecord> = {}): InstanceRecord => ({
  id: randomUUID(),
  name,
  hostId,
  engine: 'postgres',
  port: 5432,
  user: 'monitor',
  labels: {},
  enabled: true,
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});
export const aReport = (instanceId: string, startedAt: string, extra: Partial<StoredReport> = {}): StoredReport => ({
  id: randomUUID(),
  instanceId,
  trigger: { kind: 'manual', actor: 'admin' },
  maxSeverity: null,
  instance: { id: instanceId, name: 'pg-1', engine: 'postgres' },
  server: { engine: 'postgres', flavor: 'postgres', version: '15.20', role: 'primary', uptimeSeconds: 10 },
  reachable: true,
  tier: 'weekly',
  window: { from: '2026-01-01T00:00:00.000Z', to: startedAt },
  startedAt,
  finishedAt: startedAt,
  durationMs: 5,
  score: 100,
  counts: { pass: 1, fail: 0, error: 0, skipped: 0, critical: 0, warning: 0, info: 0 },
  checks: [],
  findings: [],
  catalogVersion: '0.1.0+abcdef01',
  thresholds: {},
  language: 'en',
  fingerprints: {},
  contentHash: 'f'.repeat(64),
  ...extra,
});

export const aSchedule = (name: string, extra: Partial<Schedule> = {}): Schedule => ({
  id: randomUUID(),
  name,
  instanceIds: ['i1'],
  tier: 'weekly',
  frequency: { kind: 'weekly', dayOfWeek: 3 },
  time: '08:00:00',
  timezone: 'Asia/Shanghai',
  windowDays: 3,
  catchUp: 'latest',
  status: 'active',
  version: 1,
  createdAt: T0,
  updatedAt: T0,
  createdBy: 'admin',
  ...extra,
});

export const anInspection = (extra: Partial<Inspection> = {}): Inspection => ({
  id: randomUUID(),
  trigger: { kind: 'manual', actor: 'admin' },
  tier: 'daily',
  window: { from: T0, to: T1 },
  instanceIds: ['i1', 'i2'],
  state: 'queued',
  progress: [
    { instanceId: 'i1', instanceName: 'one', state: 'queued', checksDone: 0, checksTotal: 0 },
    { instanceId: 'i2', instanceName: 'two', state: 'queued', checksDone: 0, checksTotal: 0 },
  ],
  cancelRequested: false,
  attempt: 1,
  createdAt: T0,
  ...extra,
});

export const emptyPlan = (): InventoryWritePlan => ({
  businesses: { create: [], update: [] },
  hosts: { create: [], update: [] },
  instances: { create: [], update: [] },
});
