import { ConflictError, NotFoundError } from '../../errors/domain-errors.js';
import type { ApiToken, ApiTokenRecord, Role } from '../../auth/token.types.js';
import type { TokenRepository } from '../store.js';
import { iso, pgErrorCode, type PgDatabase } from './pg-database.js';

const toRecord = (r: Record<string, unknown>): ApiTokenRecord => ({
  id: String(r.id),
  name: String(r.name),
  role: r.role as Role,
  hash: String(r.hash),
  createdAt: iso(r.created_at),
  createdBy: String(r.created_by),
  ...(r.last_used_at != null ? { lastUsedAt: iso(r.last_used_at) } : {}),
});

const toPublic = ({ hash: _hash, ...rest }: ApiTokenRecord): ApiToken => rest;

export class PgTokenRepository implements TokenRepository {
  constructor(private readonly db: PgDatabase) {}

  async insert(t: ApiTokenRecord): Promise<ApiToken> {
    try {
      const rows = await this.db.query(
        `INSERT INTO api_tokens(id, name, role, hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [t.id, t.name, t.role, t.hash, t.createdAt, t.createdBy],
      );
      return toPublic(toRecord(rows[0]!));
    } catch (err) {
      if (pgErrorCode(err) === '23505')
        throw new ConflictError(`a token named "${t.name}" already exists`, { field: 'name' });
      throw err;
    }
  }

  async findByHash(hash: string): Promise<ApiTokenRecord | null> {
    const rows = await this.db.query('SELECT * FROM api_tokens WHERE hash = $1', [hash]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(): Promise<ApiToken[]> {
    return (await this.db.query('SELECT * FROM api_tokens ORDER BY name')).map((r) => toPublic(toRecord(r)));
  }

  async delete(id: string): Promise<void> {
    const rows = await this.db.query('DELETE FROM api_tokens WHERE id = $1 RETURNING id', [id]);
    if (rows.length === 0) throw new NotFoundError(`no token with id ${id}`);
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.db.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [id, at]);
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM api_tokens');
    return Number(rows[0]?.n ?? 0);
  }
}
