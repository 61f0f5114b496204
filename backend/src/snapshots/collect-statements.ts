import type { ServerFacts, Target } from '../targets/target-spec.js';
import { collectMysqlStatements } from './mysql-statements.js';
import { collectPostgresStatements } from './postgres-statements.js';
import type { StatementSample } from './snapshot.model.js';

/** Top statements by total time for a snapshot, or undefined when the engine's statement statistics are unavailable. */
export function collectStatements(target: Target, facts: ServerFacts): Promise<StatementSample[] | undefined> {
  return facts.flavor === 'postgres' ? collectPostgresStatements(target, facts) : collectMysqlStatements(target, facts);
}

/** `{ statements }` to spread into a snapshot, empty when there are none. */
export async function statementsField(target: Target, facts: ServerFacts): Promise<{ statements?: StatementSample[] }> {
  const statements = await collectStatements(target, facts);
  return statements ? { statements } : {};
}
