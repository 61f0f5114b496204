import type { ClientSession, Collection, Db, MongoClient, TransactionOptions } from 'mongodb';
import type { Role } from '../../auth/token.types.js';
import type { Tier } from '../../checks/check.types.js';
import type { InspectionState, InspectionTrigger, InstanceProgress } from '../../inspections/inspection.model.js';
import type { Engine, TlsSettings } from '../../inventory/inventory.schema.js';
import type { ScheduleStatus } from '../../schedules/schedule.model.js';
import type { ThresholdScope } from '../../thresholds/threshold.model.js';
import { isTransactionsUnsupported } from './mongo-errors.js';

/** Collection names, shared by the repositories and the migrations. */
export const COLLECTIONS = {
  businesses: 'businesses',
  hosts: 'hosts',
  instances: 'instances',
  apiTokens: 'apiTokens',
  auditLog: 'auditLog',
  thresholdOverrides: 'thresholdOverrides',
  reports: 'reports',
  schedules: 'schedules',
  inspections: 'inspections',
  counterSnapshots: 'counterSnapshots',
  schemaMigrations: 'schemaMigrations',
} as const;

// Free-form JSON (audit details, threshold values, report documents, schedule specs, instance selectors) is stored as
// JSON text: it then round-trips exactly like the PostgreSQL jsonb columns (undefined dropped, dates as strings), and
// its keys, which may contain dots (check ids, object names, label keys), never meet MongoDB's field-name rules.

/**
 * A label as stored. Label keys may contain dots, which a MongoDB query path cannot address, so labels are kept as an
 * array of pairs and matched with `$elemMatch`.
 */
export interface LabelPair {
  k: string;
  v: string;
}

/** Businesses and hosts have children; `childSeq` is bumped by every transaction that attaches a child. */
export interface ParentDoc {
  _id: string;
  childSeq?: number;
}

/** A business as stored; dates are BSON dates, the other kinds alike. */
export interface BusinessDoc extends ParentDoc {
  name: string;
  description?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A host as stored. */
export interface HostDoc extends ParentDoc {
  name: string;
  businessId: string;
  address: string;
  labels: LabelPair[];
  createdAt: Date;
  updatedAt: Date;
}

/** An instance as stored (password sealed). */
export interface InstanceDoc {
  _id: string;
  name: string;
  hostId: string;
  engine: Engine;
  port: number;
  user: string;
  passwordSealed?: string;
  database?: string;
  tls?: TlsSettings;
  labels: LabelPair[];
  backupEvidenceSql?: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** An API token as stored (SHA-256 of the secret only). */
export interface TokenDoc {
  _id: string;
  name: string;
  role: Role;
  hash: string;
  createdAt: Date;
  createdBy: string;
  lastUsedAt?: Date;
}

/** An audit entry as stored. */
export interface AuditDoc {
  _id: string;
  at: Date;
  actor: string;
  grafanaUser?: string;
  action: string;
  targetType: string;
  targetId?: string;
  targetName?: string;
  detailsJson?: string;
}

/** Unique per (checkId, scope, scopeId); `_id` is the server's ObjectId. */
export interface ThresholdDoc {
  checkId: string;
  scope: ThresholdScope;
  scopeId: string;
  valuesJson: string;
  updatedAt: Date;
  updatedBy: string;
}

/**
 * The whole report as JSON text, its summary likewise, and the fields lists filter and sort on. `inspectionId`, when
 * present, is unique together with `instanceId` (absent, never null, on reports outside an inspection).
 */
export interface ReportDoc {
  _id: string;
  instanceId: string;
  inspectionId?: string;
  scheduleId?: string;
  businessId?: string;
  tier: Tier;
  startedAt: Date;
  windowFrom: Date;
  windowTo: Date;
  score: number;
  /** 1 info, 2 warning, 3 critical; absent without findings. */
  severityRank?: number;
  summaryJson: string;
  documentJson: string;
}

/**
 * A schedule as stored. The spec (everything the user sets but the name) is JSON text, as selectors carry label keys
 * that may contain dots. `live` is `status !== 'cancelled'`, kept by every write: a partial index cannot say `$ne`,
 * so the unique index on `name` covers `{ live: true }`.
 */
export interface ScheduleDoc {
  _id: string;
  name: string;
  status: ScheduleStatus;
  live: boolean;
  version: number;
  specJson: string;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
}

/**
 * An inspection as stored, field by field so that claims, fencing on `attempt` and progress updates are single
 * atomic document updates. Optional fields are absent, never null: the unique partial indexes on `requestId` and on
 * (`scheduleId`, `fireAt`) only cover documents where they exist. The selector is JSON text (dotted label keys).
 */
export interface InspectionDoc {
  _id: string;
  requestId?: string;
  scheduleId?: string;
  fireAt?: Date;
  trigger: InspectionTrigger;
  tier: Tier;
  windowFrom: Date;
  windowTo: Date;
  instanceIds?: string[];
  selectorJson?: string;
  state: InspectionState;
  /** One entry per instance, replaced in place by instance id. */
  progress: InstanceProgress[];
  cancelRequested: boolean;
  attempt: number;
  worker?: string;
  error?: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
};

/** Turns an ISO timestamp into a BSON date, refusing what is not a timestamp (PostgreSQL would too). */
export function toDate(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new TypeError(`not a timestamp: ${JSON.stringify(value)}`);
  return d;
}

/** A stored date as the ISO string the other adapters return. */
export const iso = (d: unknown): string => (d instanceof Date ? d : new Date(String(d))).toISOString();

/**
 * The client, the database and its typed collections, plus the transaction helper every repository shares.
 *
 * Transactions need a replica set or a sharded cluster. docker-compose runs MongoDB as a single-node replica set
 * (`--replSet rs0`), so they are normally available; on a standalone mongod the first transaction fails and the store
 * switches, for its lifetime, to the non-atomic fallbacks the repositories provide.
 */
export class MongoDatabase {
  readonly businesses: Collection<BusinessDoc>;
  readonly hosts: Collection<HostDoc>;
  readonly instances: Collection<InstanceDoc>;
  readonly apiTokens: Collection<TokenDoc>;
  readonly auditLog: Collection<AuditDoc>;
  readonly thresholdOverrides: Collection<ThresholdDoc>;
  readonly reports: Collection<ReportDoc>;
  readonly schedules: Collection<ScheduleDoc>;
  readonly inspections: Collection<InspectionDoc>;
  private transactions = true;

