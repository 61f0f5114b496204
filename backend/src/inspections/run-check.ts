import { z } from 'zod';
import { SEVERITIES, toTexts } from '../checks/check.types.js';
import type {
  AnyCheck,
  CheckContext,
  CounterBaseline,
  InspectionWindow,
  InstanceInfo,
  QueryContext,
  QuerySpec,
  Severity,
  Texts,
  Tier,
} from '../checks/check.types.js';
import type { HostMetrics } from '../hostmetrics/host-facts.js';
import { pickSqlVariant } from '../checks/sql-variant.js';
import type { CheckOutcome, Finding } from '../reports/report.types.js';
import { classifyQueryError } from '../targets/query-error.js';
import type { ServerFacts, Target } from '../targets/target-spec.js';

const MAX_EVIDENCE = 20;

/** How one check ended, with its findings and (trend checks) the fingerprints for the next report's baseline. */
export interface CheckRun {
  outcome: CheckOutcome;
  findings: Finding[];
  fingerprints?: Record<string, string>;
}

/** What running one check needs besides the target and the check. */
export interface RunCheckOptions {
  /** The tier of the inspection (a check of a lower tier may leave to a higher tier's check what both would grade). */
  tier?: Tier;
  window: InspectionWindow;
  now: Date;
  instance: InstanceInfo;
  signal?: AbortSignal;
  counterBaseline?: CounterBaseline;
  /** Host facts read once per instance (absent when no host metrics source is configured). */
  hostMetrics?: HostMetrics;
  baseline?: Readonly<Record<string, Record<string, string>>>;
  thresholds: unknown;
  /** The databases a database-scoped PostgreSQL check visits (listed once per inspection). */
  listDatabases: () => Promise<string[]>;
}

/** The fields every outcome and finding of a check starts with. */
export const outcomeHead = (c: AnyCheck) => ({
  checkId: c.id,
  catalogRef: c.catalogRef,
  category: c.category,
  tier: c.tier,
});

export const skippedRun = (c: AnyCheck, reason: Texts, durationMs = 0): CheckRun => ({
  outcome: { ...outcomeHead(c), status: 'skipped', reason, durationMs, findingCount: 0 },
  findings: [],
});

/** The worst of some severities, in the order of `SEVERITIES`. */
export const worstOf = (severities: readonly Severity[]): Severity =>
  severities.reduce((w, s) => (SEVERITIES.indexOf(s) > SEVERITIES.indexOf(w) ? s : w), SEVERITIES[0]!);

/** The runner's own reasons, in both languages (the server's error text stays as the server wrote it). */
export const REASONS = {
  cancelled: { en: 'inspection cancelled', zh: '巡检已取消' },
  unreachable: (detail: string): Texts => ({ en: `instance unreachable: ${detail}`, zh: `实例无法连接：${detail}` }),
  skippedUnreachable: { en: 'instance unreachable', zh: '实例无法连接' },
  notApplicable: (flavor: string): Texts => ({ en: `not applicable to ${flavor}`, zh: `不适用于 ${flavor}` }),
  needsNewer: (flavor: string, version: string): Texts => ({
    en: `needs a newer ${flavor} than ${version}`,
    zh: `需要高于 ${version} 的 ${flavor} 版本`,
  }),
  noQuery: (flavor: string): Texts => ({ en: `no query for ${flavor}`, zh: `没有适用于 ${flavor} 的查询` }),
  inDatabase: (database: string, reason: Texts): Texts => ({
    en: `database "${database}": ${reason.en}`,
    zh: `数据库 "${database}"：${reason.zh}`,
  }),
} as const;

export function describeError(err: unknown): Texts {
  const c = classifyQueryError(err);
  if (c.kind === 'permission') {
    return {
      en: `permission denied${c.privilege ? `: needs ${c.privilege}` : ''} (${c.message})`,
      zh: `权限不足${c.privilege ? `：需要 ${c.privilege}` : ''}（${c.message}）`,
    };
  }
  if (c.kind === 'timeout') return { en: `statement timed out (${c.message})`, zh: `语句执行超时（${c.message}）` };
  if (c.kind === 'lock-timeout') return { en: `lock wait timed out (${c.message})`, zh: `等待锁超时（${c.message}）` };
  return { en: c.message, zh: c.message };
}

/** Several reasons as one, per language. */
export const joinReasons = (reasons: readonly Texts[]): Texts => ({
  en: reasons.map((r) => r.en).join('; '),
  zh: reasons.map((r) => r.zh).join('；'),
});

interface PlannedQuery {
  name: string;
  sql: string;
  optional: boolean;
}

/** The SQL each query of the check runs on this server, or why the check cannot run here. */
function planQueries(c: AnyCheck, server: ServerFacts, o: RunCheckOptions): PlannedQuery[] | { skip: Texts } {
  const plan: PlannedQuery[] = [];
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
      return {
        skip: Number.isFinite(minimum)
          ? REASONS.needsNewer(server.flavor, server.version)
          : REASONS.noQuery(server.flavor),
      };
    }
    plan.push({ name, sql: variant.sql, optional: q.optional ?? false });
  }
  return plan;
}

