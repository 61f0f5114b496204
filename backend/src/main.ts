#!/usr/bin/env node
import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from './http/roles.js';
import { TIERS, type Tier } from './checks/check.types.js';
import type { InspectCommandOptions } from './cli/inspect.command.js';
import type { ReportsExportOptions } from './cli/reports.command.js';
import type { Config } from './config/config.js';
import { DomainError, InputError } from './errors/domain-errors.js';
import type { Logger } from './logging/logger.js';
import type { AppContext } from './runtime/context.js';
import { VERSION } from './version.js';
import type { Engine } from './targets/target-spec.js';

// Commands load their modules on use, so `inspect` does not pay for the HTTP server or the stores, and `--help`
// loads commander alone (no zod, pino or check catalog): src/cli/module-load.integration.test.ts keeps it so.

/** Exit codes: 0 ok, 1 failure, 2 usage or configuration error. */
const EXIT_USAGE = 2;

let unhandledRejections = 0;

/**
 * A long-running process (serve, worker) logs a promise rejection nobody handled, with a running count, instead of
 * dying of it (Node's default) or losing it; an exception nobody caught leaves the process in an unknown state, so it
 * is logged and the process exits 1 for its supervisor to restart it. Tests fail on either line.
 */
function installProcessGuards(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    unhandledRejections++;
    logger.error({ err: reason, count: unhandledRejections }, 'unhandled rejection');
  });
  process.on('uncaughtException', (err, origin) => {
    logger.fatal({ err, origin }, 'uncaught exception');
    process.exit(1);
  });
}

function portOption(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number 0–65535');
  return value;
}

async function configFrom(overrides: Record<string, string | undefined>): Promise<Config> {
  const { loadConfig } = await import('./config/config.js');
  return loadConfig(process.env, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)));
}

const cliActor = async () => (await import('./http/actor.js')).CLI_ACTOR;

async function withContext<T>(config: Config, work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const { createLogger } = await import('./logging/logger.js');
  const logger = createLogger({ level: config.logLevel, destination: process.stderr as never });
  const { createContext } = await import('./runtime/context.js');
  const ctx = await createContext(config, logger);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}

