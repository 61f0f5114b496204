import { toTexts } from '../checks/check.types.js';
import { z } from 'zod';
import type {
  AnyCheck,
  CheckContext,
  CounterBaseline,
  EngineFamily,
  InspectionWindow,
  InstanceInfo,
  QueryContext,
  QuerySpec,
  Tier,
} from '../checks/check.types.js';
import { tierIncludes } from '../checks/check.types.js';
import { pickSqlVariant } from '../checks/sql-variant.js';
import { hashReport } from '../reports/content-hash.js';
import { classifyQueryError } from '../targets/query-error.js';
import type { Engine, ServerFacts, Target } from '../targets/target-spec.js';
import type { CheckOutcome, Finding, InspectionReport } from '../reports/report.types.js';
import { computeScore, countOutcomes } from './score.js';

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
  /** Fingerprints of the previous report of this instance, check id → object → hash (trend checks). */
  baseline?: Readonly<Record<string, Record<string, string>>>;
  onCheckDone?: (outcome: CheckOutcome, done: number, total: number) => void;
  /** The server's facts already being read (or the failure to read them), so the target is not contacted twice. */
  facts?: Promise<ServerFacts>;
}

const MAX_EVIDENCE = 20;

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

function describeError(err: unknown): string {
  const c = classifyQueryError(err);
  if (c.kind === 'permission') return `permission denied${c.privilege ? `: needs ${c.privilege}` : ''} (${c.message})`;
  if (c.kind === 'timeout') return `statement timed out (${c.message})`;
  if (c.kind === 'lock-timeout') return `lock wait timed out (${c.message})`;
  return c.message;
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

interface CheckRun {
  outcome: CheckOutcome;
  findings: Finding[];
  fingerprints?: Record<string, string>;
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
  const base = (c: AnyCheck) => ({ checkId: c.id, catalogRef: c.catalogRef, category: c.category, tier: c.tier });

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
        const finding: Finding = {
          ...base(c),
          severity: 'critical',
          object: o.instance.name,
          message: `instance unreachable: ${unreachable}`,
          remediation: c.remediation[lang],
        };
        runs.push({
          outcome: {
            ...base(c),
            status: 'fail',
            severity: 'critical',
            durationMs: Date.now() - started,
            findingCount: 1,
          },
          findings: [finding],
        });
      } else {
        runs.push({
          outcome: { ...base(c), status: 'skipped', reason: 'instance unreachable', durationMs: 0, findingCount: 0 },
          findings: [],
        });
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
        ? {
            outcome: {
              ...base(c),
              status: 'skipped' as const,
              reason: 'inspection cancelled',
              durationMs: 0,
              findingCount: 0,
            },
            findings: [],
          }
        : await runCheck(target, c, server, o, thresholdsOf(c), listDatabases, lang);
      o.onCheckDone?.(run.outcome, ++done, selected.length);
      return run;
    });
    runs.push(...results);
  }

  const checks = runs.map((r) => r.outcome);
  const findings = runs.flatMap((r) => r.findings);
  const thresholds: Record<string, unknown> = {};
  for (const c of selected) thresholds[c.id] = thresholdsOf(c);
  const fingerprints: Record<string, Record<string, string>> = {};
  runs.forEach((r, i) => {
    if (r.fingerprints) fingerprints[selected[i]!.id] = r.fingerprints;
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
    counts: countOutcomes(
      checks,
      findings.map((f) => f.severity),
    ),
    checks,
    findings,
    catalogVersion: o.catalogVersion,
    thresholds,
    language: lang,
    fingerprints,
  };
  return { ...report, contentHash: hashReport(report) };
}

