import { CLI_ACTOR } from '../http/actor.js';
import type { AppContext } from '../runtime/context.js';
import type { StoredReport } from '../reports/report.model.js';
import { testConnection } from '../targets/connection-test.js';
import type { TargetSpec } from '../targets/target-spec.js';
import { parseTargetUrl } from '../targets/target-url.js';
import { DEFAULT_WINDOW_DAYS } from '../inspections/window.js';

const DEMO_TARGETS = [
  { name: 'demo-mariadb', env: 'DBPATROL_DEMO_MYSQL_URL', url: 'mariadb://root@127.0.0.1:3306/' },
  { name: 'demo-postgres', env: 'DBPATROL_DEMO_POSTGRES_URL', url: 'postgres://postgres@127.0.0.1:5432/postgres' },
];

export interface DemoResult {
  registered: string[];
  unreachable: string[];
  reports: StoredReport[];
}

/**
 * Registers the local MariaDB and PostgreSQL (or the servers in DBPATROL_DEMO_*_URL) as demo instances when they
 * answer, and runs a weekly inspection of each; the reports land in the store like any other.
 */
export async function runDemo(ctx: AppContext, env: NodeJS.ProcessEnv = process.env): Promise<DemoResult> {
  const reachable: { name: string; spec: TargetSpec }[] = [];
  const unreachable: string[] = [];
  for (const t of DEMO_TARGETS) {
    const spec = parseTargetUrl(env[t.env] ?? t.url);
    const probe = await testConnection({ ...spec, connectTimeoutMs: 2000 });
    if (probe.ok)
      reachable.push({ name: t.name, spec: { ...spec, engine: probe.flavor === 'mariadb' ? 'mariadb' : spec.engine } });
    else unreachable.push(`${t.name} (${probe.error})`);
  }
  if (reachable.length === 0) return { registered: [], unreachable, reports: [] };
  await ctx.inventory.importDocument(CLI_ACTOR, {
    version: 1,
    businesses: [
      {
        name: 'demo',
        description: 'Local servers found by the demo',
        hosts: [
          {
            name: 'localhost',
            address: '127.0.0.1',
            labels: { env: 'demo' },
            instances: reachable.map(({ name, spec }) => ({
              name,
              engine: spec.engine,
              port: spec.port,
              user: spec.user,
              ...(spec.password ? { password: spec.password } : {}),
              ...(spec.database ? { database: spec.database } : {}),
              labels: { env: 'demo' },
            })),
          },
        ],
      },
    ],
  });
  const instances = await ctx.inventory.listInstances({ labels: { env: 'demo' } });
  const now = new Date();
  const window = { from: new Date(now.getTime() - DEFAULT_WINDOW_DAYS.weekly * 86_400_000), to: now };
  const reports = await Promise.all(
    instances
      .filter((i) => reachable.some((r) => r.name === i.name))
      .map((i) => ctx.inspector.inspectInstance(i.id, { tier: 'weekly', window, now, trigger: { kind: 'demo' } })),
  );
  return { registered: reachable.map((r) => r.name), unreachable, reports };
}

export function formatDemoSummary(result: DemoResult, url: string): string {
  const lines = ['', 'Demo: weekly inspection of the local servers'];
  for (const r of result.reports) {
    const c = r.counts;
    lines.push(
      `  ${r.instance.name.padEnd(14)} score ${String(r.score).padStart(3)}/100  ${c.critical} critical, ${c.warning} warning, ${c.info} info; ` +
        `${c.pass} passed, ${c.error} errors, ${c.skipped} skipped`,
    );
    lines.push(`  ${''.padEnd(14)} report: GET ${url}/api/v1/reports/${r.id}`);
  }
  for (const u of result.unreachable) lines.push(`  not inspected: ${u}`);
  if (result.reports.length) lines.push(`  all reports:  GET ${url}/api/v1/reports`);
  return lines.join('\n') + '\n';
}