/** Rows per query name, each validated by the query's row schema. */
async function queryRows(
  session: Awaited<ReturnType<Target['session']>>,
  c: AnyCheck,
  plan: readonly PlannedQuery[],
  qctx: QueryContext,
): Promise<Record<string, unknown[]>> {
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
  return rows;
}

/** What the check's visits of its databases (or of the instance, once) gathered. */
interface Gathered {
  findings: Finding[];
  fingerprints: Record<string, string>;
  hasFingerprints: boolean;
  /** Databases (or '' for the instance) where `evaluate` ran. */
  ran: string[];
  errors: Texts[];
  skipReason?: Texts;
}

async function gather(
  target: Target,
  c: AnyCheck,
  server: ServerFacts,
  plan: readonly PlannedQuery[],
  dbs: readonly (string | undefined)[],
  o: RunCheckOptions,
): Promise<Gathered> {
  const g: Gathered = { findings: [], fingerprints: {}, hasFingerprints: false, ran: [], errors: [] };
  const failed = (database: string | undefined, err: unknown) =>
    g.errors.push(database ? REASONS.inDatabase(database, describeError(err)) : describeError(err));
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
      failed(database, err);
      continue;
    }
    try {
      const rows = await queryRows(session, c, plan, qctx);
      const baseline = baselineFor(o.baseline?.[c.id], database);
      const ctx: CheckContext<unknown> = {
        ...qctx,
        thresholds: o.thresholds,
        ...(baseline ? { baseline } : {}),
        ...(o.counterBaseline ? { counterBaseline: o.counterBaseline } : {}),
        ...(o.hostMetrics ? { hostMetrics: o.hostMetrics } : {}),
        ...(o.tier ? { runTier: o.tier } : {}),
      };
      const result = c.evaluate(rows, ctx);
      g.ran.push(database ?? '');
      if (!Array.isArray(result) && result.fingerprints) {
        g.hasFingerprints = true;
        for (const [k, v] of Object.entries(result.fingerprints)) g.fingerprints[database ? `${database}:${k}` : k] = v;
      }
      if (!Array.isArray(result) && 'skipped' in result) {
        g.skipReason = toTexts(result.skipped);
        continue;
      }
      for (const f of Array.isArray(result) ? result : result.findings) {
        g.findings.push({
          ...outcomeHead(c),
          ...f,
          message: toTexts(f.message),
          ...(f.evidence ? { evidence: f.evidence.slice(0, MAX_EVIDENCE) } : {}),
          remediation: { en: c.remediation.en, zh: c.remediation.zh },
          ...(database ? { database } : {}),
        });
      }
    } catch (err) {
      failed(database, err);
    } finally {
      await session.release();
    }
  }
  return g;
}

/** Findings make it a failure (errors elsewhere noted), else errors an error, else a skip, else a pass. */
function conclude(c: AnyCheck, g: Gathered, dbs: readonly (string | undefined)[], durationMs: number): CheckRun {
  const head = outcomeHead(c);
  const extra = g.hasFingerprints ? { fingerprints: g.fingerprints } : {};
  const databases =
    c.scope === 'database' && c.engine === 'postgres' ? { databases: dbs.filter((d): d is string => !!d) } : {};
  if (g.findings.length > 0) {
    return {
      outcome: {
        ...head,
        status: 'fail',
        severity: worstOf(g.findings.map((f) => f.severity)),
        durationMs,
        findingCount: g.findings.length,
        ...databases,
        ...(g.errors.length ? { reason: joinReasons(g.errors) } : {}),
      },
      findings: g.findings,
      ...extra,
    };
  }
  if (g.errors.length > 0) {
    return {
      outcome: { ...head, status: 'error', reason: joinReasons(g.errors), durationMs, findingCount: 0, ...databases },
      findings: [],
      ...extra,
    };
  }
  if (g.skipReason && g.ran.length > 0) return { ...skippedRun(c, g.skipReason, durationMs), ...extra };
  return { outcome: { ...head, status: 'pass', durationMs, findingCount: 0, ...databases }, findings: [], ...extra };
}

/** Runs one check on a reachable server: applicability, SQL per version, every database it covers, evaluation. */
export async function runCheck(
  target: Target,
  c: AnyCheck,
  server: ServerFacts,
  o: RunCheckOptions,
): Promise<CheckRun> {
  const t0 = Date.now();
  if (!c.flavors.includes(server.flavor)) return skippedRun(c, REASONS.notApplicable(server.flavor), Date.now() - t0);
  const notApplicable = c.applies?.({ server, instance: o.instance });
  if (notApplicable) return skippedRun(c, toTexts(notApplicable), Date.now() - t0);
  const plan = planQueries(c, server, o);
  if (!Array.isArray(plan)) return skippedRun(c, plan.skip, Date.now() - t0);
  const dbs = c.engine === 'postgres' && c.scope === 'database' ? await o.listDatabases() : [undefined];
  const gathered = await gather(target, c, server, plan, dbs, o);
  return conclude(c, gathered, dbs, Date.now() - t0);
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
