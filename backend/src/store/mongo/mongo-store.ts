import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend } from 'agenda';
import { MongoClient } from 'mongodb';
import type { Logger } from '../../logging/logger.js';
import { summary } from '../store-availability.js';
import type { Store, StoreKind } from '../store.js';
import { MongoAuditRepository } from './audit.repository.mongo.js';
import { MongoInspectionRepository } from './inspections.repository.mongo.js';
import { MongoSnapshotRepository } from './snapshots.repository.mongo.js';
import { MongoJobMaintenance } from './jobs.maintenance.mongo.js';
import { MongoMetricsRepository } from './metrics.repository.mongo.js';
import { MongoInventoryRepository } from './inventory.repository.mongo.js';
import { AGENDA_COLLECTION, runMongoMigrations } from './migrations.mongo.js';
import { MongoDatabase } from './mongo-database.js';
import { MongoReportRepository } from './reports.repository.mongo.js';
import { MongoReportAnalyticsRepository } from './report-analytics.repository.mongo.js';
import { MongoScheduleRepository } from './schedules.repository.mongo.js';
import { MongoThresholdRepository } from './thresholds.repository.mongo.js';
import { MongoWaiverRepository } from './waivers.repository.mongo.js';
import { MongoBaselineRepository } from './baselines.repository.mongo.js';
import { MongoReportHistoryRepository } from './report-history.repository.mongo.js';
import { MongoTokenRepository } from './tokens.repository.mongo.js';

/** The database used when neither the URL path nor the options name one. */
export const DEFAULT_MONGO_DB = 'dbpatrol';

// The split the driver's own parser (mongodb-connection-string-url) makes, so we agree on where credentials end.
const URL_PARTS = /^(mongodb(?:\+srv)?):\/\/(?:[^:@]*(?::[^@]*)?@)?((?!:)[^/?@]*)(.*)$/;

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/** The database named in a MongoDB URL's path, if any. */
export function mongoDbNameFromUrl(url: string): string | undefined {
  const rest = URL_PARTS.exec(url)?.[3] ?? '';
  if (!rest.startsWith('/')) return undefined;
  const name = decode(rest.slice(1).split(/[?#]/)[0] ?? '');
  return name ? name : undefined;
}

function describeHost(host: string, srv: boolean): string {
  const decoded = decode(host) ?? host;
  if (decoded.startsWith('/')) return decoded; // a Unix socket
  if (srv || /^\[.*\]:\d+$|^[^:[\]]+:\d+$/.test(decoded)) return decoded;
  return `${decoded}:27017`;
}

/**
 * Describes a MongoDB URL without its credentials or options, e.g. `mongodb 10.0.0.5:27017/dbpatrol`
 * (`mongodb+srv cluster0.example.net/dbpatrol` for SRV URLs, hosts comma-separated for replica sets).
 */
export function describeMongoUrl(url: string, dbName?: string): string {
  const parts = URL_PARTS.exec(url);
  // Anything but a path or options after the hosts means an unescaped `@` or `/` in the credentials: show nothing.
  if (!parts || !/^(?:[/?#]|$)/.test(parts[3] ?? '')) return 'mongodb';
  const srv = parts[1] === 'mongodb+srv';
  const hosts = (parts[2] ?? '')
    .split(',')
    .filter((h) => h !== '')
    .map((h) => describeHost(h, srv));
  const db = dbName ?? mongoDbNameFromUrl(url) ?? DEFAULT_MONGO_DB;
  return `${srv ? 'mongodb+srv' : 'mongodb'} ${hosts.join(',')}/${db}`;
}

/**
 * DB Patrol's data in MongoDB, one collection per kind (inventory, tokens, audit, thresholds, reports, schedules,
 * inspections), and Agenda's jobs beside them.
 */
export class MongoStore implements Store {
  readonly kind: StoreKind = 'mongodb';
  readonly description: string;
  readonly database: MongoDatabase;
  readonly inventory: MongoInventoryRepository;
  readonly tokens: MongoTokenRepository;
  readonly audit: MongoAuditRepository;
  readonly thresholds: MongoThresholdRepository;
  readonly reports: MongoReportRepository;
  readonly schedules: MongoScheduleRepository;
  readonly inspections: MongoInspectionRepository;
  readonly snapshots: MongoSnapshotRepository;
  readonly jobs: MongoJobMaintenance;
  readonly metrics: MongoMetricsRepository;
  readonly reportAnalytics: MongoReportAnalyticsRepository;
  readonly waivers: MongoWaiverRepository;
  readonly reportHistory: MongoReportHistoryRepository;
  readonly baselines: MongoBaselineRepository;
  /** A MongoDB server is shared: workers in other processes find due jobs by polling. */
  readonly singleProcess = false;

  /** Takes over a connected client; `close()` closes it. */
  constructor(client: MongoClient, dbName: string, description: string) {
    this.description = description;
    this.database = new MongoDatabase(client, client.db(dbName));
    this.inventory = new MongoInventoryRepository(this.database);
    this.tokens = new MongoTokenRepository(this.database);
    this.audit = new MongoAuditRepository(this.database);
    this.thresholds = new MongoThresholdRepository(this.database);
    this.reports = new MongoReportRepository(this.database);
    this.schedules = new MongoScheduleRepository(this.database);
    this.inspections = new MongoInspectionRepository(this.database);
    this.snapshots = new MongoSnapshotRepository(this.database.db);
    this.jobs = new MongoJobMaintenance(this.database.db);
    this.metrics = new MongoMetricsRepository(this.database.db);
    this.reportAnalytics = new MongoReportAnalyticsRepository(this.database.db);
    this.waivers = new MongoWaiverRepository(this.database.db);
    this.reportHistory = new MongoReportHistoryRepository(this.database.db);
    this.baselines = new MongoBaselineRepository(this.database.db);
  }

  /**
   * Agenda's MongoDB backend on this store's client and database; `disconnect()` leaves the client open (`close()`
   * closes it). Its indexes come from `migrate`, hence `ensureIndex: false`. Without a notification channel Agenda
   * polls for due jobs.
   */
  agendaBackend(): AgendaBackend {
    return new MongoBackend({ mongo: this.database.db, collection: AGENDA_COLLECTION, ensureIndex: false });
  }

  async migrate(): Promise<void> {
    await runMongoMigrations(this.database.db);
  }

  async ping(): Promise<void> {
    await this.database.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.database.client.close();
  }
}

/**
 * Connects to MongoDB and returns the store (schema not yet migrated). The database is `options.dbName`, else the
 * one in the URL's path, else `dbpatrol`. Run MongoDB as a replica set (a single node is enough) for atomic imports.
 */
export async function openMongoStore(
  url: string,
  options: { dbName?: string; logger?: Pick<Logger, 'warn'> } = {},
): Promise<MongoStore> {
  const dbName = options.dbName ?? mongoDbNameFromUrl(url) ?? DEFAULT_MONGO_DB;
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, appName: 'dbpatrol' });
  // The driver reconnects by itself; an 'error' it emits with no listener would end the process instead.
  client.on('error', (err: Error) => options.logger?.warn({ err: summary(err) }, 'MongoDB client error'));
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  return new MongoStore(client, dbName, describeMongoUrl(url, dbName));
}
