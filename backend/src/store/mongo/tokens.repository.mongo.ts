import type { WithId } from 'mongodb';
import type { ApiToken, ApiTokenRecord } from '../../auth/token.types.js';
import { NotFoundError } from '../../errors/domain-errors.js';
import type { TokenRepository } from '../store.js';
import { iso, toDate, type MongoDatabase, type TokenDoc } from './mongo-database.js';
import { translateWriteError } from './mongo-errors.js';

const toRecord = (d: WithId<TokenDoc>): ApiTokenRecord => ({
  id: d._id,
  name: d.name,
  role: d.role,
  hash: d.hash,
  createdAt: iso(d.createdAt),
  createdBy: d.createdBy,
  ...(d.lastUsedAt != null ? { lastUsedAt: iso(d.lastUsedAt) } : {}),
});

const toPublic = ({ hash: _hash, ...rest }: ApiTokenRecord): ApiToken => rest;

/** API tokens in MongoDB, unique by name and by hash. */
export class MongoTokenRepository implements TokenRepository {
  constructor(private readonly db: MongoDatabase) {}

  async insert(t: ApiTokenRecord): Promise<ApiToken> {
    // Like the PostgreSQL INSERT, a new token has not been used yet whatever `lastUsedAt` says.
    const doc: TokenDoc = {
      _id: t.id,
      name: t.name,
      role: t.role,
      hash: t.hash,
      createdAt: toDate(t.createdAt),
      createdBy: t.createdBy,
    };
    try {
      await this.db.apiTokens.insertOne(doc);
    } catch (err) {
      translateWriteError(err, { kind: 'token', name: t.name });
    }
    return toPublic(toRecord(doc));
  }

  async findByHash(hash: string): Promise<ApiTokenRecord | null> {
    const doc = await this.db.apiTokens.findOne({ hash });
    return doc ? toRecord(doc) : null;
  }

  async list(): Promise<ApiToken[]> {
    return (await this.db.apiTokens.find({}).sort({ name: 1 }).toArray()).map((d) => toPublic(toRecord(d)));
  }

  async delete(id: string): Promise<void> {
    const { deletedCount } = await this.db.apiTokens.deleteOne({ _id: id });
    if (deletedCount === 0) throw new NotFoundError(`no token with id ${id}`);
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.db.apiTokens.updateOne({ _id: id }, { $set: { lastUsedAt: toDate(at) } });
  }

  count(): Promise<number> {
    return this.db.apiTokens.countDocuments({});
  }
}
