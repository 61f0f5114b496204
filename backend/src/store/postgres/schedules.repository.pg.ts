import { ConflictError } from '../../errors/domain-errors.js';
import type { Schedule, ScheduleSpec, ScheduleStatus } from '../../schedules/schedule.model.js';
import type { ScheduleRepository } from '../store.js';
import { iso, pgErrorCode, type PgDatabase } from './pg-database.js';

const toSchedule = (r: Record<string, unknown>): Schedule => ({
  ...(r.spec as ScheduleSpec),
  id: String(r.id),
  name: String(r.name),
  status: r.status as ScheduleStatus,
  version: Number(r.version),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  createdBy: String(r.created_by),
});

function specOf(s: Schedule): ScheduleSpec {
  const { id: _i, status: _s, version: _v, createdAt: _c, updatedAt: _u, createdBy: _b, ...spec } = s;
  return spec;
}

function translate(err: unknown, name: string): never {
  if (pgErrorCode(err) === '23505')
    throw new ConflictError(`a schedule named "${name}" already exists`, { field: 'name' });
  throw err;
}

export class PgScheduleRepository implements ScheduleRepository {
  constructor(private readonly db: PgDatabase) {}

  async insert(s: Schedule): Promise<Schedule> {
    try {
      const rows = await this.db.query(
        `INSERT INTO schedules(id, name, status, version, spec, created_at, updated_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [s.id, s.name, s.status, s.version, JSON.stringify(specOf(s)), s.createdAt, s.updatedAt, s.createdBy],
      );
      return toSchedule(rows[0]!);
    } catch (err) {
      translate(err, s.name);
    }
  }

  async get(id: string): Promise<Schedule | null> {
    const rows = await this.db.query('SELECT * FROM schedules WHERE id = $1', [id]);
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  async getByName(name: string): Promise<Schedule | null> {
    const rows = await this.db.query(`SELECT * FROM schedules WHERE name = $1 AND status <> 'cancelled'`, [name]);
    return rows[0] ? toSchedule(rows[0]) : null;
  }

  async list(filter: { status?: ScheduleStatus[]; limit?: number; offset?: number } = {}): Promise<Schedule[]> {
    const rows = await this.db.query(
      `SELECT * FROM schedules WHERE ($1::text[] IS NULL OR status = ANY($1)) ORDER BY name, created_at LIMIT $2 OFFSET $3`,
      [filter.status ?? null, filter.limit ?? null, filter.offset ?? 0],
    );
    return rows.map(toSchedule);
  }

  async count(filter: { status?: ScheduleStatus[] } = {}): Promise<number> {
    const rows = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM schedules WHERE ($1::text[] IS NULL OR status = ANY($1))`,
      [filter.status ?? null],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async update(s: Schedule, expectedVersion: number): Promise<Schedule | null> {
    try {
      const rows = await this.db.query(
        `UPDATE schedules SET name = $2, status = $3, version = $4, spec = $5, updated_at = $6
         WHERE id = $1 AND version = $7 RETURNING *`,
        [s.id, s.name, s.status, s.version, JSON.stringify(specOf(s)), s.updatedAt, expectedVersion],
      );
      return rows[0] ? toSchedule(rows[0]) : null;
    } catch (err) {
      translate(err, s.name);
    }
  }
}
