/** A size or count from a `SHOW GLOBAL VARIABLES` value (`134217728`); undefined when absent or not numeric. */
export function bytesOf(vars: Map<string, string | null>, name: string): number | undefined {
  const raw = vars.get(name);
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
