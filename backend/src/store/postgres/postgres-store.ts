import { dueNoticesOnly } from '../job-notifications.js';
import pg from 'pg';
import { InMemoryNotificationChannel, type AgendaBackend } from 'agenda';
import { PostgresBackend, PostgresNotificationChannel } from '@agendajs/postgres-backend';
import type { Store, StoreKind } from '../store.js';
import { PgAuditRepository } from './audit.repository.pg.js';
import { PgInventoryRepository } from './inventory.repository.pg.js';
import { AGENDA_TABLE, runMigrations } from './migrations.js';
import { PgDatabase } from './pg-database.js';
import { PgInspectionRepository } from './inspections.repository.pg.js';
import { PgReportRepository } from './reports.repository.pg.js';
import { PgReportAnalyticsRepository } from './report-analytics.repository.pg.js';
import { PgScheduleRepository } from './schedules.repository.pg.js';
import { PgSnapshotRepository } from './snapshots.repository.pg.js';
import { PgJobMaintenance } from './jobs.maintenance.pg.js';
import { PgMetricsRepository } from './metrics.repository.pg.js';
import { PgThresholdRepository } from './thresholds.repository.pg.js';
import { PgTokenRepository } from './tokens.repository.pg.js';
import { PgWaiverRepository } from './waivers.repository.pg.js';
import { PgReportHistoryRepository } from './report-history.repository.pg.js';
import { PgBaselineRepository } from './baselines.repository.pg.js';

export interface PostgresStoreOptions {
  connectionString: string;
  poolSize?: number;
  kind?: StoreKind;
  description?: string;
  /** Only this process uses the database (embedded): Agenda notifies in memory instead of LISTEN/NOTIFY. */
  singleProcess?: boolean;
  /** Called once the pool is closed (the embedded store stops its server here). */
  onClose?: () => Promise<void>;
}

/** Describes a connection string without its credentials. */
/** Where a store URL points, without credentials: `postgres host:port/db`, or the socket directory for a local one. */
export function describePgUrl(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname);
    const where = host.startsWith('/') ? `socket ${host}` : `${host || 'localhost'}:${u.port || '5432'}`;
    return `postgres ${where}${decodeURIComponent(u.pathname)}`;
  } catch {
    return 'postgres';
  }
}

export class PostgresStore implements Store {
  readonly kind: StoreKind;
  readonly description: string;
  readonly db: PgDatabase;
  readonly inventory: PgInventoryRepository;
  readonly tokens: PgTokenRepository;
  readonly audit: PgAuditRepository;
  readonly thresholds: PgThresholdRepository;
  readonly reports: PgReportRepository;
  readonly schedules: PgScheduleRepository;
  readonly inspections: PgInspectionRepository;
  readonly snapshots: PgSnapshotRepository;
  readonly jobs: PgJobMaintenance;
  readonly metrics: PgMetricsRepository;
  readonly reportAnalytics: PgReportAnalyticsRepository;
  readonly waivers: PgWaiverRepository;
  readonly reportHistory: PgReportHistoryRepository;
  readonly baselines: PgBaselineRepository;
  readonly singleProcess: boolean;
  private readonly onClose?: () => Promise<void>;

  constructor(options: PostgresStoreOptions) {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: 'dbpatrol-store',
      // A store that does not answer (a partition, a hung server) must fail a call, not hang it.
      connectionTimeoutMillis: 10_000,
    });
    // An idle client's error (server restart) must not crash the process; the pool drops it and the next query
    // connects anew.
    pool.on('error', () => undefined);
    this.kind = options.kind ?? 'postgres';
    this.description = options.description ?? describePgUrl(options.connectionString);
    this.db = new PgDatabase(pool);
    this.inventory = new PgInventoryRepository(this.db);
    this.tokens = new PgTokenRepository(this.db);
    this.audit = new PgAuditRepository(this.db);
    this.thresholds = new PgThresholdRepository(this.db);
    this.reports = new PgReportRepository(this.db);
    this.schedules = new PgScheduleRepository(this.db);
    this.inspections = new PgInspectionRepository(this.db);
    this.snapshots = new PgSnapshotRepository(this.db);
    this.jobs = new PgJobMaintenance(this.db);
    this.metrics = new PgMetricsRepository(this.db);
    this.reportAnalytics = new PgReportAnalyticsRepository(this.db);
    this.waivers = new PgWaiverRepository(this.db);
    this.reportHistory = new PgReportHistoryRepository(this.db);
    this.baselines = new PgBaselineRepository(this.db);
    this.onClose = options.onClose;
    this.singleProcess = options.singleProcess ?? false;
  }

  agendaBackend(): AgendaBackend {
    const backend = new PostgresBackend({
      pool: this.db.pool,
      tableName: AGENDA_TABLE,
      ensureSchema: false,
      // The channel is made here instead, with reconnect pauses of our choosing.
      disableNotifications: true,
    });
    const base = {
      name: backend.name,
      repository: backend.repository,
      ownsConnection: false,
      connect: () => backend.connect(),
      disconnect: () => backend.disconnect(),
    };
    // LISTEN/NOTIFY does not pass through PGlite's socket server; one process needs no cross-process channel.
    if (this.singleProcess) return { ...base, notificationChannel: new InMemoryNotificationChannel() };
    // After a store restart the LISTEN session is re-opened every half second until it succeeds (the channel restarts
    // its attempt count at each try, so the first pause is the only one that matters).
    const channel = new PostgresNotificationChannel({
      pool: this.db.pool,
      reconnect: { enabled: true, initialDelayMs: 500, maxDelayMs: 5000 },
    });
    return { ...base, notificationChannel: dueNoticesOnly(channel) };
  }

  async migrate(): Promise<void> {
    await runMigrations(this.db);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.db.pool.end();
    await this.onClose?.();
  }
}
