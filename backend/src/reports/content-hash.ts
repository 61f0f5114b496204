import { createHash } from 'node:crypto';
import type { InspectionReport } from './report.types.js';

/** JSON with every object's keys sorted, so the text does not depend on the order a store gives keys back in. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sorted((v as Record<string, unknown>)[k]);
    return out;
  };
  // A JSON round trip first applies toJSON and drops undefined, exactly as the stored document did.
  return JSON.stringify(sorted(JSON.parse(JSON.stringify(value) ?? 'null')));
}

/**
 * SHA-256 over the report's content (everything but timings), so identical inspections hash alike. Keys are sorted:
 * PostgreSQL's jsonb reorders them, and a report read back from the store must still verify.
 */
export function hashReport(report: Omit<InspectionReport, 'contentHash'>): string {
  const { startedAt: _s, finishedAt: _f, durationMs: _d, checks, ...rest } = report;
  const stable = { ...rest, checks: checks.map(({ durationMs: _ms, ...c }) => c) };
  return createHash('sha256').update(canonicalJson(stable)).digest('hex');
}
