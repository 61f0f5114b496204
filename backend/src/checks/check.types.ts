import type { z } from 'zod';
import type { Flavor, ServerFacts } from '../targets/target-spec.js';
import type { StatementSample } from '../snapshots/snapshot.model.js';
import type { HostMetrics } from '../hostmetrics/host-facts.js';

export type Tier = 'daily' | 'weekly' | 'monthly' | 'annual';
export const TIERS: readonly Tier[] = ['daily', 'weekly', 'monthly', 'annual'];

/** Tiers are cumulative: a weekly run executes daily and weekly checks. */
export const tierIncludes = (run: Tier, check: Tier): boolean => TIERS.indexOf(check) <= TIERS.indexOf(run);

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** The engine family a check is written for: `mysql` covers MySQL and MariaDB (see `flavors`). */
export type EngineFamily = 'mysql' | 'postgres';

export type Category =
  | 'availability'
  | 'replication'
  | 'connections'
  | 'transactions'
  | 'locks'
  | 'errors'
  | 'backup'
  | 'storage'
  | 'objects'
  | 'security'
  | 'parameters'
  | 'host'
  | 'performance';

/** How the sampling window applies: state (ignored), events (filtered by time), delta (counters), trend. */
export type WindowUse = 'state' | 'events' | 'delta' | 'trend';

/** English and Simplified Chinese. */
export interface Texts {
  en: string;
  zh: string;
}

/**
 * Text that may come in one language or both: report readers accept a plain string (reports written before messages
 * were bilingual) and show it unchanged in both languages. Checks always produce `Texts`.
 */
export type Message = Texts | string;

/** Both languages of a message (a plain string stands for both). */
export const toTexts = (m: Message): Texts => (typeof m === 'string' ? { en: m, zh: m } : m);

/** One SQL text, used from server version `since` (MySQL/MariaDB 80022 = 8.0.22, PostgreSQL 150000 = 15.0). */
export interface SqlVariant {
  since: number;
  /** Only for these flavors (default: every flavor of the check). */
  flavors?: readonly Flavor[];
  sql: string;
}

export interface QuerySpec<Row> {
  /** Candidates; for the server's flavor the newest `since` ≤ its version wins. */
  sql: readonly SqlVariant[];
  /** Validates each row as the driver returns it (bigint and decimal arrive as strings). */
  row: z.ZodType<Row>;
  /** Positional parameters (`?` on MySQL, `$1` on PostgreSQL), computed from the context (e.g. window start). */
  params?: (ctx: QueryContext) => unknown[];
  /** When true, a permission/missing-object error of this query yields empty rows instead of failing the check. */
  optional?: boolean;
  /**
   * SQL configured per instance rather than per version (the operator's backup evidence query); when it returns a
   * string it replaces `sql`, and `sql` may then be empty. Guard its absence with `applies()`.
   */
  dynamicSql?: (ctx: QueryContext) => string | undefined;
}

export interface InspectionWindow {
  from: Date;
  to: Date;
}

/** What a query may depend on. */
export interface QueryContext {
  server: ServerFacts;
  window: InspectionWindow;
  now: Date;
  instance: InstanceInfo;
  database?: string;
}

/** The instance as configured in the inventory (what checks may compare against). */
export interface InstanceInfo {
  name: string;
  /** The operator's SQL returning `last_backup_end` (MY-D12, PG-D09). */
  backupEvidenceSql?: string;
  /** The role the inventory expects, when set (PG-D02). */
  expectedRole?: 'primary' | 'replica';
  /** The parameter baseline in force for the instance: its own, else its business's (MY-M10, PG-M07). */
  parameterBaseline?: ParameterBaselineRef;
}

/** Expected parameter values an instance is compared with, as stored through `/api/v1/baselines`. */
export interface ParameterBaselineRef {
  scope: 'instance' | 'business';
  /** Parameter name → expected value, as the server spells both. */
  parameters: Readonly<Record<string, string>>;
  /** The report the values were taken from, when set from one. */
  fromReportId?: string;
  updatedAt: string;
}

