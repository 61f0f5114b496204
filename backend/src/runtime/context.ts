import { HostMetricsSource } from '../hostmetrics/host-metrics-source.js';
import { AuditLog } from '../audit/audit-log.js';
import { TokensService } from '../auth/tokens.service.js';
import { CachingTokenRepository } from '../auth/token-cache.js';
import type { Config } from '../config/config.js';
import { CATALOG_VERSION, CHECKS } from '../checks/registry.js';
import { upgradeStoredThresholds } from '../checks/threshold-renames.js';
import { hostname } from 'node:os';
import { InstanceInspector } from '../inspections/instance-inspector.js';
import { runInspection } from '../inspections/inspection-runner.js';
import { immediateHandler } from '../inspections/immediate.job.js';
import { InspectionRunsService } from '../inspections/inspection-runs.service.js';
import { occurrenceHandler } from '../schedules/occurrence.job.js';
import { Scheduler } from '../schedules/scheduler.js';
import { SchedulesService } from '../schedules/schedules.service.js';
import { collectorHandler, nextSlot } from '../snapshots/collector.job.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { ThresholdsService } from '../thresholds/thresholds.service.js';
import type { Logger } from '../logging/logger.js';
import { loadSealer } from '../secrets/key-file.js';
import type { Sealer } from '../secrets/sealer.js';
import { openStore } from '../store/open-store.js';
import type { Store, TokenRepository } from '../store/store.js';

/** Everything a command needs, built once from the configuration. */
export interface AppContext {
  config: Config;
  logger: Logger;
  store: Store;
  sealer: Sealer;
  audit: AuditLog;
  inventory: InventoryService;
  tokens: TokensService;
  /** Token look-ups for authentication (cached briefly; see auth/token-cache.ts). */
  tokenLookup: TokenRepository;
  thresholds: ThresholdsService;
  /** Inspects one instance and stores its report. */
  inspector: InstanceInspector;
  /** Inspection runs (immediate and scheduled) through Agenda. */
  inspections: InspectionRunsService;
  schedules: SchedulesService;
  scheduler: Scheduler;
  /** Starts taking jobs in this process: handlers, reconciler. Call once; `close` drains. */
  startWorker(): Promise<void>;
  close(options?: { drainMs?: number }): Promise<void>;
}

export async function createContext(config: Config, logger: Logger): Promise<AppContext> {
  const sealer = await loadSealer(config.dataDir, config.secretKey);
  const store = await openStore({
    dataDir: config.dataDir,
    logger,
    ...(config.storeUrl ? { storeUrl: config.storeUrl } : {}),
  });
  const audit = new AuditLog(store.audit);
  // Requests authenticate through the cache; deleting a token through this process clears it there at once.
  const tokenRepository = new CachingTokenRepository(store.tokens);
  const thresholds = new ThresholdsService(store.thresholds, CHECKS, audit, () => new Date(), upgradeStoredThresholds);
  const inspector = new InstanceInspector({
    inventory: store.inventory,
    reports: store.reports,
    snapshots: store.snapshots,
    logger,
    thresholds,
    waivers: store.waivers,
    baselines: store.baselines,
    sealer,
    checks: CHECKS,
    catalogVersion: CATALOG_VERSION,
    targets: config.targets,
    limits: config.worker.inspectLimits,
    ...(config.hostMetrics
      ? {
          hostMetrics: new HostMetricsSource({
            url: config.hostMetrics.prometheusUrl,
            ...(config.hostMetrics.tokenFile ? { tokenFile: config.hostMetrics.tokenFile } : {}),
          }),
        }
      : {}),
  });
  const scheduler = new Scheduler(store, logger, {
    name: config.worker.name ?? `${hostname()}-${process.pid}`,
    concurrency: config.worker.concurrency,
    lockLifetimeMs: config.worker.lockLifetimeMs,
    ...(config.worker.pollMs ? { processEvery: config.worker.pollMs } : {}),
  });
  await scheduler.ready();
  const inspections = new InspectionRunsService(store, scheduler, audit);
  const schedules = new SchedulesService(store, scheduler, inspections, audit);
  let working = false;
  let reconcileTimer: NodeJS.Timeout | undefined;
  const reconcile = () =>
    schedules.reconcile().then(
      (n) => n > 0 && logger.info({ enqueued: n }, 'reconciler queued missing occurrences'),
      (err: unknown) => logger.error({ err }, 'reconciler failed'),
    );
  return {
    config,
    logger,
    store,
    sealer,
    audit,
    inventory: new InventoryService(store.inventory, sealer, audit, config.targets),
    tokens: new TokensService(tokenRepository, audit),
    tokenLookup: tokenRepository,
    thresholds,
    inspector,
    inspections,
    schedules,
    scheduler,
    async startWorker() {
      if (working) return;
      working = true;
      const run = (i: Parameters<typeof runInspection>[0], ctx: Parameters<typeof runInspection>[2]) =>
        runInspection(
          i,
          { store, inspector, logger, heartbeatMs: Math.min(5000, config.worker.lockLifetimeMs / 4) },
          ctx,
        );
      await scheduler.startWorking({
        occurrence: occurrenceHandler({ store, scheduler, logger, run, audit }),
        immediate: immediateHandler({ store, scheduler, run }),
        snapshots: collectorHandler({
          store,
          scheduler,
          inspector,
          logger,
          intervalMs: config.snapshots.intervalMs,
          retentionDays: config.snapshots.retentionDays,
        }),
      });
      await scheduler.enqueueSnapshot(nextSlot(new Date(), config.snapshots.intervalMs));
      await reconcile();
      reconcileTimer = setInterval(() => void reconcile(), 5 * 60_000);
      reconcileTimer.unref();
    },
    async close(options = {}) {
      if (reconcileTimer) clearInterval(reconcileTimer);
      if (working) await scheduler.drain(options.drainMs ?? 25_000).catch(() => undefined);
      await scheduler.stop().catch(() => undefined);
      await store.close();
    },
  };
}
