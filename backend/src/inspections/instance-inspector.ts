import { randomUUID } from 'node:crypto';
import type { AnyCheck, InspectionWindow, Tier } from '../checks/check.types.js';
import type { Config } from '../config/config.js';
import { targetSpecFor } from '../inventory/instance-target.js';
import type {
  InventoryRepository,
  ParameterBaselineRepository,
  ReportRepository,
  SnapshotRepository,
  WaiverRepository,
} from '../store/store.js';
import { baselineFor } from '../snapshots/baseline.js';
import { statementsField } from '../snapshots/collect-statements.js';
import { collectCounters, serverStartedAt } from '../snapshots/collect-counters.js';
import type { CounterBaseline } from '../checks/check.types.js';
import type { InstanceRecord } from '../inventory/inventory.schema.js';
import type { Logger } from '../logging/logger.js';
import type { ServerFacts, Target } from '../targets/target-spec.js';
import type { Sealer } from '../secrets/sealer.js';
import { NotFoundError } from '../errors/domain-errors.js';
import { worstSeverity, type ReportTrigger, type StoredReport } from '../reports/report.model.js';
import { openTarget } from '../targets/open-target.js';
import type { ThresholdsService } from '../thresholds/thresholds.service.js';
import { FleetLimiter } from './concurrency.js';
import type { HostMetricsSource } from '../hostmetrics/host-metrics-source.js';
import { nodeFor } from '../hostmetrics/mapping.js';
import { inspectTarget } from './inspect-target.js';
import type { CheckOutcome } from '../reports/report.types.js';

export interface InspectInstanceOptions {
  tier: Tier;
  window: InspectionWindow;
  trigger: ReportTrigger;
  /** The run this report belongs to; a second report for the same run and instance is never written. */
  inspectionId?: string;
  scheduleId?: string;
  fireAt?: string;
  now?: Date;
  signal?: AbortSignal;
  onCheckDone?: (outcome: CheckOutcome, done: number, total: number) => void;
  /** The instance's record when the caller has just read it. */
  record?: InstanceRecord;
}

export interface InstanceInspectorDeps {
  inventory: InventoryRepository;
  reports: ReportRepository;
  /** Where counter snapshots live; each inspection adds one and delta checks subtract the one at the window start. */
  snapshots?: SnapshotRepository;
  logger?: Logger;
  thresholds: ThresholdsService;
  /** Waivers in force are applied to each report (none when absent). */
  waivers?: Pick<WaiverRepository, 'applicable'>;
  /** Parameter baselines: the one in force for an instance is handed to the drift checks (none when absent). */
  baselines?: Pick<ParameterBaselineRepository, 'inForce'>;
  sealer: Sealer;
  checks: readonly AnyCheck[];
  catalogVersion: string;
  targets: Config['targets'];
  /** Host facts (Prometheus over node_exporter) for the host checks; absent: those checks are skipped. */
  hostMetrics?: Pick<HostMetricsSource, 'read'>;
  /** Inspections at once across the fleet, and per database server address. */
  limits?: { fleet: number; perServer: number };
}

/** Inspects inventory instances with their stored credentials and keeps the reports. */
export class InstanceInspector {
  private readonly limiter: FleetLimiter;

  constructor(private readonly deps: InstanceInspectorDeps) {
    this.limiter = new FleetLimiter(deps.limits?.fleet ?? 8, deps.limits?.perServer ?? 2);
  }

  /** Stores a snapshot of the counters now and returns the one at the window start, if this lifetime has one. */
  private async snapshotAndBaseline(
    target: Target,
    factsRead: Promise<ServerFacts>,
    instanceId: string,
    window: InspectionWindow,
    now: Date,
  ): Promise<CounterBaseline | undefined> {
    const snapshots = this.deps.snapshots;
    if (!snapshots) return undefined;
    const facts = await factsRead.catch(() => undefined);
    if (!facts) return undefined;
    const started = serverStartedAt(facts, now);
    try {
      await snapshots.insert({
        instanceId,
        takenAt: now.toISOString(),
        serverStartedAt: started,
        counters: await collectCounters(target, facts),
        ...(await statementsField(target, facts)),
      });
    } catch (err) {
      this.deps.logger?.warn({ err, instanceId }, 'could not take a counter snapshot');
    }
    return baselineFor(snapshots, instanceId, window, started, now);
  }

