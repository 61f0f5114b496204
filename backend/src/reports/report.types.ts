import type { Category, Message, Severity, Texts, Tier } from '../checks/check.types.js';
import type { Engine, Flavor } from '../targets/target-spec.js';

export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** How one check ended on one instance. */
export interface CheckOutcome {
  checkId: string;
  catalogRef: string;
  category: Category;
  tier: Tier;
  status: CheckStatus;
  severity?: Severity;
  /** Why it errored or was skipped, in both languages. */
  reason?: Texts;
  durationMs: number;
  findingCount: number;
  /** PostgreSQL: the databases the check ran in. */
  databases?: string[];
  /** Findings of this check that a waiver covers; a check whose findings are all waived passes. */
  waivedCount?: number;
}

export interface Finding {
  checkId: string;
  catalogRef: string;
  category: Category;
  tier: Tier;
  severity: Severity;
  object: string;
  message: Texts;
  value?: string | number;
  threshold?: string | number;
  remediation: Texts;
  database?: string;
  evidence?: Record<string, unknown>[];
  /** Set when a waiver in force covered this finding: it stays in the report but costs nothing. */
  waived?: { waiverId: string; owner: string; reason: string; expiresAt: string };
}

export interface OutcomeCounts {
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  critical: number;
  warning: number;
  info: number;
  /** Findings a waiver covers (not in critical/warning/info); absent in reports made before waivers. */
  waived?: number;
}

/** One instance's inspection. */
export interface InspectionReport {
  instance: { id?: string; name: string; engine: Engine };
  server: {
    engine: Engine;
    flavor: Flavor;
    version: string;
    versionString?: string;
    role?: 'primary' | 'replica';
    uptimeSeconds?: number;
    hostname?: string;
  } | null;
  reachable: boolean;
  tier: Tier;
  window: { from: string; to: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  score: number;
  counts: OutcomeCounts;
  checks: CheckOutcome[];
  findings: Finding[];
  catalogVersion: string;
  thresholds: Record<string, unknown>;
  /** The language the report is preferably shown in; messages, remediations and reasons carry both. */
  language: 'en' | 'zh';
  /** Trend checks' fingerprints, check id → object → hash (the next report's baseline). */
  fingerprints: Record<string, Record<string, string>>;
  contentHash: string;
}

/**
 * A finding as a stored report may hold it: reports written before messages became bilingual kept one string in
 * `language`, which stands for both languages.
 */
export type StoredFinding = Omit<Finding, 'message' | 'remediation'> & { message: Message; remediation: Message };
export type StoredOutcome = Omit<CheckOutcome, 'reason'> & { reason?: Message };

/** A report document as read back from a store or a file: bilingual texts, or the legacy single strings. */
export type StoredReportDocument = Omit<InspectionReport, 'findings' | 'checks'> & {
  findings: StoredFinding[];
  checks: StoredOutcome[];
};
