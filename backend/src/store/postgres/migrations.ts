import type pg from 'pg';
import {
  getCreateIndexesSQL,
  getCreateLogsIndexesSQL,
  getCreateLogsTableSQL,
  getCreateTableSQL,
  getUpdateTimestampTriggerSQL,
} from '@agendajs/postgres-backend';
import type { PgDatabase } from './pg-database.js';
import { renameThresholdKeysSql } from '../../checks/threshold-renames.js';

/** Agenda's job table, created here once rather than by racing workers (its own ensureSchema is off). */
export const AGENDA_TABLE = 'agenda_jobs';

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
  {
    version: 3,
    name: 'schedules, inspections, Agenda jobs',
    sql: [
      `CREATE TABLE schedules (
        id text PRIMARY KEY,
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'paused', 'cancelled')),
        version integer NOT NULL,
        spec jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        created_by text NOT NULL
      )`,
      `CREATE UNIQUE INDEX schedules_live_name_key ON schedules(name) WHERE status <> 'cancelled'`,
      `CREATE INDEX schedules_status_idx ON schedules(status, name)`,
      `CREATE TABLE inspections (
        id text PRIMARY KEY,
        request_id text,
        schedule_id text,
        fire_at timestamptz,
        state text NOT NULL,
        attempt integer NOT NULL DEFAULT 1,
        cancel_requested boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        document jsonb NOT NULL
      )`,
      `CREATE UNIQUE INDEX inspections_request_key ON inspections(request_id) WHERE request_id IS NOT NULL`,
      `CREATE UNIQUE INDEX inspections_occurrence_key ON inspections(schedule_id, fire_at) WHERE schedule_id IS NOT NULL`,
      `CREATE INDEX inspections_created_idx ON inspections(created_at DESC, id DESC)`,
      `ALTER TABLE reports ADD COLUMN inspection_id text, ADD COLUMN schedule_id text`,
      `CREATE UNIQUE INDEX reports_inspection_instance_key ON reports(inspection_id, instance_id) WHERE inspection_id IS NOT NULL`,
      `CREATE INDEX reports_schedule_idx ON reports(schedule_id, started_at DESC) WHERE schedule_id IS NOT NULL`,
      getCreateTableSQL(AGENDA_TABLE),
      ...getCreateIndexesSQL(AGENDA_TABLE),
      getUpdateTimestampTriggerSQL(AGENDA_TABLE),
      getCreateLogsTableSQL('agenda_logs'),
      ...getCreateLogsIndexesSQL('agenda_logs'),
      // One pending row per occurrence and per immediate request, whatever races the enqueuers run.
      `CREATE UNIQUE INDEX agenda_jobs_occurrence_key ON ${AGENDA_TABLE} ((data->>'scheduleId'), (data->>'fireAt'))
         WHERE name = 'inspection:occurrence'`,
      `CREATE UNIQUE INDEX agenda_jobs_immediate_key ON ${AGENDA_TABLE} ((data->>'requestId')) WHERE name = 'inspection:immediate'`,
    ].join(';\n'),
  },
  {
    version: 4,
    name: 'counter snapshots',
    sql: `
      CREATE TABLE counter_snapshots (
        instance_id text NOT NULL,
        taken_at timestamptz NOT NULL,
        server_started_at timestamptz NOT NULL,
        counters jsonb NOT NULL,
        PRIMARY KEY (instance_id, taken_at)
      );
      CREATE INDEX counter_snapshots_taken_idx ON counter_snapshots(taken_at);
      CREATE UNIQUE INDEX agenda_jobs_snapshot_key ON agenda_jobs ((data->>'slot')) WHERE name = 'snapshots:collect';
    `,
  },
  {
    version: 5,
    name: 'report analytics for the Grafana datasource',
    // Counts as columns and findings as rows, so dashboards aggregate narrow index entries instead of documents.
    sql: `
      ALTER TABLE reports
        ADD COLUMN findings_critical integer GENERATED ALWAYS AS (COALESCE((summary->'counts'->>'critical')::integer, 0)) STORED,
        ADD COLUMN findings_warning integer GENERATED ALWAYS AS (COALESCE((summary->'counts'->>'warning')::integer, 0)) STORED,
        ADD COLUMN findings_info integer GENERATED ALWAYS AS (COALESCE((summary->'counts'->>'info')::integer, 0)) STORED;
      CREATE INDEX reports_analytics_idx ON reports(started_at)
        INCLUDE (instance_id, tier, score, findings_critical, findings_warning, findings_info);
      CREATE INDEX reports_instance_time_idx ON reports(instance_id, started_at DESC, id DESC);
      CREATE TABLE report_findings (
        report_id text NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        ordinal integer NOT NULL,
        check_id text NOT NULL,
        catalog_ref text NOT NULL,
        category text NOT NULL,
        severity text NOT NULL,
        object text NOT NULL,
        message text NOT NULL,
        value text,
        threshold text,
        PRIMARY KEY (report_id, ordinal)
      );
      CREATE FUNCTION report_findings_fill() RETURNS trigger LANGUAGE plpgsql AS $fill$
      BEGIN
        INSERT INTO report_findings(report_id, ordinal, check_id, catalog_ref, category, severity, object, message,
          value, threshold)
        SELECT NEW.id, f.ordinal, f.e->>'checkId', COALESCE(f.e->>'catalogRef', ''), COALESCE(f.e->>'category', ''),
          f.e->>'severity', COALESCE(f.e->>'object', ''), COALESCE(f.e->>'message', ''), f.e->>'value', f.e->>'threshold'
        FROM jsonb_array_elements(COALESCE(NEW.document->'findings', '[]'::jsonb)) WITH ORDINALITY AS f(e, ordinal);
        RETURN NULL;
      END
      $fill$;
      CREATE TRIGGER reports_findings_fill AFTER INSERT ON reports FOR EACH ROW EXECUTE FUNCTION report_findings_fill();
      INSERT INTO report_findings(report_id, ordinal, check_id, catalog_ref, category, severity, object, message, value,
        threshold)
      SELECT r.id, f.ordinal, f.e->>'checkId', COALESCE(f.e->>'catalogRef', ''), COALESCE(f.e->>'category', ''),
        f.e->>'severity', COALESCE(f.e->>'object', ''), COALESCE(f.e->>'message', ''), f.e->>'value', f.e->>'threshold'
      FROM reports r, jsonb_array_elements(COALESCE(r.document->'findings', '[]'::jsonb)) WITH ORDINALITY AS f(e, ordinal);
      CREATE INDEX inspections_fire_at_idx ON inspections(fire_at) WHERE fire_at IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'metrics: check problems of reports, run columns',
    // /metrics reads these on every scrape: narrow columns filled on write instead of documents read per scrape.
    sql: `
      ALTER TABLE reports ADD COLUMN check_problems jsonb GENERATED ALWAYS AS (
        jsonb_path_query_array(document, '$.checks[*] ? (@.status == "fail" || @.status == "error")')) STORED;
      ALTER TABLE inspections
        ADD COLUMN trigger_kind text GENERATED ALWAYS AS (document->'trigger'->>'kind') STORED,
        ADD COLUMN started_text text GENERATED ALWAYS AS (document->>'startedAt') STORED,
        ADD COLUMN finished_text text GENERATED ALWAYS AS (document->>'finishedAt') STORED,
        ADD COLUMN worker_name text GENERATED ALWAYS AS (document->>'worker') STORED;
      CREATE INDEX inspections_schedule_state_idx ON inspections(schedule_id, state) INCLUDE (finished_text)
        WHERE schedule_id IS NOT NULL;
      CREATE INDEX inspections_trigger_state_idx ON inspections(trigger_kind, state) INCLUDE (started_text, finished_text);
      CREATE INDEX agenda_jobs_last_run_idx ON agenda_jobs(last_run_at) WHERE last_run_at IS NOT NULL;
    `,
  },
  {
    version: 7,
    name: 'metrics: run durations and finish times as numbers',
    // Parsing ISO text on every scrape cost more than the rest of /metrics. The function is declared immutable,
    // which holds for the timestamps DB Patrol writes: they always carry their offset, so the session's TimeZone
    // cannot change the result.
    sql: `
      CREATE FUNCTION dbpatrol_iso_epoch(text) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $fn$ SELECT extract(epoch FROM $1::timestamptz)::double precision $fn$;
      ALTER TABLE inspections
        ADD COLUMN finished_epoch double precision GENERATED ALWAYS AS (dbpatrol_iso_epoch(document->>'finishedAt')) STORED,
        ADD COLUMN duration_seconds double precision GENERATED ALWAYS AS (
          dbpatrol_iso_epoch(document->>'finishedAt') - dbpatrol_iso_epoch(document->>'startedAt')) STORED;
      DROP INDEX inspections_schedule_state_idx;
      DROP INDEX inspections_trigger_state_idx;
      CREATE INDEX inspections_schedule_state_idx ON inspections(schedule_id, state) INCLUDE (finished_epoch)
        WHERE schedule_id IS NOT NULL;
      CREATE INDEX inspections_trigger_state_idx ON inspections(trigger_kind, state) INCLUDE (duration_seconds);
    `,
  },
  {
    version: 8,
    name: 'threshold overrides: keys renamed to the one vocabulary',
    sql: renameThresholdKeysSql('threshold_overrides'),
  },
  {
    version: 9,
    name: 'waivers',
    sql: `
      CREATE TABLE waivers (
        id text PRIMARY KEY,
        check_id text NOT NULL,
        scope text NOT NULL,
        scope_id text NOT NULL,
        object_pattern text,
        reason text NOT NULL,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX waivers_scope_idx ON waivers(scope, scope_id, expires_at);
    `,
  },
  {
    version: 10,
    name: 'grafana: packed report series per instance, tier and month',
    // A year of daily reports of 500 instances is 182,500 rows: reading them costs more than the datasource's 50 ms.
    // Each row here packs up to 200 reports of one instance, tier and UTC month as big-endian arrays (start as int4
    // milliseconds after the month's start minus 2^31, score int2, critical/warning/info int4 each), so a year of the
    // fleet is ~6,000 narrow rows that the backend buckets itself. The part cap bounds the rewrite per insert when a
    // cron schedule runs often.
    sql: `
      CREATE TABLE report_series (
        instance_id text NOT NULL,
        tier text NOT NULL,
        month date NOT NULL,
        part integer NOT NULL,
        reports integer NOT NULL,
        times bytea NOT NULL,
        scores bytea NOT NULL,
        counts bytea NOT NULL,
        PRIMARY KEY (instance_id, tier, month, part)
      );
      CREATE INDEX report_series_month_idx ON report_series(month);
      CREATE FUNCTION report_series_time(at timestamptz, month date) RETURNS bytea LANGUAGE sql IMMUTABLE AS $t$
        SELECT int4send((floor((extract(epoch FROM at) - extract(epoch FROM month::timestamp)) * 1000) - 2147483648)::int4)
      $t$;
      CREATE FUNCTION report_series_add() RETURNS trigger LANGUAGE plpgsql AS $add$
      DECLARE
        m date := date_trunc('month', NEW.started_at AT TIME ZONE 'UTC')::date;
        t bytea := report_series_time(NEW.started_at, m);
        s bytea := int2send(NEW.score::int2);
        c bytea := int4send(NEW.findings_critical) || int4send(NEW.findings_warning) || int4send(NEW.findings_info);
      BEGIN
        UPDATE report_series SET reports = reports + 1, times = times || t, scores = scores || s, counts = counts || c
        WHERE instance_id = NEW.instance_id AND tier = NEW.tier AND month = m AND reports < 200;
        IF NOT FOUND THEN
          -- A concurrent writer may take the same part first: then this report joins it (a part over 200 is harmless).
          INSERT INTO report_series AS r
          SELECT NEW.instance_id, NEW.tier, m, count(*)::int, 1, t, s, c
          FROM report_series WHERE instance_id = NEW.instance_id AND tier = NEW.tier AND month = m
          ON CONFLICT (instance_id, tier, month, part) DO UPDATE SET reports = r.reports + 1, times = r.times || t,
            scores = r.scores || s, counts = r.counts || c;
        END IF;
        RETURN NULL;
      END
      $add$;
      CREATE FUNCTION report_series_fill(p_instance text, p_tier text, p_month date) RETURNS void LANGUAGE sql AS $fill$
        INSERT INTO report_series
        SELECT instance_id, tier, month, part, count(*)::int,
          string_agg(report_series_time(started_at, month), ''::bytea ORDER BY started_at, id),
          string_agg(int2send(score::int2), ''::bytea ORDER BY started_at, id),
          string_agg(int4send(findings_critical) || int4send(findings_warning) || int4send(findings_info), ''::bytea
            ORDER BY started_at, id)
        FROM (
          SELECT *, date_trunc('month', started_at AT TIME ZONE 'UTC')::date AS month,
            ((row_number() OVER (PARTITION BY instance_id, tier, date_trunc('month', started_at AT TIME ZONE 'UTC')
              ORDER BY started_at, id) - 1) / 200)::int AS part
          FROM reports
          WHERE (p_instance IS NULL OR (instance_id = p_instance AND tier = p_tier
            AND started_at >= p_month::timestamp AT TIME ZONE 'UTC'
            AND started_at < (p_month + interval '1 month')::timestamp AT TIME ZONE 'UTC'))
        ) x GROUP BY instance_id, tier, month, part
      $fill$;
      CREATE FUNCTION report_series_remove() RETURNS trigger LANGUAGE plpgsql AS $remove$
      DECLARE
        m date := date_trunc('month', OLD.started_at AT TIME ZONE 'UTC')::date;
      BEGIN
        DELETE FROM report_series WHERE instance_id = OLD.instance_id AND tier = OLD.tier AND month = m;
        PERFORM report_series_fill(OLD.instance_id, OLD.tier, m);
        RETURN NULL;
      END
      $remove$;
      CREATE TRIGGER reports_series_add AFTER INSERT ON reports FOR EACH ROW EXECUTE FUNCTION report_series_add();
      CREATE TRIGGER reports_series_remove AFTER DELETE ON reports FOR EACH ROW EXECUTE FUNCTION report_series_remove();
      SELECT report_series_fill(NULL, NULL, NULL);
    `,
  },
  {
    version: 11,
    name: 'statement samples in counter snapshots',
    // Top statements by total time (pg_stat_statements / performance_schema digests), at most 100 per snapshot.
    sql: `ALTER TABLE counter_snapshots ADD COLUMN statements jsonb;`,
  },
  {
    version: 12,
    name: 'parameter baselines',
    sql: `
      CREATE TABLE parameter_baselines (
        scope text NOT NULL,
        scope_id text NOT NULL,
        engine text NOT NULL,
        parameters jsonb NOT NULL,
        from_report_id text,
        note text,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        PRIMARY KEY (scope, scope_id, engine)
      );
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
