import type { Tier } from '../checks/check.types.js';
import { CHECKS } from '../checks/registry.js';
import type { Config } from '../config/config.js';
import { InputError } from '../errors/domain-errors.js';
import { selectChecks } from '../inspections/inspect-target.js';
import { parseMysqlVersion, parsePostgresVersion } from '../targets/server-facts.js';
import { openTarget } from '../targets/open-target.js';
import { DEFAULT_POSTGRES_DATABASE } from '../targets/postgres-target.js';
import type { Engine, ServerFacts } from '../targets/target-spec.js';
import { parseTargetUrl } from '../targets/target-url.js';
import { checkStatements, toScript } from './sql-script.js';
import { resolveWindow } from '../inspections/window.js';

export function listChecks(o: { engine?: Engine; tier?: Tier }): string {
  const family = o.engine ? (o.engine === 'postgres' ? 'postgres' : 'mysql') : undefined;
  const rows = CHECKS.filter(
    (c) => (!family || c.engine === family) && (!o.engine || family === 'postgres' || c.flavors.includes(o.engine)),
  )
    .filter((c) => !o.tier || selectChecks([c], c.engine === 'postgres' ? 'postgres' : 'mysql', o.tier).length > 0)
    .map((c) => [c.catalogRef, c.id, c.tier, c.category, c.window, c.title.en]);
  const widths = [6, 0, 0, 0, 0].map((w, i) => Math.max(w, ...rows.map((r) => r[i]!.length)));
  return (
    rows.map((r) => r.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n') +
    '\n'
  );
}

function factsFor(engine: Engine, version: string): ServerFacts {
  let parsed;
  try {
    parsed =
      engine === 'postgres'
        ? parsePostgresVersion(version, versionNumFromPg(version))
        : parseMysqlVersion(engine === 'mariadb' && !/mariadb/i.test(version) ? `${version}-MariaDB` : version);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw InputError.field(
      '--server-version',
      `"${version}" is not a ${engine} version like ${engine === 'postgres' ? '15.4' : '8.0.36'}`,
    );
  }
  return {
    engine,
    flavor: engine === 'postgres' ? 'postgres' : engine,
    version: parsed.version,
    versionNum: parsed.versionNum,
    versionString: version,
    role: 'primary',
    uptimeSeconds: 0,
    readOnly: false,
  };
}

function versionNumFromPg(version: string): number {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) throw InputError.field('--server-version', `"${version}" is not a PostgreSQL version like 15.4`);
  return Number(m[1]) * 10000 + Number(m[2] ?? 0);
}

/**
 * The exact SQL a run sends: for a live server (`--url`) or a given engine and version. Against a live PostgreSQL
 * the script connects where an inspection does: the URL's database for instance-level checks, then every database
 * the inspection visits (the target's own list, as `dbpatrol inspect` uses it) for the database-scoped ones.
 */
export async function checksSql(
  o: { engine?: Engine; tier: Tier; serverVersion?: string; url?: string; window?: string },
  config: Config,
): Promise<string> {
  let facts: ServerFacts;
  let engine: Engine;
  let instanceName = 'cli';
  let databases: string[] | undefined;
  let connectTo: string | undefined;
  if (o.url) {
    const spec = parseTargetUrl(o.url);
    const target = openTarget({ ...config.targets, ...spec });
    try {
      facts = await target.facts();
      if (spec.engine === 'postgres') {
        databases = await target.listDatabases();
        connectTo = target.spec.database ?? DEFAULT_POSTGRES_DATABASE;
      }
    } finally {
      await target.close();
    }
    engine = spec.engine;
    instanceName = `${spec.host}:${spec.port}`;
  } else {
    if (!o.engine) throw InputError.field('--engine', 'is required unless --url is given');
    engine = o.engine;
    const defaults: Record<Engine, string> = { mysql: '8.4.0', mariadb: '10.11.0-MariaDB', postgres: '17.0' };
    facts = factsFor(engine, o.serverVersion ?? defaults[engine]);
  }
  const now = new Date();
  const window = resolveWindow({ tier: o.tier, now, ...(o.window ? { window: o.window } : {}) });
  const checks = selectChecks(CHECKS, engine, o.tier);
  const statements = checkStatements(
    checks,
    { server: facts, window, now, instance: { name: instanceName } },
    databases,
  );
  const header = [
    `-- DB Patrol ${o.tier} checks for ${facts.flavor} ${facts.version}; window ${window.from.toISOString()} → ${window.to.toISOString()}`,
    ...(databases
      ? [`-- database-scoped checks run in each of ${databases.length} database(s): ${databases.join(', ')}`]
      : engine === 'postgres'
        ? ['-- database-scoped checks run in every database that allows connections (listed here with --url)']
        : []),
  ];
  return `${header.join('\n')}\n${toScript(statements, connectTo === undefined ? {} : { connectTo })}`;
}
