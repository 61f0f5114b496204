import { SEVERITIES, TIERS, type AnyCheck } from '../checks/check.types.js';
import { DomainError, InputError } from '../errors/domain-errors.js';
import type { Inspection } from '../inspections/inspection.model.js';
import type { Business, Host, InstanceRecord } from '../inventory/inventory.schema.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/store.js';
import { zodIssuesToDetails } from '../http/zod-issues.js';
import {
  bucketMs,
  counterFrames,
  findingCountFrames,
  findingsFrame,
  inspectionsFrame,
  outcomesFrame,
  runAnnotation,
  scoresFrames,
  type Annotation,
  type DataFrameJSON,
  type InstanceLabels,
  type LabelLookup,
} from './data-frame.js';
import {
  grafanaQuery,
  type AnnotationsQuery,
  type GrafanaQuery,
  type QueryRequest,
  type QueryResponse,
} from './grafana.schema.js';

export interface GrafanaDeps {
  store: Store;
  checks: readonly AnyCheck[];
  version: string;
  logger: Logger;
}

/** Grafana's default when a request names no `maxDataPoints` (a typical panel width in pixels). */
export const DEFAULT_MAX_DATA_POINTS = 1000;

/** How long the datasource's queries share one read of the inventory. */
export const INVENTORY_VIEW_MS = 1000;

interface InstanceFilter {
  businessId?: string | undefined;
  hostId?: string | undefined;
  instanceIds?: string[] | undefined;
}

/** The inventory as the datasource needs it: names for labels, and which instances a filter selects. */
class InventoryView {
  private readonly hostById: Map<string, Host>;
  private readonly businessById: Map<string, Business>;
  private readonly instanceById: Map<string, InstanceRecord>;

  constructor(
    readonly businesses: Business[],
    readonly hosts: Host[],
    readonly instances: InstanceRecord[],
  ) {
    this.hostById = new Map(hosts.map((h) => [h.id, h]));
    this.businessById = new Map(businesses.map((b) => [b.id, b]));
    this.instanceById = new Map(instances.map((i) => [i.id, i]));
  }

  static async load(store: Store): Promise<InventoryView> {
    const [b, h, i] = await Promise.all([
      store.inventory.listBusinesses(),
      store.inventory.listHosts(),
      store.inventory.listInstances(),
    ]);
    return new InventoryView(b, h, i);
  }

  readonly labels: LabelLookup = (instanceId) => {
    const instance = this.instanceById.get(instanceId);
    const host = instance ? this.hostById.get(instance.hostId) : undefined;
    const business = host ? this.businessById.get(host.businessId) : undefined;
    // A report may outlive its instance: it keeps its id as the name.
    const l: InstanceLabels = {
      business: business?.name ?? '',
      host: host?.name ?? '',
      instance: instance?.name ?? instanceId,
      engine: instance?.engine ?? '',
    };
    return l;
  };

  /** Ids the filter selects, or undefined for "every instance"; unknown business or host ids are input errors. */
  select(f: InstanceFilter, path: (field: string) => string = (x) => x): string[] | undefined {
    if (f.businessId !== undefined && !this.businessById.has(f.businessId)) {
      throw InputError.field(path('businessId'), `no business with id ${f.businessId}`);
    }
    if (f.hostId !== undefined && !this.hostById.has(f.hostId)) {
      throw InputError.field(path('hostId'), `no host with id ${f.hostId}`);
    }
    if (f.businessId === undefined && f.hostId === undefined) return f.instanceIds;
    const wanted = f.instanceIds ? new Set(f.instanceIds) : undefined;
    return this.instances
      .filter((i) => {
        if (wanted && !wanted.has(i.id)) return false;
        if (f.hostId !== undefined && i.hostId !== f.hostId) return false;
        return f.businessId === undefined || this.hostById.get(i.hostId)?.businessId === f.businessId;
      })
      .map((i) => i.id);
  }

  /** As `select`, but "every instance" means every instance in the inventory. */
  selectAll(f: InstanceFilter): string[] {
    return this.select(f) ?? this.instances.map((i) => i.id);
  }
}

/** Drops what a Grafana variable interpolates to when nothing is chosen, so it reads as "no filter". */
function withoutEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === '' || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** The datasource: Grafana queries answered as data frames, variables, annotations and a health check. */
export class GrafanaService {
  #inventory: { at: number; view: Promise<InventoryView> } | undefined;

  constructor(private readonly deps: GrafanaDeps) {}

