import type { ApiToken, ApiTokenRecord } from '../auth/token.types.js';
import type { AuditEntry, AuditQuery } from '../audit/audit.types.js';
import type { Business, Host, InstanceRecord, Labels, Engine } from '../inventory/inventory.schema.js';
import type { ReportQuery, ReportSummary, StoredReport } from '../reports/report.model.js';
import type { ThresholdOverride, ThresholdScope } from '../thresholds/threshold.model.js';
import type { Schedule, ScheduleStatus } from '../schedules/schedule.model.js';
import type { Inspection, InspectionState, InstanceProgress } from '../inspections/inspection.model.js';
import type { AgendaBackend } from 'agenda';
import type { CounterSnapshot } from '../snapshots/snapshot.model.js';
import type { MetricsQuery, MetricsSnapshot } from '../metrics/metrics.types.js';
import type { Waiver, WaiverScope } from '../waivers/waiver.model.js';
import type { BaselineScope, ParameterBaseline } from '../baselines/baseline.model.js';
import type { EngineFamily } from '../checks/check.types.js';
import type {
  AnalyticsScope,
  FindingFilter,
  FindingRow,
  InstanceSeries,
  LatestScope,
  OutcomeRow,
  ReportTotals,
  SeverityBucket,
} from '../grafana/report-analytics.types.js';

export interface HostFilter {
  businessId?: string;
  labels?: Labels;
}

export interface InstanceFilter {
  businessId?: string;
  hostId?: string;
  engine?: Engine;
  labels?: Labels;
}

/** Everything an inventory import writes, resolved to ids; applied all or nothing. */
export interface InventoryWritePlan {
  businesses: { create: Business[]; update: Business[] };
  hosts: { create: Host[]; update: Host[] };
  instances: { create: InstanceRecord[]; update: InstanceRecord[] };
}

/** The whole inventory as stored (used for export and import planning). */
export interface InventorySnapshot {
  businesses: Business[];
  hosts: Host[];
  instances: InstanceRecord[];
}

/**
 * Businesses, hosts and instances. Names are unique per kind; `create*` and `update*` throw `ConflictError` on a
 * duplicate name, `InputError` on a reference to a missing parent, `NotFoundError` on an unknown id; `delete*`
 * throws `ConflictError` while children exist.
 */
export interface InventoryRepository {
  listBusinesses(): Promise<Business[]>;
  getBusiness(id: string): Promise<Business | null>;
  insertBusiness(business: Business): Promise<Business>;
  updateBusiness(business: Business): Promise<Business>;
  deleteBusiness(id: string): Promise<void>;

  listHosts(filter?: HostFilter): Promise<Host[]>;
  getHost(id: string): Promise<Host | null>;
  insertHost(host: Host): Promise<Host>;
  updateHost(host: Host): Promise<Host>;
  deleteHost(id: string): Promise<void>;

  listInstances(filter?: InstanceFilter): Promise<InstanceRecord[]>;
  getInstance(id: string): Promise<InstanceRecord | null>;
  insertInstance(instance: InstanceRecord): Promise<InstanceRecord>;
  updateInstance(instance: InstanceRecord): Promise<InstanceRecord>;
  deleteInstance(id: string): Promise<void>;

  snapshot(): Promise<InventorySnapshot>;
  applyPlan(plan: InventoryWritePlan): Promise<void>;
  /** Replaces sealed passwords in one atomic step (key rotation). */
  replaceSealedPasswords(sealed: { id: string; passwordSealed: string }[]): Promise<void>;
}

export interface TokenRepository {
  insert(token: ApiTokenRecord): Promise<ApiToken>;
  findByHash(hash: string): Promise<ApiTokenRecord | null>;
  list(): Promise<ApiToken[]>;
  delete(id: string): Promise<void>;
  markUsed(id: string, at: string): Promise<void>;
  count(): Promise<number>;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
}

/** Per-check threshold overrides at global, business and instance scope. */
export interface ThresholdRepository {
  list(checkId?: string): Promise<ThresholdOverride[]>;
  /** Inserts or replaces the override for (check, scope, scopeId). */
  put(override: ThresholdOverride): Promise<ThresholdOverride>;
  /** Returns false when there was none. */
  remove(checkId: string, scope: ThresholdScope, scopeId: string): Promise<boolean>;
}

/** Inspection reports; immutable once written. */
export interface ReportRepository {
  /** Returns false (and writes nothing) when the inspection already has a report for that instance. */
  insert(report: StoredReport): Promise<boolean>;
  get(id: string): Promise<StoredReport | null>;
  /** Newest first by start time. */
  list(query: ReportQuery): Promise<ReportSummary[]>;
  /** The newest report of an instance and tier started before `before` (for baselines and comparisons). */
  latest(instanceId: string, tier: string, before?: string): Promise<StoredReport | null>;
}

