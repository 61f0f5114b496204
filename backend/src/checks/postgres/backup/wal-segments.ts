/** Segment number of a WAL file name (`TTTTTTTTXXXXXXXXYYYYYYYY`), or null for history/backup/partial names. */
export function walSegmentNumber(name: string, segmentBytes: number): { timeline: string; segno: number } | null {
  const m = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/.exec(name);
  if (!m || segmentBytes <= 0) return null;
  const perLogId = 0x1_0000_0000 / segmentBytes;
  return { timeline: m[1]!, segno: parseInt(m[2]!, 16) * perLogId + parseInt(m[3]!, 16) };
}
