import { hashReport } from '../content-hash.js';
import type { InspectionReport } from '../report.types.js';

/** The keys of the report document the runner hashed; a stored report's extra columns (id, trigger...) are not. */
const DOCUMENT_KEYS = {
  instance: true,
  server: true,
  reachable: true,
  tier: true,
  window: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
  score: true,
  counts: true,
  checks: true,
  findings: true,
  catalogVersion: true,
  thresholds: true,
  language: true,
  fingerprints: true,
  contentHash: true,
} satisfies Record<keyof InspectionReport, true>;

export interface ReportVerification {
  instance?: string;
  id?: string;
  /** The hash the file claims. */
  recorded: string;
  /** The hash of the file's content now. */
  computed: string;
  intact: boolean;
}

export interface VerifyResult {
  /** True when the file holds at least one report and every report's content matches its recorded hash. */
  intact: boolean;
  reports: ReportVerification[];
  /** Why the file could not be checked at all (not JSON, no report in it). */
  error?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function verifyOne(doc: Record<string, unknown>): ReportVerification {
  const content: Record<string, unknown> = {};
  for (const key of Object.keys(DOCUMENT_KEYS)) if (key !== 'contentHash' && key in doc) content[key] = doc[key];
  const recorded = typeof doc.contentHash === 'string' ? doc.contentHash : '';
  let computed = '';
  try {
    computed = hashReport(content as unknown as Omit<InspectionReport, 'contentHash'>);
  } catch {
    // A document so damaged that it cannot be hashed (checks not a list) is simply not intact.
  }
  const instance = isObject(doc.instance) && typeof doc.instance.name === 'string' ? doc.instance.name : undefined;
  return {
    ...(instance !== undefined ? { instance } : {}),
    ...(typeof doc.id === 'string' ? { id: doc.id } : {}),
    recorded,
    computed,
    intact: recorded !== '' && recorded === computed,
  };
}

/**
 * Recomputes the content hash of an exported JSON report (or of every report in an exported inspection) the way the
 * runner computed it, and says whether anything was altered since.
 */
export function verifyReportJson(text: string): VerifyResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { intact: false, reports: [], error: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const docs = isObject(parsed) && Array.isArray(parsed.reports) ? parsed.reports : [parsed];
  if (!docs.every((d) => isObject(d) && 'contentHash' in d && 'findings' in d)) {
    return { intact: false, reports: [], error: 'no report document with a content hash in the file' };
  }
  const reports = (docs as Record<string, unknown>[]).map(verifyOne);
  return { intact: reports.length > 0 && reports.every((r) => r.intact), reports };
}