/** Counters of the latest snapshot at or before the window start (or, when none, the first one inside the window). */
export interface CounterBaseline {
  takenAt: string;
  /** False: the first snapshot inside the window, so the window start is not covered. */
  coversWindowStart: boolean;
  /** `status.<lower-case name>` (MySQL/MariaDB), `metric.<name>`, `db.<datname>.<column>` (PostgreSQL). */
  counters: Readonly<Record<string, number>>;
  /** Top statements by total time in that snapshot (pg_stat_statements / digests); absent when none were collected. */
  statements?: readonly StatementSample[];
  /**
   * The window's end edge when an inspection runs long after the window ended (a late catch-up): the snapshot nearest
   * the window end, at or before it, of the same server lifetime. Absent: the end edge is the live counters.
   */
  end?: {
    takenAt: string;
    counters: Readonly<Record<string, number>>;
    statements?: readonly StatementSample[];
  };
}

/** Everything `evaluate` may look at; it has no I/O and no clock of its own (`now`). */
export interface CheckContext<T> extends QueryContext {
  thresholds: T;
  /** Results of the same check in other databases are evaluated separately; this names the current one. */
  database?: string;
  /**
   * Trend checks (privilege or DDL drift): the fingerprints this check returned for the same instance in the previous
   * report, object → hash; undefined when there is no earlier report (the CLI without a store, a first run).
   */
  baseline?: Readonly<Record<string, string>>;
  /**
   * Delta checks: counters at the window's start from a stored snapshot of the same server lifetime; absent when
   * there is none (then counters run since server start or stats reset, and the message says so).
   */
  counterBaseline?: CounterBaseline;
  /**
   * Host checks: facts about the node from the host metrics source (Prometheus over node_exporter), or why they could
   * not be read; absent when no source is configured.
   */
  hostMetrics?: HostMetrics;
  /**
   * The tier of the inspection running the check (absent in table tests and tools that run one check): a daily check
   * may leave to an annual one what both would grade over the same window.
   */
  runTier?: Tier;
}

/** One problem found. `object` is quoted as a DBA would type it (`` `db`.`t` ``, `"s"."t"`, `'u'@'h'`). */
export interface FindingDraft {
  severity: Severity;
  object: string;
  message: Texts;
  value?: string | number;
  threshold?: string | number;
  /** Up to 20 rows of supporting data. */
  evidence?: Record<string, unknown>[];
}

/**
 * `evaluate` returns findings (none = pass), or says the check does not apply with the reason. Trend checks also
 * return fingerprints (object → hash) to be stored with the report and handed back as `baseline` next time.
 */
export type Evaluation =
  | FindingDraft[]
  | { skipped: Texts; fingerprints?: Record<string, string> }
  | { findings: FindingDraft[]; fingerprints: Record<string, string> };

type RowsOf<Q> = { [K in keyof Q]: Q[K] extends QuerySpec<infer R> ? R[] : never };

/** A check: typed data plus one pure function. */
export interface CheckDefinition<
  Q extends Record<string, QuerySpec<unknown>> = Record<string, QuerySpec<unknown>>,
  T = unknown,
> {
  /** Stable slug, `<engine>.<name>`, e.g. `postgres.xid-wraparound`. */
  id: string;
  /** The code in CHECKS.md, e.g. `PG-D11`. */
  catalogRef: string;
  engine: EngineFamily;
  flavors: readonly Flavor[];
  category: Category;
  tier: Tier;
  window: WindowUse;
  /** The check that reports an unreachable instance (MY-D01, PG-D01). */
  availability?: true;
  /** `database`: run in every inspected database of a PostgreSQL cluster; `instance`: once. */
  scope: 'instance' | 'database';
  title: Texts;
  description: Texts;
  remediation: Texts;
  queries: Q;
  thresholds: { schema: z.ZodType<T>; defaults: T };
  /** A reason not to run on this server (version, flavor, role, missing source), or null to run. */
  applies?: (ctx: { server: ServerFacts; instance: InstanceInfo }) => Texts | null;
  evaluate: (rows: RowsOf<Q>, ctx: CheckContext<T>) => Evaluation;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = CheckDefinition<any, any>;

export type { Flavor, ServerFacts };