  constructor(
    readonly client: MongoClient,
    readonly db: Db,
  ) {
    this.businesses = db.collection<BusinessDoc>(COLLECTIONS.businesses);
    this.hosts = db.collection<HostDoc>(COLLECTIONS.hosts);
    this.instances = db.collection<InstanceDoc>(COLLECTIONS.instances);
    this.apiTokens = db.collection<TokenDoc>(COLLECTIONS.apiTokens);
    this.auditLog = db.collection<AuditDoc>(COLLECTIONS.auditLog);
    this.thresholdOverrides = db.collection<ThresholdDoc>(COLLECTIONS.thresholdOverrides);
    this.reports = db.collection<ReportDoc>(COLLECTIONS.reports);
    this.schedules = db.collection<ScheduleDoc>(COLLECTIONS.schedules);
    this.inspections = db.collection<InspectionDoc>(COLLECTIONS.inspections);
  }

  /** `false` once a transaction has shown that the deployment cannot run them. */
  get transactionsSupported(): boolean {
    return this.transactions;
  }

  /** Uses the non-transactional fallbacks from now on (tests; deployments known to be standalone). */
  disableTransactions(): void {
    this.transactions = false;
  }

  /**
   * Runs `work` in a transaction (retried by the driver on transient errors, so `work` must only touch the database
   * through `session`). Where transactions are unsupported, runs `fallback` instead, which by default is `work`
   * without a session.
   */
  async inTransaction<T>(
    work: (session: ClientSession | undefined) => Promise<T>,
    fallback: () => Promise<T> = () => work(undefined),
  ): Promise<T> {
    if (this.transactions) {
      try {
        return await this.client.withSession((session) =>
          session.withTransaction(() => work(session), TRANSACTION_OPTIONS),
        );
      } catch (err) {
        if (!isTransactionsUnsupported(err)) throw err;
        this.transactions = false;
      }
    }
    return fallback();
  }
}
