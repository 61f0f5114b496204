import { DomainError } from '../errors/domain-errors.js';
import { scrubCredentials } from '../logging/logger.js';

import { openTarget } from './open-target.js';
import { missingPrivileges } from './privileges.js';
import { TargetQueryError } from './query-error.js';
import type { Engine, Flavor, Target, TargetSpec } from './target-spec.js';

/** The outcome of `testConnection`; a failure carries a message safe to show (never the password). */
export type ConnectionTestResult =
  | {
      ok: true;
      engine: Engine;
      flavor: Flavor;
      version: string;
      role: 'primary' | 'replica';
      uptimeSeconds: number;
      missingPrivileges: string[];
    }
  | { ok: false; error: string };

function describeFailure(err: unknown, password: string | undefined): string {
  let text: string;
  if (err instanceof DomainError) text = err.message;
  else if (err instanceof TargetQueryError) text = `query failed: ${err.message}`;
  else text = err instanceof Error ? err.message : String(err);
  text = scrubCredentials(text);
  return password ? text.split(password).join('***') : text;
}

/** Connects with one connection, reads the server facts and what the account lacks, and disconnects. */
export async function testConnection(spec: TargetSpec): Promise<ConnectionTestResult> {
  let target: Target | undefined;
  try {
    target = openTarget({ ...spec, poolSize: 1 });
    const facts = await target.facts();
    return {
      ok: true,
      engine: spec.engine,
      flavor: facts.flavor,
      version: facts.version,
      role: facts.role,
      uptimeSeconds: facts.uptimeSeconds,
      missingPrivileges: await missingPrivileges(target, facts),
    };
  } catch (err) {
    return { ok: false, error: describeFailure(err, spec.password) };
  } finally {
    await target?.close();
  }
}