  /** Takes and stores one counter snapshot of an instance (the collector job). */
  async snapshot(instanceId: string, now = new Date()): Promise<boolean> {
    const instance = await this.deps.inventory.getInstance(instanceId);
    const host = instance && (await this.deps.inventory.getHost(instance.hostId));
    if (!instance || !host || !this.deps.snapshots) return false;
    const target = openTarget(targetSpecFor(instance, host, this.deps.sealer, this.deps.targets));
    try {
      const facts = await target.facts();
      await this.deps.snapshots.insert({
        instanceId,
        takenAt: now.toISOString(),
        serverStartedAt: serverStartedAt(facts, now),
        counters: await collectCounters(target, facts),
        ...(await statementsField(target, facts)),
      });
      return true;
    } catch (err) {
      this.deps.logger?.warn({ err, instanceId }, 'could not take a counter snapshot');
      return false;
    } finally {
      await target.close();
    }
  }

  /** The report an inspection already has for an instance, if any (resuming a crashed run skips those). */
  async existingReport(inspectionId: string | undefined, instanceId: string): Promise<StoredReport | null> {
    if (!inspectionId) return null;
    const [summary] = await this.deps.reports.list({ inspectionId, instanceId, limit: 1 });
    return summary ? this.deps.reports.get(summary.id) : null;
  }

  async inspectInstance(instanceId: string, o: InspectInstanceOptions): Promise<StoredReport> {
    const instance = o.record?.id === instanceId ? o.record : await this.deps.inventory.getInstance(instanceId);
    if (!instance) throw new NotFoundError(`no instance with id ${instanceId}`);
    const host = await this.deps.inventory.getHost(instance.hostId);
    if (!host) throw new NotFoundError(`no host with id ${instance.hostId}`);
    return this.limiter.run(`${host.address}:${instance.port}`, async () => {
      const resolve = await this.deps.thresholds.resolverFor({ businessId: host.businessId, instanceId });
      const previous = await this.deps.reports.latest(instanceId, o.tier);
      const waivers = await this.deps.waivers?.applicable(
        instanceId,
        host.businessId,
        (o.now ?? new Date()).toISOString(),
      );
      const parameterBaseline = await this.deps.baselines?.inForce(
        instanceId,
        host.businessId,
        instance.engine === 'postgres' ? 'postgres' : 'mysql',
      );
      const target = openTarget(targetSpecFor(instance, host, this.deps.sealer, this.deps.targets));
      try {
        // One attempt to reach the server per inspection: an unreachable or hanging one costs one connect timeout,
        // not one for the snapshot and another for the checks.
        const factsRead = target.facts();
        factsRead.catch(() => undefined);
        const counterBaseline = await this.snapshotAndBaseline(
          target,
          factsRead,
          instanceId,
          o.window,
          o.now ?? new Date(),
        );
        // Host facts once per instance; the runner hands them to every check (type: RunCheckOptions.hostMetrics).
        const hostMetrics = await this.deps.hostMetrics?.read(nodeFor(host), o.window, o.now ?? new Date());
        const report = await inspectTarget(target, {
          facts: factsRead,
          tier: o.tier,
          window: o.window,
          now: o.now ?? new Date(),
          instance: {
            id: instance.id,
            name: instance.name,
            engine: instance.engine,
            ...(instance.backupEvidenceSql ? { backupEvidenceSql: instance.backupEvidenceSql } : {}),
            ...(parameterBaseline
              ? {
                  parameterBaseline: {
                    scope: parameterBaseline.scope,
                    parameters: parameterBaseline.parameters,
                    ...(parameterBaseline.fromReportId ? { fromReportId: parameterBaseline.fromReportId } : {}),
                    updatedAt: parameterBaseline.updatedAt,
                  },
                }
              : {}),
          },
          checks: this.deps.checks,
          catalogVersion: this.deps.catalogVersion,
          thresholds: resolve,
          ...(previous ? { baseline: previous.fingerprints } : {}),
          ...(waivers ? { waivers: { instanceId, businessId: host.businessId, waivers } } : {}),
          ...(counterBaseline ? { counterBaseline } : {}),
          ...(hostMetrics ? { hostMetrics } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          ...(o.onCheckDone ? { onCheckDone: o.onCheckDone } : {}),
        });
        const stored: StoredReport = {
          ...report,
          id: randomUUID(),
          instanceId,
          ...(o.inspectionId ? { inspectionId: o.inspectionId } : {}),
          ...(o.scheduleId ? { scheduleId: o.scheduleId } : {}),
          ...(o.fireAt ? { fireAt: o.fireAt } : {}),
          businessId: host.businessId,
          trigger: o.trigger,
          maxSeverity: worstSeverity(report.counts),
        };
        if (await this.deps.reports.insert(stored)) return stored;
        // A re-run of the same inspection (after a crash) keeps the report the first attempt wrote.
        const existing = await this.existingReport(o.inspectionId, instanceId);
        return existing ?? stored;
      } finally {
        await target.close();
      }
    });
  }
}
