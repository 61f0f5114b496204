import type { AnyCheck, QueryContext, QuerySpec } from '../checks/check.types.js';
import { pickSqlVariant } from '../checks/sql-variant.js';
import { withComment } from '../targets/statement-comment.js';

function literal(value: unknown, engine: 'mysql' | 'postgres'): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return engine === 'postgres' ? String(value) : value ? '1' : '0';
  const text =
    value instanceof Date
      ? engine === 'postgres'
        ? value.toISOString()
        : value.toISOString().slice(0, 23).replace('T', ' ')
      : String(value);
  return `'${text.replace(/'/g, "''")}'`;
}

/** Inlines positional parameters (`?` on MySQL, `$n` on PostgreSQL) as literals, outside string literals. */
export function inlineParams(sql: string, params: readonly unknown[], engine: 'mysql' | 'postgres'): string {
  if (params.length === 0) return sql;
  let i = 0;
  return sql.replace(/'(?:[^']|'')*'|\$(\d+)|\?/g, (m, n: string | undefined) => {
    if (m.startsWith("'")) return m;
    if (engine === 'postgres') return n ? literal(params[Number(n) - 1], engine) : m;
    return m === '?' ? literal(params[i++], engine) : m;
  });
}

export interface ScriptStatement {
  checkId: string;
  query: string;
  sql: string;
  /** The PostgreSQL database a database-scoped check sends this statement in; absent: the target's own database. */
  database?: string;
}

/**
 * The statements a run of these checks sends to a server of this flavor and version, parameters inlined, as the
 * runner plans them: a check whose flavor or `applies()` rules it out, or with a query that has no SQL for this
 * version, sends nothing; a database-scoped PostgreSQL check sends its queries once in every database of `databases`
 * (the list the inspection visits), with that database in the query context. Without `databases` (no live server)
 * those statements are listed once, without a database.
 */
export function checkStatements(
  checks: readonly AnyCheck[],
  ctx: QueryContext,
  databases?: readonly string[],
): ScriptStatement[] {
  const out: ScriptStatement[] = [];
  for (const c of checks) {
    if (!c.flavors.includes(ctx.server.flavor)) continue;
    if (c.applies?.({ server: ctx.server, instance: ctx.instance })) continue;
    const plan: { name: string; q: QuerySpec<unknown>; sql: string }[] = [];
    for (const [name, q] of Object.entries(c.queries as Record<string, QuerySpec<unknown>>)) {
      const sql = q.dynamicSql?.(ctx) ?? pickSqlVariant(q.sql, ctx.server.flavor, ctx.server.versionNum)?.sql;
      if (!sql) {
        plan.length = 0;
        break;
      }
      plan.push({ name, q, sql });
    }
    const visits: (string | undefined)[] =
      c.engine === 'postgres' && c.scope === 'database' && databases ? [...databases] : [undefined];
    for (const database of visits) {
      const qctx: QueryContext = database === undefined ? ctx : { ...ctx, database };
      for (const { name, q, sql } of plan) {
        out.push({
          checkId: c.id,
          query: name,
          sql: inlineParams(sql, q.params?.(qctx) ?? [], c.engine),
          ...(database === undefined ? {} : { database }),
        });
      }
    }
  }
  return out;
}

/** `\connect "name"` as psql reads it (double quotes keep case and spaces; a double quote inside is doubled). */
export const psqlConnect = (database: string): string => `\\connect "${database.replace(/"/g, '""')}"`;

const statementText = (s: ScriptStatement) => `${withComment(s.sql.trim().replace(/;\s*$/, ''), s.checkId)};\n`;

/**
 * A script `psql -f` / `mariadb <` can run: each statement tagged like a real run and ended with `;`. With
 * `connectTo` (PostgreSQL), the instance-level statements come first after `\connect <connectTo>` (the database the
 * target connects to), then each visited database's statements after its own `\connect`.
 */
export function toScript(statements: readonly ScriptStatement[], o: { connectTo?: string } = {}): string {
  if (o.connectTo === undefined) return statements.map(statementText).join('\n');
  const instanceLevel: ScriptStatement[] = [];
  const perDatabase = new Map<string, ScriptStatement[]>();
  for (const s of statements) {
    if (s.database === undefined) instanceLevel.push(s);
    else perDatabase.set(s.database, [...(perDatabase.get(s.database) ?? []), s]);
  }
  const blocks = [
    { database: o.connectTo, list: instanceLevel },
    ...[...perDatabase].map(([database, list]) => ({ database, list })),
  ].filter((b) => b.list.length > 0);
  return blocks.map((b) => `${psqlConnect(b.database)}\n\n${b.list.map(statementText).join('\n')}`).join('\n');
}