export interface WaiverFilter {
  checkId?: string;
  scope?: WaiverScope;
  scopeId?: string;
  /** Only waivers in force at this instant (not expired). */
  activeAt?: string;
}

/** Waivers of findings (accepted risks with an owner and an expiry). */
export interface WaiverRepository {
  insert(waiver: Waiver): Promise<Waiver>;
  get(id: string): Promise<Waiver | null>;
  /** Ordered by check id, then expiry. */
  list(filter?: WaiverFilter): Promise<Waiver[]>;
  /** Replaces the stored waiver with this id; null when there is none. */
  update(waiver: Waiver): Promise<Waiver | null>;
  /** False when there was none. */
  remove(id: string): Promise<boolean>;
  /** Waivers in force at `at` that may cover an instance: global ones, its business's and its own. */
  applicable(instanceId: string, businessId: string | undefined, at: string): Promise<Waiver[]>;
}

/** Which findings one past report had, and which checks it could not run (for persisting-finding streaks). */
export interface ReportFindingKeys {
  id: string;
  startedAt: string;
  findings: { checkId: string; object: string; database?: string }[];
  /** Checks that errored or were skipped in that report. */
  notInspected: string[];
}

/** A narrow read of a report's history: finding keys only, never whole documents. */
export interface ReportHistoryRepository {
  /** Reports of an instance and tier started before `before`, newest first, at most `limit`. */
  findingKeys(instanceId: string, tier: string, before: string, limit: number): Promise<ReportFindingKeys[]>;
}

/** Parameter baselines, one per (scope, scope id, engine family). */
export interface ParameterBaselineRepository {
  get(scope: BaselineScope, scopeId: string, engine: EngineFamily): Promise<ParameterBaseline | null>;
  /** Ordered by scope, scope id, engine. */
  list(filter?: { scope?: BaselineScope; scopeId?: string }): Promise<ParameterBaseline[]>;
  /** Inserts or replaces the baseline of (scope, scopeId, engine). */
  put(baseline: ParameterBaseline): Promise<ParameterBaseline>;
  /** False when there was none. */
  remove(scope: BaselineScope, scopeId: string, engine: EngineFamily): Promise<boolean>;
  /** The baseline an instance is compared with: its own, else its business's; null when neither exists. */
  inForce(instanceId: string, businessId: string | undefined, engine: EngineFamily): Promise<ParameterBaseline | null>;
}

/** Schedules; names are unique among schedules that are not cancelled. */
export interface ScheduleRepository {
  /** `ConflictError` when an active or paused schedule has the name. */
  insert(schedule: Schedule): Promise<Schedule>;
  get(id: string): Promise<Schedule | null>;
  /** The active or paused schedule with this name. */
  getByName(name: string): Promise<Schedule | null>;
  list(filter?: { status?: ScheduleStatus[]; limit?: number; offset?: number }): Promise<Schedule[]>;
  count(filter?: { status?: ScheduleStatus[] }): Promise<number>;
  /** Compare-and-set: writes only if the stored version is `expectedVersion`; null when it moved meanwhile. */
  update(schedule: Schedule, expectedVersion: number): Promise<Schedule | null>;
}

export interface InspectionFilter {
  state?: InspectionState;
  scheduleId?: string;
  limit: number;
  /** Paging: created before this time (newest first). */
  before?: string;
}

/** Inspection runs and their progress. */
export interface InspectionRepository {
  /** Inserts, or returns the existing inspection with the same `requestId` (`created: false`). */
  insertImmediate(inspection: Inspection): Promise<{ inspection: Inspection; created: boolean }>;
  /**
   * Claims a schedule's occurrence by (scheduleId, fireAt): inserts it as attempt 1, or takes over an unfinished one
   * with attempt + 1; null when that occurrence already finished (or was recorded missed).
   */
  claimOccurrence(inspection: Inspection): Promise<Inspection | null>;
  /** Claims an immediate inspection for a (re-)run: attempt + 1 unless it finished; null when it did. */
  claimImmediate(id: string): Promise<Inspection | null>;
  get(id: string): Promise<Inspection | null>;
  getOccurrence(scheduleId: string, fireAt: string): Promise<Inspection | null>;
  list(filter: InspectionFilter): Promise<Inspection[]>;
  /** Writes state fields if the attempt still owns the run and it has not finished; false otherwise. */
  update(
    id: string,
    attempt: number,
    patch: Partial<Pick<Inspection, 'state' | 'startedAt' | 'finishedAt' | 'worker' | 'error' | 'progress'>>,
  ): Promise<boolean>;
  setProgress(id: string, attempt: number, progress: InstanceProgress): Promise<boolean>;
  requestCancel(id: string): Promise<Inspection | null>;
}