  /**
   * A dashboard refresh sends its panels' queries together: they share one inventory read (three store queries) for
   * up to {@link INVENTORY_VIEW_MS}, so an inventory change reaches the panels at most that much later.
   */
  #inventoryView(): Promise<InventoryView> {
    const at = Date.now();
    if (this.#inventory && at - this.#inventory.at < INVENTORY_VIEW_MS) return this.#inventory.view;
    const view = InventoryView.load(this.deps.store);
    this.#inventory = { at, view };
    view.catch(() => {
      if (this.#inventory?.view === view) this.#inventory = undefined;
    });
    return view;
  }

  async query(request: QueryRequest): Promise<QueryResponse> {
    const inventory = await this.#inventoryView();
    const results: QueryResponse['results'] = {};
    await Promise.all(
      request.queries.map(async (raw) => {
        if (raw.hide === true) return;
        const refId = raw.refId;
        try {
          const parsed = grafanaQuery.safeParse(withoutEmpty(raw));
          if (!parsed.success) throw new InputError(zodIssuesToDetails(parsed.error.issues));
          results[refId] = { frames: await this.run(parsed.data, request, inventory) };
        } catch (err) {
          if (err instanceof DomainError) {
            results[refId] = { error: err.message, status: err instanceof InputError ? 400 : 500 };
          } else {
            this.deps.logger.error({ err, refId }, 'grafana query failed');
            results[refId] = { error: 'the query failed inside DB Patrol; see its log', status: 500 };
          }
        }
      }),
    );
    return { results };
  }

  private async run(q: GrafanaQuery, request: QueryRequest, inventory: InventoryView): Promise<DataFrameJSON[]> {
    const { from, to } = request.range;
    const bucket = bucketMs(
      Date.parse(from),
      Date.parse(to),
      q.maxDataPoints ?? request.maxDataPoints ?? DEFAULT_MAX_DATA_POINTS,
      q.intervalMs ?? request.intervalMs ?? 0,
    );
    const analytics = this.deps.store.reportAnalytics;
    const tier = q.tier !== undefined ? { tier: q.tier } : {};
    switch (q.queryType) {
      case 'scores': {
        const instanceIds = inventory.select(q);
        const series = await analytics.scoreSeries({ from, to, ...tier, ...ids(instanceIds) }, bucket);
        return scoresFrames(q.refId, series, inventory.labels);
      }
      case 'findingCounts': {
        const instanceIds = inventory.select(q);
        const buckets = await analytics.findingCountSeries({ from, to, ...tier, ...ids(instanceIds) }, bucket);
        return findingCountFrames(q.refId, buckets, q.severity ?? SEVERITIES);
      }
      case 'findings': {
        const rows = await analytics.latestFindings(
          { from, to, ...tier, instanceIds: inventory.selectAll(q) },
          { ...(q.checkIds ? { checkIds: q.checkIds } : {}), ...(q.severity ? { severities: q.severity } : {}) },
        );
        return [findingsFrame(q.refId, rows, inventory.labels, q.lang ?? 'en')];
      }
      case 'outcomes': {
        const rows = await analytics.latestOutcomes(
          { from, to, ...tier, instanceIds: inventory.selectAll(q) },
          q.checkIds,
        );
        return [outcomesFrame(q.refId, rows)];
      }
      case 'inspections': {
        const runs = await analytics.runsBetween(from, to, { ...tier, limit: q.limit ?? 500 });
        return [inspectionsFrame(q.refId, touching(runs, inventory.select(q)))];
      }
      case 'counters': {
        const series = await analytics.counterSeries(
          { from, to, ...ids(inventory.select(q)) },
          q.counter ?? '',
          bucket,
        );
        return counterFrames(q.refId, q.counter ?? '', series, inventory.labels);
      }
    }
  }

  async variables(q: {
    kind: string;
    businessId?: string | undefined;
    hostId?: string | undefined;
  }): Promise<{ text: string; value: string }[]> {
    const byName = <T extends { name: string; id: string }>(xs: T[]) =>
      xs.map((x) => ({ text: x.name, value: x.id })).sort((a, b) => a.text.localeCompare(b.text));
    const inv = this.deps.store.inventory;
    switch (q.kind) {
      case 'business':
        return byName(await inv.listBusinesses());
      case 'host':
        return byName(await inv.listHosts(q.businessId !== undefined ? { businessId: q.businessId } : {}));
      case 'instance': {
        const view = await this.#inventoryView();
        const selected = new Set(view.selectAll(q));
        return byName(view.instances.filter((i) => selected.has(i.id)));
      }
      case 'check':
        return this.deps.checks
          .map((c) => ({ text: `${c.catalogRef} ${c.title.en}`, value: c.id }))
          .sort((a, b) => a.text.localeCompare(b.text));
      case 'tier':
        return TIERS.map((t) => ({ text: t, value: t }));
      default:
        return [...SEVERITIES].reverse().map((s) => ({ text: s, value: s }));
    }
  }

  async annotations(q: AnnotationsQuery): Promise<Annotation[]> {
    const inventory = await this.#inventoryView();
    const runs = await this.deps.store.reportAnalytics.runsBetween(q.from, q.to, {
      ...(q.tier !== undefined ? { tier: q.tier } : {}),
      limit: q.limit,
    });
    return touching(runs, inventory.select(q)).map(runAnnotation);
  }

  async health(): Promise<{ status: 'ok' | 'error'; message: string }> {
    const { store, version } = this.deps;
    try {
      await store.ping();
      const [instances, totals] = await Promise.all([store.inventory.listInstances(), store.reportAnalytics.totals()]);
      const last = totals.lastReportAt ? `, last report ${totals.lastReportAt}` : ', no report yet';
      return {
        status: 'ok',
        message: `DB Patrol ${version} on ${store.kind} store: ${instances.length} instances, ${totals.reports} reports${last}`,
      };
    } catch (err) {
      this.deps.logger.warn({ err }, 'grafana health: store did not answer');
      return { status: 'error', message: `DB Patrol ${version}: the ${store.kind} store does not answer` };
    }
  }
}

const ids = (instanceIds: string[] | undefined) => (instanceIds !== undefined ? { instanceIds } : {});

/** Runs that cover at least one of the instances (all runs when there is no instance filter). */
function touching(runs: Inspection[], instanceIds: string[] | undefined): Inspection[] {
  if (instanceIds === undefined) return runs;
  const wanted = new Set(instanceIds);
  return runs.filter(
    (r) => r.progress.some((p) => wanted.has(p.instanceId)) || (r.instanceIds ?? []).some((i) => wanted.has(i)),
  );
}
