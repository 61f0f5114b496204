import type pg from 'pg';
import type { PgDatabase } from './pg-database.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Versioned schema changes, applied in order, each once. Never edit a released entry: append a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'inventory, tokens, audit',
    sql: `
      CREATE TABLE businesses (
        id text PRIMARY KEY,
        name text NOT NULL CONSTRAINT businesses_name_key UNIQUE,
        description text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE TABLE hosts (
        id text PRIMARY KEY,
        name text NOT NULL CONSTRAINT hosts_name_key UNIQUE,
        business_id text NOT NULL CONSTRAINT hosts_business_fkey REFERENCES businesses(id) ON DELETE RESTRICT,
        address text NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX hosts_business_idx ON hosts(business_id);
      CREATE TABLE instances (
        id text PRIMARY KEY,
        name text NOT NULL CONSTRAINT instances_name_key UNIQUE,
        host_id text NOT NULL CONSTRAINT instances_host_fkey REFERENCES hosts(id) ON DELETE RESTRICT,
        engine text NOT NULL CHECK (engine IN ('mysql', 'mariadb', 'postgres')),
        port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
        user_name text NOT NULL,
        password_sealed text,
        database_name text,
        tls jsonb,
        labels jsonb NOT NULL DEFAULT '{}',
        backup_evidence_sql text,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX instances_host_idx ON instances(host_id);
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        name text NOT NULL CONSTRAINT api_tokens_name_key UNIQUE,
        role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
        hash text NOT NULL CONSTRAINT api_tokens_hash_key UNIQUE,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        last_used_at timestamptz
      );
      CREATE TABLE audit_log (
        id text PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        grafana_user text,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        target_name text,
        details jsonb
      );
      CREATE INDEX audit_log_at_idx ON audit_log(at DESC, id DESC);
    `,
  },
  {
    version: 2,
    name: 'thresholds and reports',
    sql: `
      CREATE TABLE threshold_overrides (
        check_id text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('global', 'business', 'instance')),
        scope_id text NOT NULL DEFAULT '',
        "values" jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        PRIMARY KEY (check_id, scope, scope_id)
      );
      CREATE TABLE reports (
        id text PRIMARY KEY,
        instance_id text NOT NULL,
        business_id text,
        tier text NOT NULL,
        started_at timestamptz NOT NULL,
        window_from timestamptz NOT NULL,
        window_to timestamptz NOT NULL,
        score integer NOT NULL,
        max_severity smallint,
        summary jsonb NOT NULL,
        document jsonb NOT NULL
      );
      CREATE INDEX reports_instance_idx ON reports(instance_id, tier, started_at DESC);
      CREATE INDEX reports_started_idx ON reports(started_at DESC, id DESC);
      CREATE INDEX reports_business_idx ON reports(business_id, started_at DESC);
    `,
  },
];

const LOCK_KEY = 0x64627061; // 'dbpa': serialises concurrent starters

export async function runMigrations(db: PgDatabase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.tx(async (client: pg.PoolClient) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations(version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
