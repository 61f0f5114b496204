import { z } from 'zod';
import type {
  AnyCheck,
  CounterBaseline,
  Evaluation,
  FindingDraft,
  InspectionWindow,
  InstanceInfo,
  Message,
  QuerySpec,
  ServerFacts,
  Texts,
  Tier,
} from '../checks/check.types.js';
import { toTexts } from '../checks/check.types.js';
import type { HostMetrics } from '../hostmetrics/host-facts.js';

export interface EvaluateOptions {
  /** Merged over the check's defaults. */
  thresholds?: Record<string, unknown>;
  instance?: Partial<InstanceInfo>;
  counterBaseline?: CounterBaseline;
  /** Host checks: what the host metrics source returned for the node. */
  hostMetrics?: HostMetrics;
  /** The tier of the inspection running the check. */
  runTier?: Tier;
  /** Trend checks: the fingerprints of the previous report. */
  baseline?: Readonly<Record<string, string>>;
  /** Per-call overrides of the evaluator's server, clock and window. */
  server?: ServerFacts;
  now?: Date;
  window?: InspectionWindow;
  /** The database a `database`-scoped check is evaluated for. */
  database?: string;
}

/** The PostgreSQL server most table tests pretend to talk to (the version installed here). */
export const POSTGRES_15: ServerFacts = {
  engine: 'postgres',
  flavor: 'postgres',
  version: '15.20',
  versionNum: 150020,
  versionString: '15.20',
  role: 'primary',
  uptimeSeconds: 86_400,
  readOnly: false,
};

/** The MariaDB server the MySQL-family table tests pretend to talk to (the version installed here). */
export const MARIADB_10_11: ServerFacts = {
  engine: 'mariadb',
  flavor: 'mariadb',
  version: '10.11.19',
  versionNum: 101119,
  versionString: '10.11.19-MariaDB-0+deb12u1',
  role: 'primary',
  uptimeSeconds: 86_400,
  readOnly: false,
};

/** A MySQL 8.0 server for the flavor-specific cases. */
export const MYSQL_8_0: ServerFacts = {
  ...MARIADB_10_11,
  engine: 'mysql',
  flavor: 'mysql',
  version: '8.0.36',
  versionNum: 80036,
  versionString: '8.0.36',
};

/**
 * For table tests of `evaluate`: parses raw driver rows (strings for bigints and decimals) through the check's row
 * schemas, as the runner does, then evaluates with a fixed clock, window and server.
 */
export function checkEvaluator(base: {
  server: ServerFacts;
  window: InspectionWindow;
  now: Date;
  instanceName: string;
  /** Fail the test when a finding message or skip reason is not given in both languages (`Texts` with Chinese). */
  requireBothLanguages?: boolean;
}) {
  const assertBilingual = (m: Message, what: string): void => {
    if (!base.requireBothLanguages) return;
    if (typeof m === 'string' || !m.en.trim() || !/[\u4e00-\u9fff]/.test(m.zh))
      throw new Error(`${what} is not in both languages (English and Chinese): ${JSON.stringify(m)}`);
  };
  const checked = (e: Evaluation): Evaluation => {
    if (!Array.isArray(e) && 'skipped' in e) assertBilingual(e.skipped, 'skip reason');
    for (const f of Array.isArray(e) ? e : 'findings' in e ? e.findings : [])
      assertBilingual(f.message, 'finding message');
    return e;
  };
  const evaluate = (check: AnyCheck, raw: Record<string, unknown[]>, opts: EvaluateOptions = {}): Evaluation => {
    const rows: Record<string, unknown[]> = {};
    for (const [name, q] of Object.entries(check.queries as Record<string, QuerySpec<unknown>>)) {
      rows[name] = z.array(q.row).parse(raw[name] ?? []);
    }
    return checked(
      check.evaluate(rows, {
        server: opts.server ?? base.server,
        window: opts.window ?? base.window,
        now: opts.now ?? base.now,
        instance: { name: base.instanceName, ...opts.instance },
        thresholds: { ...check.thresholds.defaults, ...opts.thresholds },
        ...(opts.counterBaseline ? { counterBaseline: opts.counterBaseline } : {}),
        ...(opts.baseline ? { baseline: opts.baseline } : {}),
        ...(opts.hostMetrics ? { hostMetrics: opts.hostMetrics } : {}),
        ...(opts.runTier ? { runTier: opts.runTier } : {}),
        ...(opts.database ? { database: opts.database } : {}),
      }),
    );
  };
  const findings = (e: Evaluation): FindingDraft[] => {
    if (Array.isArray(e)) return e;
    if ('findings' in e) return e.findings;
    throw new Error(`skipped: ${JSON.stringify(e.skipped)}`);
  };
  /** The skip reason in both languages; throws when the check did not skip. */
  const skipped = (e: Evaluation): Texts => {
    if (!Array.isArray(e) && 'skipped' in e) return toTexts(e.skipped);
    throw new Error(`not skipped: ${JSON.stringify(e)}`);
  };
  return { evaluate, findings, skipped };
}
