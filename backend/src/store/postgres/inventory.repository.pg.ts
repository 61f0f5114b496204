import type pg from 'pg';
import { ConflictError, InputError, NotFoundError } from '../../errors/domain-errors.js';
import type { Business, Host, InstanceRecord } from '../../inventory/inventory.schema.js';
import type {
  HostFilter,
  InstanceFilter,
  InventoryRepository,
  InventorySnapshot,
  InventoryWritePlan,
} from '../store.js';
import { iso, pgConstraint, pgErrorCode, type PgDatabase, type Queryable } from './pg-database.js';

type Row = Record<string, unknown>;

const toBusiness = (r: Row): Business => ({
  id: String(r.id),
  name: String(r.name),
  ...(r.description != null ? { description: String(r.description) } : {}),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const toHost = (r: Row): Host => ({
  id: String(r.id),
  name: String(r.name),
  businessId: String(r.business_id),
  address: String(r.address),
  labels: (r.labels as Record<string, string>) ?? {},
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const toInstance = (r: Row): InstanceRecord => ({
  id: String(r.id),
  name: String(r.name),
  hostId: String(r.host_id),
  engine: r.engine as InstanceRecord['engine'],
  port: Number(r.port),
  user: String(r.user_name),
  ...(r.password_sealed != null ? { passwordSealed: String(r.password_sealed) } : {}),
  ...(r.database_name != null ? { database: String(r.database_name) } : {}),
  ...(r.tls != null ? { tls: r.tls as InstanceRecord['tls'] } : {}),
  labels: (r.labels as Record<string, string>) ?? {},
  ...(r.backup_evidence_sql != null ? { backupEvidenceSql: String(r.backup_evidence_sql) } : {}),
  enabled: Boolean(r.enabled),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

function translate(err: unknown, what: { kind: string; name: string }): never {
  const code = pgErrorCode(err);
  const constraint = pgConstraint(err) ?? '';
  if (code === '23505' && constraint.endsWith('_name_key')) {
    throw new ConflictError(`a ${what.kind} named "${what.name}" already exists`, { field: 'name' });
  }
  if (code === '23503' || code === '23001') {
    if (constraint === 'hosts_business_fkey') {
      if (what.kind === 'business')
        throw new ConflictError(`business "${what.name}" still has hosts; delete them first`);
      throw InputError.field('businessId', 'no business with this id');
    }
    if (constraint === 'instances_host_fkey') {
      if (what.kind === 'host') throw new ConflictError(`host "${what.name}" still has instances; delete them first`);
      throw InputError.field('hostId', 'no host with this id');
    }
  }
  throw err;
}

async function one<T>(q: Queryable, sql: string, params: unknown[], map: (r: Row) => T): Promise<T | null> {
  const { rows } = await q.query(sql, params);
  return rows[0] ? map(rows[0]) : null;
}

const BUSINESS_INSERT = `INSERT INTO businesses(id, name, description, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5) RETURNING *`;
const BUSINESS_UPDATE = `UPDATE businesses SET name = $2, description = $3, updated_at = $4 WHERE id = $1 RETURNING *`;
const businessParams = (b: Business) => [b.id, b.name, b.description ?? null, b.createdAt, b.updatedAt];
const businessUpdateParams = (b: Business) => [b.id, b.name, b.description ?? null, b.updatedAt];

const HOST_INSERT = `INSERT INTO hosts(id, name, business_id, address, labels, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`;
const HOST_UPDATE = `UPDATE hosts SET name = $2, business_id = $3, address = $4, labels = $5, updated_at = $6
  WHERE id = $1 RETURNING *`;
const hostParams = (h: Host) => [
  h.id,
  h.name,
  h.businessId,
  h.address,
  JSON.stringify(h.labels),
  h.createdAt,
  h.updatedAt,
];
const hostUpdateParams = (h: Host) => [h.id, h.name, h.businessId, h.address, JSON.stringify(h.labels), h.updatedAt];

const INSTANCE_INSERT = `INSERT INTO instances(id, name, host_id, engine, port, user_name, password_sealed, database_name,
  tls, labels, backup_evidence_sql, enabled, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`;
const INSTANCE_UPDATE = `UPDATE instances SET name = $2, host_id = $3, engine = $4, port = $5, user_name = $6,
  password_sealed = $7, database_name = $8, tls = $9, labels = $10, backup_evidence_sql = $11, enabled = $12,
  updated_at = $13 WHERE id = $1 RETURNING *`;
const instanceParams = (i: InstanceRecord) => [
  i.id,
  i.name,
  i.hostId,
  i.engine,
  i.port,
  i.user,
  i.passwordSealed ?? null,
  i.database ?? null,
  i.tls ? JSON.stringify(i.tls) : null,
  JSON.stringify(i.labels),
  i.backupEvidenceSql ?? null,
  i.enabled,
  i.createdAt,
  i.updatedAt,
];
const instanceUpdateParams = (i: InstanceRecord) => instanceParams(i).filter((_, n) => n !== 12);

export class PgInventoryRepository implements InventoryRepository {
  constructor(private readonly db: PgDatabase) {}

  async listBusinesses(): Promise<Business[]> {
    return (await this.db.query('SELECT * FROM businesses ORDER BY name')).map(toBusiness);
  }

  getBusiness(id: string): Promise<Business | null> {
    return one(this.db.pool, 'SELECT * FROM businesses WHERE id = $1', [id], toBusiness);
  }

  insertBusiness(b: Business): Promise<Business> {
    return this.write(this.db.pool, BUSINESS_INSERT, businessParams(b), toBusiness, { kind: 'business', name: b.name });
  }

  updateBusiness(b: Business): Promise<Business> {
    return this.write(this.db.pool, BUSINESS_UPDATE, businessUpdateParams(b), toBusiness, {
      kind: 'business',
      name: b.name,
    });
  }

  deleteBusiness(id: string): Promise<void> {
    return this.remove('businesses', 'business', id);
  }

  async listHosts(filter: HostFilter = {}): Promise<Host[]> {
    const rows = await this.db.query(
      `SELECT * FROM hosts WHERE ($1::text IS NULL OR business_id = $1) AND labels @> $2::jsonb ORDER BY name`,
      [filter.businessId ?? null, JSON.stringify(filter.labels ?? {})],
    );
    return rows.map(toHost);
  }

  getHost(id: string): Promise<Host | null> {
    return one(this.db.pool, 'SELECT * FROM hosts WHERE id = $1', [id], toHost);
  }

  insertHost(h: Host): Promise<Host> {
    return this.write(this.db.pool, HOST_INSERT, hostParams(h), toHost, { kind: 'host', name: h.name });
  }

  updateHost(h: Host): Promise<Host> {
    return this.write(this.db.pool, HOST_UPDATE, hostUpdateParams(h), toHost, { kind: 'host', name: h.name });
  }

  deleteHost(id: string): Promise<void> {
    return this.remove('hosts', 'host', id);
  }

  async listInstances(filter: InstanceFilter = {}): Promise<InstanceRecord[]> {
    const rows = await this.db.query(
      `SELECT i.* FROM instances i JOIN hosts h ON h.id = i.host_id
       WHERE ($1::text IS NULL OR h.business_id = $1) AND ($2::text IS NULL OR i.host_id = $2)
         AND ($3::text IS NULL OR i.engine = $3) AND i.labels @> $4::jsonb
       ORDER BY i.name`,
      [filter.businessId ?? null, filter.hostId ?? null, filter.engine ?? null, JSON.stringify(filter.labels ?? {})],
    );
    return rows.map(toInstance);
  }

  getInstance(id: string): Promise<InstanceRecord | null> {
    return one(this.db.pool, 'SELECT * FROM instances WHERE id = $1', [id], toInstance);
  }

  insertInstance(i: InstanceRecord): Promise<InstanceRecord> {
    return this.write(this.db.pool, INSTANCE_INSERT, instanceParams(i), toInstance, { kind: 'instance', name: i.name });
  }

  updateInstance(i: InstanceRecord): Promise<InstanceRecord> {
    return this.write(this.db.pool, INSTANCE_UPDATE, instanceUpdateParams(i), toInstance, {
      kind: 'instance',
      name: i.name,
    });
  }

  deleteInstance(id: string): Promise<void> {
    return this.remove('instances', 'instance', id);
  }

  async snapshot(): Promise<InventorySnapshot> {
    return this.db.tx(async (c) => ({
      businesses: (await c.query('SELECT * FROM businesses ORDER BY name')).rows.map(toBusiness),
      hosts: (await c.query('SELECT * FROM hosts ORDER BY name')).rows.map(toHost),
      instances: (await c.query('SELECT * FROM instances ORDER BY name')).rows.map(toInstance),
    }));
  }

  async applyPlan(plan: InventoryWritePlan): Promise<void> {
    await this.db.tx(async (c) => {
      // Updates first so that renames free names that creations may reuse.
      for (const b of plan.businesses.update)
        await this.write(c, BUSINESS_UPDATE, businessUpdateParams(b), toBusiness, { kind: 'business', name: b.name });
      for (const b of plan.businesses.create)
        await this.write(c, BUSINESS_INSERT, businessParams(b), toBusiness, { kind: 'business', name: b.name });
      for (const h of plan.hosts.update)
        await this.write(c, HOST_UPDATE, hostUpdateParams(h), toHost, { kind: 'host', name: h.name });
      for (const h of plan.hosts.create)
        await this.write(c, HOST_INSERT, hostParams(h), toHost, { kind: 'host', name: h.name });
      for (const i of plan.instances.update)
        await this.write(c, INSTANCE_UPDATE, instanceUpdateParams(i), toInstance, { kind: 'instance', name: i.name });
      for (const i of plan.instances.create)
        await this.write(c, INSTANCE_INSERT, instanceParams(i), toInstance, { kind: 'instance', name: i.name });
    });
  }

  async replaceSealedPasswords(sealed: { id: string; passwordSealed: string }[]): Promise<void> {
    await this.db.tx(async (c) => {
      for (const s of sealed) {
        await c.query('UPDATE instances SET password_sealed = $2 WHERE id = $1', [s.id, s.passwordSealed]);
      }
    });
  }

  private async write<T>(
    q: Queryable,
    sql: string,
    params: unknown[],
    map: (r: Row) => T,
    what: { kind: string; name: string },
  ): Promise<T> {
    let row: T | null;
    try {
      row = await one(q, sql, params, map);
    } catch (err) {
      translate(err, what);
    }
    if (!row) throw new NotFoundError(`no ${what.kind} with id ${String(params[0])}`);
    return row;
  }

  private async remove(table: string, kind: string, id: string): Promise<void> {
    await this.db.tx(async (c: pg.PoolClient) => {
      const { rows } = await c.query<{ name: string }>(`SELECT name FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
      const name = rows[0]?.name;
      if (name === undefined) throw new NotFoundError(`no ${kind} with id ${id}`);
      try {
        await c.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
      } catch (err) {
        translate(err, { kind, name });
      }
    });
  }
}
