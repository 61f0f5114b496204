import type { Flavor, SqlVariant } from './check.types.js';

/** The newest variant whose `since` ≤ the server version, among those for the flavor; undefined when none fits. */
export function pickSqlVariant(
  variants: readonly SqlVariant[],
  flavor: Flavor,
  versionNum: number,
): SqlVariant | undefined {
  let best: SqlVariant | undefined;
  for (const v of variants) {
    if (v.flavors && !v.flavors.includes(flavor)) continue;
    if (v.since > versionNum) continue;
    if (!best || v.since > best.since) best = v;
  }
  return best;
}
