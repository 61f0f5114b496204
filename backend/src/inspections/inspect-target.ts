import type {
  AnyCheck,
  CounterBaseline,
  EngineFamily,
  InspectionWindow,
  InstanceInfo,
  Tier,
} from '../checks/check.types.js';
import { tierIncludes } from '../checks/check.types.js';
import { hashReport } from '../reports/content-hash.js';
import type { CheckOutcome, InspectionReport } from '../reports/report.types.js';
import type { Engine, ServerFacts, Target } from '../targets/target-spec.js';
import { outcomeHead, REASONS, runCheck, skippedRun, type CheckRun } from './run-check.js';
import { computeScore, countOutcomes } from './score.js';
import { applyWaivers } from '../waivers/match-waiver.js';
import type { WaiverContext } from '../waivers/waiver.model.js';
import type { HostMetrics } from '../hostmetrics/host-facts.js';

export interface InspectOptions {
  tier: Tier;
  window: InspectionWindow;
  now: Date;
  instance: InstanceInfo & { id?: string; engine: Engine };
  checks: readonly AnyCheck[];
  catalogVersion: string;
  /** Resolved thresholds per check id (defaults merged with global, business and instance overrides). */
  thresholds?: (check: AnyCheck) => unknown;
  /** Only these check ids. */
  only?: readonly string[];
  /** PostgreSQL databases to visit (default: every database that allows connections). */
  databases?: { include?: readonly string[]; exclude?: readonly string[] };
  concurrency?: number;
  language?: 'en' | 'zh';
  signal?: AbortSignal;
  /** Counters at the window start from a stored snapshot (delta checks); absent → since start or reset. */
  counterBaseline?: CounterBaseline;
  /** Facts about the instance's node from the host metrics source (host checks); absent when none is configured. */
  hostMetrics?: HostMetrics;
  /** Fingerprints of the previous report of this instance, check id → object → hash (trend checks). */
  baseline?: Readonly<Record<string, Record<string, string>>>;
  /** Waivers that may apply to this instance; applied to the findings before the score and the content hash. */
  waivers?: WaiverContext;
  onCheckDone?: (outcome: CheckOutcome, done: number, total: number) => void;
  /** The server's facts already being read (or the failure to read them), so the target is not contacted twice. */
  facts?: Promise<ServerFacts>;
}

export const familyOf = (engine: Engine): EngineFamily => (engine === 'postgres' ? 'postgres' : 'mysql');

/** The checks of a catalog that a run of `tier` on `engine` executes, in catalog order. */
export function selectChecks(
  checks: readonly AnyCheck[],
  engine: Engine,
  tier: Tier,
  only?: readonly string[],
): AnyCheck[] {
  const family = familyOf(engine);
  return checks.filter((c) => c.engine === family && tierIncludes(tier, c.tier) && (!only || only.includes(c.id)));
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

/**
 * Runs the selected checks on one target and builds its report. Never throws for a target problem: an unreachable
 * target gives a critical availability failure and every other check skipped.
 */
export async function inspectTarget(target: Target, o: InspectOptions): Promise<InspectionReport> {
  const started = Date.now();
  const startedAt = new Date().toISOString();
  const lang = o.language ?? 'en';
  const selected = selectChecks(o.checks, o.instance.engine, o.tier, o.only);
  const thresholdsOf = (c: AnyCheck): unknown => o.thresholds?.(c) ?? c.thresholds.defaults;

  let facts: ServerFacts | undefined;
  let unreachable: string | undefined;
  try {
    facts = await (o.facts ?? target.facts());
  } catch (err) {
    unreachable = err instanceof Error ? err.message : String(err);
  }

  const runs: CheckRun[] = [];
  if (!facts) {
    for (const c of selected) {
      if (c.availability) {
        const finding = {
          ...outcomeHead(c),
          severity: 'critical' as const,
          object: o.instance.name,
          message: REASONS.unreachable(unreachable ?? ''),
          remediation: { en: c.remediation.en, zh: c.remediation.zh },
        };
        runs.push({
          outcome: {
            ...outcomeHead(c),
            status: 'fail',
            severity: 'critical',
            durationMs: Date.now() - started,
            findingCount: 1,
          },
          findings: [finding],
        });
      } else {
        runs.push(skippedRun(c, REASONS.skippedUnreachable));
      }
    }
  } else {
    const server = facts;
    let databases: Promise<string[]> | undefined;
    const listDatabases = () =>
      (databases ??= target
        .listDatabases()
        .then((all) =>
          all.filter(
            (d) =>
              (!o.databases?.include?.length || o.databases.include.includes(d)) && !o.databases?.exclude?.includes(d),
          ),
        ));
    let done = 0;
    const results = await mapLimit(selected, o.concurrency ?? 2, async (c) => {
      const run = o.signal?.aborted
        ? skippedRun(c, REASONS.cancelled)
        : await runCheck(target, c, server, { ...o, thresholds: thresholdsOf(c), listDatabases });
      o.onCheckDone?.(run.outcome, ++done, selected.length);
      return run;
    });
    runs.push(...results);
  }

  const { checks, findings } = applyWaivers(
    runs.map((r) => r.outcome),
    runs.flatMap((r) => r.findings),
    o.waivers,
    o.now,
  );
  const thresholds: Record<string, unknown> = {};
  for (const c of selected) thresholds[c.id] = thresholdsOf(c);
  const fingerprints: Record<string, Record<string, string>> = {};
  runs.forEach((r, i) => {
    const id = selected[i]!.id;
    if (r.fingerprints) fingerprints[id] = r.fingerprints;
    // A trend check that could not run (unreachable, error, cancelled) keeps the previous report's fingerprints: the
    // next report still compares with the last values seen, and history-carrying checks do not lose their series.
    else if ((r.outcome.status === 'error' || r.outcome.status === 'skipped') && o.baseline?.[id])
      fingerprints[id] = { ...o.baseline[id] };
  });
  const report: Omit<InspectionReport, 'contentHash'> = {
    instance: { ...(o.instance.id ? { id: o.instance.id } : {}), name: o.instance.name, engine: o.instance.engine },
    server: facts
      ? {
          engine: facts.engine,
          flavor: facts.flavor,
          version: facts.version,
          versionString: facts.versionString,
          role: facts.role,
          uptimeSeconds: facts.uptimeSeconds,
          ...(facts.hostname ? { hostname: facts.hostname } : {}),
        }
      : null,
    reachable: facts !== undefined,
    tier: o.tier,
    window: { from: o.window.from.toISOString(), to: o.window.to.toISOString() },
    startedAt,
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    score: computeScore(checks),
    counts: countOutcomes(checks, findings),
    checks,
    findings,
    catalogVersion: o.catalogVersion,
    thresholds,
    language: lang,
    fingerprints,
  };
  return { ...report, contentHash: hashReport(report) };
}