/** Counter snapshots per instance (delta checks, and later time series). */
export interface SnapshotRepository {
  /** Idempotent on (instanceId, takenAt). */
  insert(snapshot: CounterSnapshot): Promise<void>;
  /** The latest snapshot taken at or before `at`. */
  latestAtOrBefore(instanceId: string, at: string): Promise<CounterSnapshot | null>;
  /** The earliest snapshot taken at or after `from` and before `to`. */
  firstBetween(instanceId: string, from: string, to: string): Promise<CounterSnapshot | null>;
  /** Deletes snapshots taken before `before`; returns how many. */
  prune(before: string): Promise<number>;
}

/** Aggregates over reports, runs and snapshots for the Grafana datasource; the database does the aggregation. */
export interface ReportAnalyticsRepository {
  /** Average score per instance and time bucket of `bucketMs` (epoch-aligned). */
  scoreSeries(scope: AnalyticsScope, bucketMs: number): Promise<InstanceSeries[]>;
  /** Findings by severity per time bucket, summed over instances, each from its newest report in the bucket. */
  findingCountSeries(scope: AnalyticsScope, bucketMs: number): Promise<SeverityBucket[]>;
  /** Findings of each instance's newest report in scope, ordered by severity (worst first), instance, check. */
  latestFindings(scope: LatestScope, filter: FindingFilter): Promise<FindingRow[]>;
  /** Check outcomes over each instance's newest report in scope, one row per check. */
  latestOutcomes(scope: LatestScope, checkIds?: readonly string[]): Promise<OutcomeRow[]>;
  /** Runs created or due in `[from, to)` (missed occurrences by their fire time), newest first. */
  runsBetween(from: string, to: string, options: { tier?: string; limit: number }): Promise<Inspection[]>;
  /**
   * Increase of a cumulative counter per instance and bucket from consecutive snapshots of one server lifetime;
   * `counter` may hold `*` for one name segment (`db.*.deadlocks`), matching counters are summed.
   */
  counterSeries(scope: Omit<AnalyticsScope, 'tier'>, counter: string, bucketMs: number): Promise<InstanceSeries[]>;
  totals(): Promise<ReportTotals>;
}

/** What `/metrics` reads at scrape time: latest results, schedule history and queue state, aggregated by the store. */
export interface MetricsRepository {
  snapshot(query: MetricsQuery): Promise<MetricsSnapshot>;
}

/** Direct upkeep of Agenda's job rows that Agenda's own API can only do by scanning them all. */
export interface JobMaintenance {
  /** Versions of the occurrences still pending (not run yet), by schedule id: one indexed read for the reconciler. */
  pendingOccurrenceVersions(): Promise<Map<string, number[]>>;
  /** Deletes one-off job rows that finished before `before` (their history lives in the inspections table). */
  pruneFinishedJobs(before: string): Promise<number>;
}

export type StoreKind = 'postgres' | 'embedded' | 'mongodb';

/** The persistence boundary of DB Patrol; one adapter per database, one contract suite for all. */
export interface Store {
  readonly kind: StoreKind;
  /** A human description without credentials, e.g. `postgres 127.0.0.1:5432/dbpatrol`. */
  readonly description: string;
  readonly inventory: InventoryRepository;
  readonly tokens: TokenRepository;
  readonly audit: AuditRepository;
  readonly thresholds: ThresholdRepository;
  readonly reports: ReportRepository;
  readonly schedules: ScheduleRepository;
  readonly inspections: InspectionRepository;
  readonly snapshots: SnapshotRepository;
  readonly jobs: JobMaintenance;
  readonly metrics: MetricsRepository;
  readonly reportAnalytics: ReportAnalyticsRepository;
  readonly waivers: WaiverRepository;
  readonly reportHistory: ReportHistoryRepository;
  readonly baselines: ParameterBaselineRepository;
  /** Runs pending schema migrations (versioned, idempotent, safe with concurrent starters). */
  migrate(): Promise<void>;
  /** Throws when the store cannot answer. */
  ping(): Promise<void>;
  /** Agenda's backend on the same database (jobs live beside the data; its schema comes from `migrate`). */
  agendaBackend(): AgendaBackend;
  /** True when only this process may use the store (embedded): no cross-process notifications needed. */
  readonly singleProcess: boolean;
  close(): Promise<void>;
}
