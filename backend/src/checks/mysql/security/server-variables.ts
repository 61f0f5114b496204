import { z } from 'zod';

/** A row of `SHOW GLOBAL VARIABLES` (values arrive as strings; NULL shows as NULL). */
export const variableRow = z.object({ Variable_name: z.string(), Value: z.string().nullable() });

/** Variables by lower-case name. */
export const variablesByName = (rows: readonly z.infer<typeof variableRow>[]): Map<string, string | null> =>
  new Map(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value]));

/** `ON`/`OFF`, `1`/`0`, `YES`/`NO` as the server prints booleans. */
export const isOn = (value: string | null | undefined): boolean =>
  value !== null && value !== undefined && /^(on|1|yes|true)$/i.test(value.trim());

/**
 * Why remote clients cannot connect at all (`skip_networking`, or every `bind_address` entry a loopback address), or
 * null when the server listens beyond the host. `bind_address` may list several addresses from MySQL 8.0.13.
 */
export function loopbackOnly(vars: Map<string, string | null>): string | null {
  if (isOn(vars.get('skip_networking'))) return 'skip_networking=ON';
  const bind = vars.get('bind_address');
  if (bind === undefined || bind === null || bind.trim() === '') return null;
  const loopback = (a: string) => a === 'localhost' || a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
  const addresses = bind.split(',').map((a) => a.trim().toLowerCase());
  return addresses.every(loopback) ? `bind_address=${bind}` : null;
}
