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
}

/** The statements a run of these checks sends to a server of this flavor and version, parameters inlined. */
export function checkStatements(checks: readonly AnyCheck[], ctx: QueryContext): ScriptStatement[] {
  const out: ScriptStatement[] = [];
  for (const c of checks) {
    if (!c.flavors.includes(ctx.server.flavor)) continue;
    if (c.applies?.({ server: ctx.server, instance: ctx.instance })) continue;
    for (const [name, q] of Object.entries(c.queries as Record<string, QuerySpec<unknown>>)) {
      const sql = q.dynamicSql?.(ctx) ?? pickSqlVariant(q.sql, ctx.server.flavor, ctx.server.versionNum)?.sql;
      if (!sql) continue;
      out.push({ checkId: c.id, query: name, sql: inlineParams(sql, q.params?.(ctx) ?? [], c.engine) });
    }
  }
  return out;
}

/** A script `psql -f` / `mariadb <` can run: each statement tagged like a real run and ended with `;`. */
export function toScript(statements: readonly ScriptStatement[]): string {
  return statements.map((s) => `${withComment(s.sql.trim().replace(/;\s*$/, ''), s.checkId)};\n`).join('\n');
}
