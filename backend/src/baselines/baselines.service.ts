import type { AuditLog } from '../audit/audit-log.js';
import type { EngineFamily } from '../checks/check.types.js';
import { InputError, NotFoundError } from '../errors/domain-errors.js';
import type { Actor } from '../http/actor.js';
import type { InventoryRepository, ParameterBaselineRepository, ReportRepository } from '../store/store.js';
import { DRIFT_CHECK_IDS, type BaselineScope, type ParameterBaseline } from './baseline.model.js';
import type { BaselinePut } from './baseline.schema.js';

/** Keys of the drift checks' fingerprints that are not parameters (when the values were read). */
const NOT_A_PARAMETER = /^#/;
/** Values the drift checks store only as a hash (credentials): a baseline cannot expect them. */
const HASHED = /^sha256:[0-9a-f]{16}$/;

const familyOf = (engine: string): EngineFamily => (engine === 'postgres' ? 'postgres' : 'mysql');

export class BaselinesService {
  constructor(
    private readonly repo: ParameterBaselineRepository,
    private readonly inventory: Pick<InventoryRepository, 'getBusiness' | 'getInstance' | 'getHost'>,
    private readonly reports: Pick<ReportRepository, 'get'>,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(filter: { scope?: BaselineScope; scopeId?: string }): Promise<ParameterBaseline[]> {
    return this.repo.list(filter);
  }

  /** The engine a request means: an instance's own; a business's from `engine` (required unless `fallback`). */
  private async engineFor(
    scope: BaselineScope,
    scopeId: string,
    engine: EngineFamily | undefined,
    fallback?: EngineFamily,
  ): Promise<EngineFamily> {
    if (scope === 'instance') {
      const instance = await this.inventory.getInstance(scopeId);
      if (!instance) throw InputError.field('scopeId', `no instance with id ${scopeId}`);
      const own = familyOf(instance.engine);
      if (engine && engine !== own) throw InputError.field('engine', `instance ${instance.name} is ${own}`);
      return own;
    }
    if (!(await this.inventory.getBusiness(scopeId)))
      throw InputError.field('scopeId', `no business with id ${scopeId}`);
    const chosen = engine ?? fallback;
    if (!chosen) throw InputError.field('engine', 'is required for a business baseline (mysql or postgres)');
    return chosen;
  }

  async get(scope: BaselineScope, scopeId: string, engine?: EngineFamily): Promise<ParameterBaseline> {
    const e = await this.engineFor(scope, scopeId, engine);
    const b = await this.repo.get(scope, scopeId, e);
    if (!b) throw new NotFoundError(`no ${e} parameter baseline for ${scope} ${scopeId}`);
    return b;
  }

  /** The parameters a report recorded (its drift check's fingerprints), checked against the scope. */
  private async fromReport(
    scope: BaselineScope,
    scopeId: string,
    reportId: string,
    only: readonly string[] | undefined,
  ): Promise<{ engine: EngineFamily; parameters: Record<string, string> }> {
    const report = await this.reports.get(reportId);
    if (!report) throw InputError.field('fromReportId', `no report with id ${reportId}`);
    if (scope === 'instance' && report.instanceId !== scopeId)
      throw InputError.field('fromReportId', `report ${reportId} is of another instance`);
    if (scope === 'business') {
      let businessId = report.businessId;
      if (!businessId) {
        const instance = await this.inventory.getInstance(report.instanceId);
        businessId = instance ? (await this.inventory.getHost(instance.hostId))?.businessId : undefined;
      }
      if (businessId !== scopeId)
        throw InputError.field('fromReportId', `report ${reportId} is of an instance outside business ${scopeId}`);
    }
    const engine = familyOf(report.instance.engine);
    const recorded = report.fingerprints?.[DRIFT_CHECK_IDS[engine]];
    if (!recorded)
      throw InputError.field(
        'fromReportId',
        `report ${reportId} has no parameter values (${DRIFT_CHECK_IDS[engine]} runs in monthly and annual inspections)`,
      );
    const parameters: Record<string, string> = {};
    for (const [name, value] of Object.entries(recorded)) {
      if (NOT_A_PARAMETER.test(name) || HASHED.test(value)) continue;
      parameters[name] = value;
    }
    if (only) {
      const missing = only.filter((n) => !(n in parameters));
      if (missing.length) throw InputError.field('only', `not in report ${reportId}: ${missing.join(', ')}`);
      return { engine, parameters: Object.fromEntries(only.map((n) => [n, parameters[n]!])) };
    }
    return { engine, parameters };
  }

  /** Sets (replaces) the baseline of a scope; audited with what changed. */
  async put(actor: Actor, scope: BaselineScope, scopeId: string, body: BaselinePut): Promise<ParameterBaseline> {
    const taken = body.fromReportId ? await this.fromReport(scope, scopeId, body.fromReportId, body.only) : undefined;
    if (taken && body.engine && body.engine !== taken.engine)
      throw InputError.field('engine', `report ${body.fromReportId} is of a ${taken.engine} instance`);
    const engine = await this.engineFor(scope, scopeId, body.engine, taken?.engine);
    const parameters = { ...taken?.parameters, ...body.parameters };
    const before = await this.repo.get(scope, scopeId, engine);
    const saved = await this.repo.put({
      scope,
      scopeId,
      engine,
      parameters,
      ...(body.fromReportId ? { fromReportId: body.fromReportId } : {}),
      ...(body.note ? { note: body.note } : {}),
      updatedAt: this.now().toISOString(),
      updatedBy: actor.grafanaUser ? `${actor.name} (${actor.grafanaUser})` : actor.name,
    });
    const old = before?.parameters ?? {};
    await this.audit.record(
      actor,
      before ? 'baselines.update' : 'baselines.create',
      { type: 'baseline', id: `${scope}/${scopeId}/${engine}`, name: `${engine} ${scope} ${scopeId}` },
      {
        scope,
        scopeId,
        engine,
        fromReportId: body.fromReportId ?? null,
        parameters: Object.keys(parameters).length,
        added: Object.keys(parameters)
          .filter((n) => !(n in old))
          .slice(0, 50),
        removed: Object.keys(old)
          .filter((n) => !(n in parameters))
          .slice(0, 50),
        changed: Object.keys(parameters)
          .filter((n) => n in old && old[n] !== parameters[n])
          .slice(0, 50),
      },
    );
    return saved;
  }

  async remove(actor: Actor, scope: BaselineScope, scopeId: string, engine?: EngineFamily): Promise<void> {
    const e = await this.engineFor(scope, scopeId, engine);
    if (!(await this.repo.remove(scope, scopeId, e)))
      throw new NotFoundError(`no ${e} parameter baseline for ${scope} ${scopeId}`);
    await this.audit.record(
      actor,
      'baselines.delete',
      { type: 'baseline', id: `${scope}/${scopeId}/${e}`, name: `${e} ${scope} ${scopeId}` },
      { scope, scopeId, engine: e },
    );
  }
}
