import type { Collection, Db, Filter, WithId } from 'mongodb';
import type { BaselineScope, ParameterBaseline } from '../../baselines/baseline.model.js';
import type { EngineFamily } from '../../checks/check.types.js';
import type { ParameterBaselineRepository } from '../store.js';
import { iso, toDate } from './mongo-database.js';

export const BASELINES_COLLECTION = 'parameterBaselines';

/**
 * One document per (scope, scope id, engine). The parameters are kept as JSON text: PostgreSQL setting names contain
 * dots (`pg_stat_statements.max`), which MongoDB field names must not.
 */
interface BaselineDoc {
  _id: string;
  scope: BaselineScope;
  scopeId: string;
  engine: EngineFamily;
  parametersJson: string;
  fromReportId?: string;
  note?: string;
  updatedAt: Date;
  updatedBy: string;
}

const idOf = (scope: BaselineScope, scopeId: string, engine: EngineFamily) => `${scope}:${engine}:${scopeId}`;

const toBaseline = (d: WithId<BaselineDoc>): ParameterBaseline => ({
  scope: d.scope,
  scopeId: d.scopeId,
  engine: d.engine,
  parameters: JSON.parse(d.parametersJson) as Record<string, string>,
  ...(d.fromReportId != null ? { fromReportId: d.fromReportId } : {}),
  ...(d.note != null ? { note: d.note } : {}),
  updatedAt: iso(d.updatedAt),
  updatedBy: d.updatedBy,
});

export class MongoBaselineRepository implements ParameterBaselineRepository {
  private readonly baselines: Collection<BaselineDoc>;

  constructor(db: Db) {
    this.baselines = db.collection<BaselineDoc>(BASELINES_COLLECTION);
  }

  async get(scope: BaselineScope, scopeId: string, engine: EngineFamily): Promise<ParameterBaseline | null> {
    const doc = await this.baselines.findOne({ _id: idOf(scope, scopeId, engine) });
    return doc ? toBaseline(doc) : null;
  }

  async list(filter: { scope?: BaselineScope; scopeId?: string } = {}): Promise<ParameterBaseline[]> {
    const f: Filter<BaselineDoc> = {};
    if (filter.scope != null) f.scope = filter.scope;
    if (filter.scopeId != null) f.scopeId = filter.scopeId;
    const docs = await this.baselines.find(f).sort({ scope: 1, scopeId: 1, engine: 1 }).toArray();
    return docs.map(toBaseline);
  }

  async put(b: ParameterBaseline): Promise<ParameterBaseline> {
    const _id = idOf(b.scope, b.scopeId, b.engine);
    const doc: BaselineDoc = {
      _id,
      scope: b.scope,
      scopeId: b.scopeId,
      engine: b.engine,
      parametersJson: JSON.stringify(b.parameters),
      ...(b.fromReportId != null ? { fromReportId: b.fromReportId } : {}),
      ...(b.note != null ? { note: b.note } : {}),
      updatedAt: toDate(b.updatedAt),
      updatedBy: b.updatedBy,
    };
    await this.baselines.replaceOne({ _id }, doc, { upsert: true });
    return toBaseline(doc);
  }

  async remove(scope: BaselineScope, scopeId: string, engine: EngineFamily): Promise<boolean> {
    const { deletedCount } = await this.baselines.deleteOne({ _id: idOf(scope, scopeId, engine) });
    return deletedCount > 0;
  }

  async inForce(
    instanceId: string,
    businessId: string | undefined,
    engine: EngineFamily,
  ): Promise<ParameterBaseline | null> {
    const ids = [idOf('instance', instanceId, engine), ...(businessId ? [idOf('business', businessId, engine)] : [])];
    const docs = await this.baselines.find({ _id: { $in: ids } }).toArray();
    const own = docs.find((d) => d.scope === 'instance') ?? docs[0];
    return own ? toBaseline(own) : null;
  }
}
