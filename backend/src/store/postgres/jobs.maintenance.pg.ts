import type { JobMaintenance } from '../store.js';
import { AGENDA_TABLE } from './migrations.js';
import type { PgDatabase } from './pg-database.js';

export class PgJobMaintenance implements JobMaintenance {
  constructor(private readonly db: PgDatabase) {}

  async pendingOccurrenceVersions(): Promise<Map<string, number[]>> {
    const rows = await this.db.query<{ schedule_id: string; version: number }>(
      `SELECT data->>'scheduleId' AS schedule_id, (data->>'version')::int AS version FROM ${AGENDA_TABLE}
       WHERE name = 'inspection:occurrence' AND next_run_at IS NOT NULL`,
    );
    const out = new Map<string, number[]>();
    for (const r of rows) out.set(r.schedule_id, [...(out.get(r.schedule_id) ?? []), Number(r.version)]);
    return out;
  }

  async pruneFinishedJobs(before: string): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM ${AGENDA_TABLE} WHERE type = 'normal' AND next_run_at IS NULL AND last_finished_at < $1 RETURNING 1`,
      [before],
    );
    return rows.length;
  }
}