async function runCheck(
  target: Target,
  c: AnyCheck,
  server: ServerFacts,
  o: InspectOptions,
  thresholds: unknown,
  listDatabases: () => Promise<string[]>,
  lang: 'en' | 'zh',
): Promise<CheckRun> {
  const t0 = Date.now();
  const head = { checkId: c.id, catalogRef: c.catalogRef, category: c.category, tier: c.tier };
  const skipped = (reason: string): CheckRun => ({
    outcome: { ...head, status: 'skipped', reason, durationMs: Date.now() - t0, findingCount: 0 },
    findings: [],
  });
  if (!c.flavors.includes(server.flavor)) return skipped(`not applicable to ${server.flavor}`);
  const notApplicable = c.applies?.({ server, instance: o.instance });
  if (notApplicable) return skipped(toTexts(notApplicable)[lang]);

  const plan: { name: string; sql: string; optional: boolean }[] = [];
  for (const [name, q] of Object.entries(c.queries) as [string, QuerySpec<unknown>][]) {
    const dynamic = q.dynamicSql?.({ server, window: o.window, now: o.now, instance: o.instance });
    if (dynamic !== undefined) {
      plan.push({ name, sql: dynamic, optional: q.optional ?? false });
      continue;
    }
    const variant = pickSqlVariant(q.sql, server.flavor, server.versionNum);
    if (!variant) {
      const minimum = Math.min(
        ...q.sql.filter((v) => !v.flavors || v.flavors.includes(server.flavor)).map((v) => v.since),
      );
      return skipped(
        Number.isFinite(minimum)
          ? `needs a newer ${server.flavor} than ${server.version}`
          : `no query for ${server.flavor}`,
      );
    }
    plan.push({ name, sql: variant.sql, optional: q.optional ?? false });
  }

  const dbs = c.engine === 'postgres' && c.scope === 'database' ? await listDatabases() : [undefined];
  const findings: Finding[] = [];
  const fingerprints: Record<string, string> = {};
  let hasFingerprints = false;
  const ran: string[] = [];
  const errors: string[] = [];
  let skipReason: string | undefined;
  for (const database of dbs) {
    if (o.signal?.aborted) break;
    const qctx: QueryContext = {
      server,
      window: o.window,
      now: o.now,
      instance: o.instance,
      ...(database ? { database } : {}),
    };
    let session;
    try {
      session = await target.session(database);
    } catch (err) {
      errors.push(`${database ? `database "${database}": ` : ''}${describeError(err)}`);
      continue;
    }
    try {
      const rows: Record<string, unknown[]> = {};
      for (const step of plan) {
        const q = (c.queries as Record<string, QuerySpec<unknown>>)[step.name]!;
        let raw: unknown[];
        try {
          raw = await session.query(step.sql, q.params?.(qctx) ?? [], { tag: c.id });
        } catch (err) {
          const kind = classifyQueryError(err).kind;
          if (step.optional && (kind === 'permission' || kind === 'missing-object')) raw = [];
          else throw err;
        }
        const parsed = z.array(q.row).safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new Error(`unexpected result from query "${step.name}": ${issue?.path.join('.')}: ${issue?.message}`);
        }
        rows[step.name] = parsed.data;
      }
      const baseline = baselineFor(o.baseline?.[c.id], database);
      const ctx: CheckContext<unknown> = {
        ...qctx,
        thresholds,
        ...(baseline ? { baseline } : {}),
        ...(o.counterBaseline ? { counterBaseline: o.counterBaseline } : {}),
      };
      const result = c.evaluate(rows, ctx);
      ran.push(database ?? '');
      if (!Array.isArray(result) && result.fingerprints) {
        hasFingerprints = true;
        for (const [k, v] of Object.entries(result.fingerprints)) fingerprints[database ? `${database}:${k}` : k] = v;
      }
      if (!Array.isArray(result) && 'skipped' in result) {
        skipReason = toTexts(result.skipped)[lang];
        continue;
      }
      for (const f of Array.isArray(result) ? result : result.findings) {
        findings.push({
          ...head,
          ...f,
          message: toTexts(f.message)[lang],
          ...(f.evidence ? { evidence: f.evidence.slice(0, MAX_EVIDENCE) } : {}),
          remediation: c.remediation[lang],
          ...(database ? { database } : {}),
        });
      }
    } catch (err) {
      errors.push(`${database ? `database "${database}": ` : ''}${describeError(err)}`);
    } finally {
      await session.release();
    }
  }

  const durationMs = Date.now() - t0;
  const extra = hasFingerprints ? { fingerprints } : {};
  const databases =
    c.scope === 'database' && c.engine === 'postgres' ? { databases: dbs.filter((d): d is string => !!d) } : {};
  if (findings.length > 0) {
    const order = ['info', 'warning', 'critical'] as const;
    const severity = findings.reduce(
      (w, f) => (order.indexOf(f.severity) > order.indexOf(w) ? f.severity : w),
      'info' as Finding['severity'],
    );
    return {
      outcome: {
        ...head,
        status: 'fail',
        severity,
        durationMs,
        findingCount: findings.length,
        ...databases,
        ...(errors.length ? { reason: errors.join('; ') } : {}),
      },
      findings,
      ...extra,
    };
  }
  if (errors.length > 0)
    return {
      outcome: { ...head, status: 'error', reason: errors.join('; '), durationMs, findingCount: 0, ...databases },
      findings: [],
      ...extra,
    };
  if (skipReason && ran.length > 0)
    return {
      outcome: { ...head, status: 'skipped', reason: skipReason, durationMs, findingCount: 0 },
      findings: [],
      ...extra,
    };
  return { outcome: { ...head, status: 'pass', durationMs, findingCount: 0, ...databases }, findings: [], ...extra };
}

/** Fingerprints of database-scoped checks are stored as `<database>:<object>`; each database sees its own. */
function baselineFor(
  all: Readonly<Record<string, string>> | undefined,
  database?: string,
): Record<string, string> | undefined {
  if (!all || !database) return all;
  const prefix = `${database}:`;
  return Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}