export function buildProgram(): Command {
  const program = new Command('dbpatrol')
    .description('DB Patrol: automated inspection of MySQL/MariaDB and PostgreSQL fleets')
    .version(VERSION)
    .showHelpAfterError()
    // Before any subcommand is added, so that they inherit it: usage errors must reach main() (exit 2).
    .exitOverride();

  program
    .command('serve')
    .description('run the REST API (and, from the scheduling release on, a worker)')
    .option('-p, --port <port>', 'port to listen on (DBPATROL_PORT, default 8470)', portOption)
    .option('--host <address>', 'address to bind (DBPATROL_HOST, default 127.0.0.1)')
    .option('--demo', 'register the local MariaDB and PostgreSQL as demo instances and inspect them at start')
    .option('--no-worker', 'serve the API only; run inspections in separate `dbpatrol worker` processes')
    .action(async (opts: { port?: string; host?: string; demo?: boolean; worker: boolean }) => {
      const config = await configFrom({ DBPATROL_PORT: opts.port, DBPATROL_HOST: opts.host });
      const { createLogger } = await import('./logging/logger.js');
      const logger = createLogger({ level: config.logLevel });
      installProcessGuards(logger);
      const { createContext } = await import('./runtime/context.js');
      const { startServer } = await import('./runtime/serve.js');
      const ctx = await createContext(config, logger);
      const running = await startServer(ctx);
      if (opts.worker) await ctx.startWorker();
      logger.info(
        { store: ctx.store.description, listen: running.url, worker: opts.worker ? ctx.scheduler.name : false },
        'DB Patrol API listening',
      );
      if (ctx.store.kind === 'embedded') {
        logger.warn('embedded store: one process only; set DBPATROL_STORE_URL to share a store between processes');
      }
      process.stdout.write(`\nDB Patrol ${VERSION} is listening on ${running.url}\n`);
      process.stdout.write(`  OpenAPI: ${running.url}/api/v1/openapi.json\n  Store:   ${ctx.store.description}\n`);
      if (running.bootstrapToken) {
        process.stdout.write(
          `\nFirst start: an admin API token was created. It is shown only this once; keep it safe:\n\n` +
            `  ${running.bootstrapToken}\n\n` +
            `  curl -H "Authorization: Bearer <token>" ${running.url}/api/v1/instances\n\n`,
        );
      }
      if (opts.demo) {
        const { formatDemoSummary, runDemo } = await import('./cli/demo.js');
        const result = await runDemo(ctx);
        process.stdout.write(formatDemoSummary(result, running.url));
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        await running.stop().catch(() => undefined);
        await ctx.close({ drainMs: 25_000 });
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });

  program
    .command('worker')
    .description('run inspections (scheduled and immediate) from the shared store; any number may run at once')
    .action(async () => {
      const config = await configFrom({});
      const { createLogger } = await import('./logging/logger.js');
      const logger = createLogger({ level: config.logLevel });
      installProcessGuards(logger);
      const { createContext } = await import('./runtime/context.js');
      const ctx = await createContext(config, logger);
      await ctx.startWorker();
      logger.info({ store: ctx.store.description, worker: ctx.scheduler.name }, 'DB Patrol worker started');
      if (ctx.store.kind === 'embedded') {
        logger.warn(
          'embedded store: this worker is the only process that may use it; `serve` includes a worker already',
        );
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'draining: finishing running inspections, taking no new ones');
        await ctx.close({ drainMs: 25_000 });
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });

  program
    .command('migrate')
    .description('bring the store schema up to date and exit (serve and worker also do this at start-up)')
    .action(async () => {
      await withContext(await configFrom({}), async (ctx) => {
        process.stdout.write(`store schema is current: ${ctx.store.description}\n`);
      });
    });

  const inventory = program.command('inventory').description('import or export the inventory as YAML');
  inventory
    .command('import <file>')
    .description('upsert businesses, hosts and instances by name from a YAML or JSON file ("-" for stdin)')
    .option('--dry-run', 'show what would change without writing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      const text =
        file === '-'
          ? await readStdin()
          : await readFile(file, 'utf8').catch(() => {
              throw InputError.field('file', `cannot read ${file}`);
            });
      const { inventoryDocument } = await import('./inventory/inventory-document.js');
      const { parseYamlBody } = await import('./inventory/inventory.routes.js');
      const { zodIssuesToDetails } = await import('./http/zod-issues.js');
      const parsed = inventoryDocument.safeParse(parseYamlBody(text));
      if (!parsed.success) throw new InputError(zodIssuesToDetails(parsed.error.issues));
      await withContext(await configFrom({}), async (ctx) => {
        const summary = await ctx.inventory.importDocument(await cliActor(), parsed.data, opts.dryRun ?? false);
        const { stringify: stringifyYaml } = await import('yaml');
        process.stdout.write(stringifyYaml(summary));
      });
    });
  inventory
    .command('export')
    .description('print the inventory as YAML (passwords are never exported)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action(async (opts: { out?: string }) => {
      const { stringify: stringifyYaml } = await import('yaml');
      await withContext(await configFrom({}), async (ctx) => {
        const yaml = stringifyYaml(await ctx.inventory.exportDocument());
        if (opts.out) await writeFile(opts.out, yaml);
        else process.stdout.write(yaml);
      });
    });

  program
    .command('secrets')
    .description('manage the key that seals stored credentials')
    .command('rotate')
    .description('re-seal every stored credential with a new key (the key file, or --new-key with DBPATROL_SECRET_KEY)')
    .option('--new-key <base64>', 'the new 32-byte key, base64 (required when DBPATROL_SECRET_KEY is set)')
    .action(async (opts: { newKey?: string }) => {
      const config = await configFrom({});
      let newKey: Buffer | undefined;
      if (opts.newKey !== undefined) {
        newKey = Buffer.from(opts.newKey, 'base64');
        if (newKey.length !== 32)
          throw InputError.field('--new-key', 'must be the base64 encoding of exactly 32 bytes');
      } else if (config.secretKey) {
        throw InputError.field('--new-key', 'is required when the key comes from DBPATROL_SECRET_KEY');
      }
      const { rotateSecrets } = await import('./secrets/rotate.js');
      await withContext(config, async (ctx) => {
        const result = await rotateSecrets(ctx.store.inventory, ctx.audit, await cliActor(), {
          dataDir: config.dataDir,
          current: ctx.sealer,
          ...(newKey ? { newKey } : {}),
        });
        process.stdout.write(`re-sealed ${result.resealed} credential(s) with key ${result.keyId}\n`);
        if (newKey) process.stdout.write('now set DBPATROL_SECRET_KEY to the new key for every DB Patrol process\n');
      });
    });

  const tokens = program.command('tokens').description('manage API tokens');
  tokens
    .command('create')
    .description('create an API token and print its secret once')
    .requiredOption('--name <name>', 'a unique name, e.g. grafana')
    .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).default('viewer'))
    .action(async (opts: { name: string; role: Role }) => {
      await withContext(await configFrom({}), async (ctx) => {
        const created = await ctx.tokens.create(await cliActor(), { name: opts.name, role: opts.role });
        process.stdout.write(`${created.token}\n`);
      });
    });
  tokens
    .command('list')
    .description('list API tokens (names and roles, never secrets)')
    .action(async () => {
      await withContext(await configFrom({}), async (ctx) => {
        for (const t of await ctx.tokens.list()) {
          process.stdout.write(`${t.name}\t${t.role}\tcreated ${t.createdAt}\tlast used ${t.lastUsedAt ?? 'never'}\n`);
        }
      });
    });

  program
    .command('inspect')
    .description('inspect one server now, with no store (exit 0 ok, 1 critical findings, 2 usage, 3 unreachable)')
    .requiredOption(
      '--url <url>',
      'mysql://, mariadb:// or postgres:// URL with credentials, e.g. postgres://mon:pw@db:5432/app',
    )
    .addOption(new Option('--tier <tier>', 'which checks (cumulative)').choices(TIERS).default('weekly'))
    .option('--window <duration>', 'sampling window before now: 12h, 7d, 2w (default by tier: 1, 7, 30, 365 days)')
    .option('--from <iso>', 'window start (ISO-8601)')
    .option('--to <iso>', 'window end (ISO-8601, default now)')
    .addOption(
      new Option('--format <format>', 'output').choices(['text', 'json', 'html', 'pdf', 'xlsx', 'csv']).default('text'),
    )
    .addOption(new Option('--lang <lang>', 'language of the report').choices(['en', 'zh']).default('en'))
    .option('--tz <zone>', "IANA time zone the times are shown in (default: the system's)")
    .option('--out <file>', 'write the report to a file')
    .option('--only <ids>', 'comma-separated check ids')
    .option('--prometheus-url <url>', 'Prometheus scraping node_exporter on the host, for the host checks')
    .action(async (opts: InspectCommandOptions) => {
      const { runInspectCommand } = await import('./cli/inspect.command.js');
      process.exitCode = await runInspectCommand(opts, await configFrom({}));
    });

  const reports = program.command('reports').description('export and verify inspection reports');
  reports
    .command('export <id>')
    .description('export a report or a whole inspection (by id) through the REST API')
    .requiredOption('--url <url>', 'the API base URL, e.g. http://localhost:8080')
    .option('--token <token>', 'API token (default: $DBPATROL_TOKEN)')
    .addOption(
      new Option('--format <format>', 'file format').choices(['html', 'pdf', 'xlsx', 'csv', 'json']).default('pdf'),
    )
    .addOption(new Option('--lang <lang>', 'language of the report').choices(['en', 'zh']).default('en'))
    .option('--tz <zone>', "IANA time zone (default: the schedule's, else UTC)")
    .option('--out <file>', "where to write ('-' for stdout; default: the name the API suggests)")
    .action(async (id: string, opts: ReportsExportOptions) => {
      const { runReportsExport } = await import('./cli/reports.command.js');
      process.stderr.write(await runReportsExport(id, opts));
    });
  reports
    .command('verify <file>')
    .description('recompute the content hash of an exported JSON report (exit 0 intact, 1 altered, 2 usage)')
    .action(async (file: string) => {
      const { runReportsVerify } = await import('./cli/reports.command.js');
      const { exitCode, text } = await runReportsVerify(file);
      (exitCode === 0 ? process.stdout : process.stderr).write(text);
      process.exitCode = exitCode;
    });

  const checks = program.command('checks').description('the check catalog');
  checks
    .command('list')
    .description('list checks: code, id, tier, category, window, title')
    .addOption(new Option('--engine <engine>').choices(['mysql', 'mariadb', 'postgres']))
    .addOption(new Option('--tier <tier>', 'cumulative').choices(TIERS))
    .action(async (opts: { engine?: Engine; tier?: Tier }) => {
      const { listChecks } = await import('./cli/checks.command.js');
      process.stdout.write(listChecks(opts));
    });
  checks
    .command('sql')
    .description('print the exact SQL an inspection sends, as a script for psql or mariadb')
    .addOption(new Option('--engine <engine>').choices(['mysql', 'mariadb', 'postgres']))
    .addOption(new Option('--tier <tier>', 'cumulative').choices(TIERS).default('weekly'))
    .option('--server-version <version>', 'pick the SQL variants for this version (default: newest supported)')
    .option('--url <url>', 'read engine and version from a live server instead')
    .option('--window <duration>', 'sampling window for event checks (default by tier)')
    .action(async (opts: { engine?: Engine; tier: Tier; serverVersion?: string; url?: string; window?: string }) => {
      const { checksSql } = await import('./cli/checks.command.js');
      process.stdout.write(await checksSql(opts, await configFrom({})));
    });

  return program;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    // Loaded only now: a ConfigError can only come from a command that loaded the configuration already.
    const { ConfigError } = await import('./config/config.js');
    if (err instanceof ConfigError) {
      process.stderr.write(`dbpatrol: ${err.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    if (err instanceof InputError) {
      process.stderr.write(`dbpatrol: ${err.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const message = err instanceof DomainError ? err.message : String((err as Error)?.message ?? err);
    const { scrubCredentials } = await import('./logging/logger.js');
    process.stderr.write(`dbpatrol: ${scrubCredentials(message)}\n`);
    process.exitCode = 1;
  }
}
