import { z } from 'zod';
import type { InspectionWindow, SqlVariant, Texts } from '../../check.types.js';

/**
 * Reads named global status variables: information_schema.GLOBAL_STATUS on MariaDB (and MySQL < 5.7),
 * performance_schema.global_status on MySQL ≥ 5.7 (where the information_schema table is disabled by default).
 */
export function globalStatusSql(names: readonly string[]): SqlVariant[] {
  const list = names.map((n) => `'${n}'`).join(', ');
  return [
    {
      since: 0,
      sql: `SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN (${list})`,
    },
    {
      since: 50700,
      flavors: ['mysql'],
      sql: `SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM performance_schema.global_status WHERE VARIABLE_NAME IN (${list})`,
    },
  ];
}

export const statusRow = z.object({ name: z.string(), value: z.union([z.string(), z.number()]).nullable() });

/** Status values by lower-cased name (MariaDB reports the names in upper case, MySQL in mixed case). */
export class StatusValues {
  readonly #values = new Map<string, string>();

  constructor(rows: readonly z.infer<typeof statusRow>[]) {
    for (const r of rows) if (r.value !== null) this.#values.set(r.name.toLowerCase(), String(r.value));
  }

  number(name: string): number | undefined {
    const raw = this.#values.get(name.toLowerCase());
    if (raw === undefined || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  }

  text(name: string): string | undefined {
    return this.#values.get(name.toLowerCase());
  }
}

/**
 * Counters are cumulative since the server started (no snapshot at the window start yet); this says so, and whether
 * that period covers the whole window.
 */
export function sinceServerStart(now: Date, window: InspectionWindow, uptimeSeconds: number): Texts {
  const started = new Date(now.getTime() - uptimeSeconds * 1000).toISOString();
  const within = new Date(started) >= window.from;
  return {
    en: `since ${started} (${within ? 'server start, within the window' : 'server start; window start not covered'})`,
    zh: `自 ${started} 起（${within ? '实例启动时间，在窗口内' : '实例启动时间；未覆盖窗口起点'}）`,
  };
}
