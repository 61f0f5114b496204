import type { Category, Severity, Tier } from '../checks/check.types.js';
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
  /** Why it errored or was skipped. */
  reason?: string;
  durationMs: number;
  findingCount: number;
  /** PostgreSQL: the databases the check ran in. */
  databases?: string[];
}

export interface Finding {
  checkId: string;
  catalogRef: string;
  category: Category;
  tier: Tier;
  severity: Severity;
  object: string;
  message: string;
  value?: string | number;
  threshold?: string | number;
  remediation: string;
  database?: string;
  evidence?: Record<string, unknown>[];
}

export interface OutcomeCounts {
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  critical: number;
  warning: number;
  info: number;
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
  language: 'en' | 'zh';
  /** Trend checks' fingerprints, check id → object → hash (the next report's baseline). */
  fingerprints: Record<string, Record<string, string>>;
  contentHash: string;
}
