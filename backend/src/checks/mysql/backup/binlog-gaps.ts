/** A break in the binary log sequence: `before` is followed by `after` though `missing` files lie between. */
export interface BinlogGap {
  before: string;
  after: string;
  /** The file names that should lie between (empty when the sequence goes backwards). */
  missing: string[];
}

const MAX_NAMED = 1000;

/**
 * Breaks in the numeric suffixes of binary log names, in the order the server lists them. A change of base name
 * starts a new sequence (log_bin_basename was changed); names without a numeric suffix are ignored.
 */
export function findBinlogGaps(names: readonly string[]): BinlogGap[] {
  const gaps: BinlogGap[] = [];
  let prev: { name: string; base: string; n: number; width: number } | undefined;
  for (const name of names) {
    const m = /^(.*)\.(\d+)$/.exec(name);
    if (!m) continue;
    const cur = { name, base: m[1]!, n: Number(m[2]), width: m[2]!.length };
    if (prev && prev.base === cur.base && cur.n !== prev.n + 1) {
      const missing: string[] = [];
      for (let k = prev.n + 1; k < cur.n && missing.length < MAX_NAMED; k++)
        missing.push(`${cur.base}.${String(k).padStart(prev.width, '0')}`);
      gaps.push({ before: prev.name, after: cur.name, missing });
    }
    prev = cur;
  }
  return gaps;
}
