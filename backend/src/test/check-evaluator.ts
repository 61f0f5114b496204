import { z } from 'zod';
import type {
  AnyCheck,
  CounterBaseline,
  Evaluation,
  FindingDraft,
  InspectionWindow,
  InstanceInfo,
  QuerySpec,
  ServerFacts,
} from '../checks/check.types.js';

export interface EvaluateOptions {
  thresholds?: Record<string, unknown>;
  instance?: Partial<InstanceInfo>;
  counterBaseline?: CounterBaseline;
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

/**
 * For table tests of `evaluate`: parses raw driver rows (strings for bigints and decimals) through the check's row
 * schemas, as the runner does, then evaluates with a fixed clock, window and server.
 */
export function checkEvaluator(base: {
  server: ServerFacts;
  window: InspectionWindow;
  now: Date;
  instanceName: string;
}) {
  const evaluate = (check: AnyCheck, raw: Record<string, unknown[]>, opts: EvaluateOptions = {}): Evaluation => {
    const rows: Record<string, unknown[]> = {};
    for (const [name, q] of Object.entries(check.queries as Record<string, QuerySpec<unknown>>)) {
      rows[name] = z.array(q.row).parse(raw[name] ?? []);
    }
    return check.evaluate(rows, {
      server: base.server,
      window: base.window,
      now: base.now,
      instance: { name: base.instanceName, ...opts.instance },
      thresholds: { ...check.thresholds.defaults, ...opts.thresholds },
      ...(opts.counterBaseline ? { counterBaseline: opts.counterBaseline } : {}),
    });
  };
  const findings = (e: Evaluation): FindingDraft[] => {
    if (Array.isArray(e)) return e;
    if ('findings' in e) return e.findings;
    throw new Error(`skipped: ${e.skipped}`);
  };
  return { evaluate, findings };
}
