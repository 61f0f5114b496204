import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CONFIG_KEYS } from '../config/config.js';
import { extractGrafanaRules, REPO } from '../test/grafana-rules.js';

const run = promisify(execFile);
const read = (rel: string): string => readFileSync(path.join(REPO, rel), 'utf8');
const yamlOf = <T>(rel: string): T => YAML.parse(read(rel), { merge: true }) as T;

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  volumes?: string[];
  command?: string[];
  entrypoint?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = yamlOf<{ services: Record<string, Service> }>('docker-compose.yml');
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
/** Where a container path comes from on the host (bind mounts) or which volume holds it. */
function mountFor(s: Service, containerPath: string): { source: string; target: string } | undefined {
  return (s.volumes ?? [])
    .map((v) => {
      const [source, target] = v.split(':');
      return { source: source!, target: target! };
    })
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
}
/** The host path a container path maps to through a bind mount (`./x`). */
function hostPath(s: Service, containerPath: string): string | undefined {
  const m = mountFor(s, containerPath);
  if (!m?.source.startsWith('./')) return undefined;
  return path.join(REPO, m.source, path.relative(m.target, containerPath));
}
const envRefs = (text: string): string[] =>
  [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?::?[-?][^}]*)?\}/g)].map((m) => m[1]!);
const provisioningFiles = (dir = 'provisioning'): string[] =>
  readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? provisioningFiles(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
  );

const APP_ID = 'dbpatrol-inspection-app';
const DS_ID = 'dbpatrol-inspection-datasource';

describe('provisioning, Prometheus and compose agree', () => {
  const grafana = service('grafana');

  it('plugin ids: provisioned app and datasource are the plugin’s, and both are allowed unsigned', () => {
    const apps = yamlOf<{ apps: { type: string }[] }>('provisioning/plugins/apps.yaml');
    const ds = yamlOf<{ datasources: { uid: string; type: string }[] }>('provisioning/datasources/datasources.yaml');
    expect(apps.apps.map((a) => a.type)).toEqual([APP_ID]);
    expect(ds.datasources.map((d) => d.type)).toContain(DS_ID);
    const pluginJson = JSON.parse(read('plugin/src/plugin.json')) as { id: string; includes: { path?: string }[] };
    expect(pluginJson.id).toBe(APP_ID);
    const nested = JSON.parse(read('plugin/src/datasource/plugin.json')) as { id: string };
    expect(nested.id).toBe(DS_ID);
    expect(grafana.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',').sort()).toEqual(
      [APP_ID, DS_ID].sort(),
    );
    expect(grafana.environment!.GF_DATAPROXY_SEND_USER_HEADER).toBe('true');
    // The app's dist is mounted under its id, where Grafana looks for plugins.
    expect(mountFor(grafana, `/var/lib/grafana/plugins/${APP_ID}`)?.source).toBe('./plugin/dist');
  });

  it('datasource uids: every rule and dashboard query names a provisioned datasource', async () => {
    const ds = yamlOf<{ datasources: { uid: string; type: string }[] }>('provisioning/datasources/datasources.yaml');
    const uids = new Set(ds.datasources.map((d) => d.uid));
    expect(uids).toEqual(new Set(['dbpatrol', 'dbpatrol-prometheus']));
    const { datasourceUids } = await extractGrafanaRules();
    for (const uid of datasourceUids) if (uid !== '__expr__') expect(uids, `rule datasource ${uid}`).toContain(uid);
    const dashboard = JSON.parse(read('provisioning/dashboards/stack/stack-health.json')) as {
      panels: { datasource: { uid: string }; targets: { datasource: { uid: string } }[] }[];
    };
    for (const p of dashboard.panels) {
      expect(uids).toContain(p.datasource.uid);
      for (const t of p.targets) expect(uids).toContain(t.datasource.uid);
    }
  });

  it('folders and contact points: rules, dashboards and the policy name what exists', () => {
    const rules = yamlOf<{ groups: { folder: string }[] }>('provisioning/alerting/rules.yaml');
    const providers = yamlOf<{ providers: { folder: string; options: { path: string } }[] }>(
      'provisioning/dashboards/dashboards.yaml',
    );
    const folders = new Set(providers.providers.map((p) => p.folder));
    for (const g of rules.groups) expect(folders).toContain(g.folder);
    const contacts = yamlOf<{ contactPoints: { name: string }[] }>('provisioning/alerting/contact-points.yaml');
    const names = new Set(contacts.contactPoints.map((c) => c.name));
    const policy = yamlOf<{
      policies: { receiver: string; routes: { receiver: string; object_matchers: string[][] }[] }[];
    }>('provisioning/alerting/policies.yaml');
    for (const p of policy.policies) {
      expect(names).toContain(p.receiver);
      for (const r of p.routes) expect(names).toContain(r.receiver);
      expect(p.routes.map((r) => r.object_matchers[0]![2]).sort()).toEqual(['critical', 'warning']);
    }
  });

  it('paths: provisioning, dashboards, plugin dist and token files are mounted from what exists', () => {
    expect(hostPath(grafana, '/etc/grafana/provisioning')).toBe(path.join(REPO, 'provisioning'));
    const providers = yamlOf<{ providers: { name: string; options: { path: string } }[] }>(
      'provisioning/dashboards/dashboards.yaml',
    );
    const stack = providers.providers.find((p) => p.name === 'dbpatrol-stack')!;
    expect(existsSync(path.join(hostPath(grafana, stack.options.path)!, 'stack-health.json'))).toBe(true);
    const plugin = providers.providers.find((p) => p.name === 'dbpatrol-plugin')!;
    expect(hostPath(grafana, plugin.options.path)).toBe(path.join(REPO, 'plugin/src/dashboards'));
    // Token files: written by setup into the `tokens` volume, read by Grafana ($__file) and Prometheus.
    const setup = service('setup');
    const tokenDir = setup.environment!.DBPATROL_TOKEN_DIR!;
    expect(mountFor(setup, tokenDir)?.source).toBe('tokens');
    const grafanaFiles = provisioningFiles()
      .flatMap((f) => [...read(f).matchAll(/\$__file\{([^}]+)\}/g)].map((m) => m[1]!))
      .filter((v, i, a) => a.indexOf(v) === i);
    expect(grafanaFiles).toEqual([`${tokenDir}/grafana.token`]);
    for (const f of grafanaFiles) expect(mountFor(grafana, f)?.source).toBe('tokens');
    const prometheus = service('prometheus');
    const promConfig = yamlOf<{
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        honor_labels?: boolean;
        authorization?: { credentials_file: string };
        static_configs: { targets: string[] }[];
      }[];
    }>('prometheus/prometheus.yml');
    const job = promConfig.scrape_configs.find((j) => j.job_name === 'dbpatrol')!;
    // The alert rules' `instance` is the inspected database's, not the scrape target's.
    expect(job.honor_labels).toBe(true);
    expect(job.authorization!.credentials_file).toBe(`${tokenDir}/prometheus.token`);
    expect(mountFor(prometheus, job.authorization!.credentials_file)?.source).toBe('tokens');
    expect(read('scripts/stack-setup.mjs')).toMatch(
      /ensureToken\('grafana', 'admin'\)[\s\S]*ensureToken\('prometheus', 'viewer'\)/,
    );
    for (const glob of promConfig.rule_files) {
      const dir = hostPath(prometheus, path.dirname(glob))!;
      expect(readdirSync(dir).filter((f) => f.endsWith('.yml'))).toContain('dbpatrol.rules.yml');
    }
    expect(hostPath(prometheus, '/etc/prometheus/prometheus.yml')).toBe(path.join(REPO, 'prometheus/prometheus.yml'));
    // Scrape targets are compose services on their ports.
    const targets = promConfig.scrape_configs.flatMap((j) => j.static_configs.flatMap((s) => s.targets));
    for (const t of targets) {
      const host = t.split(':')[0]!;
      if (host !== 'localhost') expect(Object.keys(compose.services), t).toContain(host);
    }
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (source.startsWith('./') && source !== './plugin/src/dashboards' && source !== './plugin/dist') {
          expect(existsSync(path.join(REPO, source)), `${name}: ${source}`).toBe(true);
        }
      }
    }
  });

  it.skipIf(!existsSync(path.join(REPO, 'plugin/src/dashboards')))('the plugin’s dashboards folder exists', () => {
    expect(readdirSync(path.join(REPO, 'plugin/src/dashboards')).some((f) => f.endsWith('.json'))).toBe(true);
  });

  it('environment: every variable provisioning reads is given to Grafana, every compose variable is in .env.example', () => {
    const given = new Set(Object.keys(grafana.environment ?? {}));
    for (const file of provisioningFiles().filter((f) => f.endsWith('.yaml'))) {
      for (const name of envRefs(read(file))) expect(given, `${file}: ${name}`).toContain(name);
    }
    const example = new Set(
      read('.env.example')
        .split('\n')
        .filter((l) => /^[A-Z]/.test(l))
        .map((l) => l.split('=')[0]!),
    );
    for (const name of envRefs(read('docker-compose.yml')))
      expect(example, `docker-compose.yml: ${name}`).toContain(name);
    // Backend variables the compose file sets are ones the backend reads.
    for (const s of Object.values(compose.services)) {
      for (const name of Object.keys(s.environment ?? {})) {
        if (name.startsWith('DBPATROL_') && s.build) expect(CONFIG_KEYS, name).toContain(name);
      }
    }
  });

  it('every variable the backend reads is documented in the README', () => {
    const readme = read('README.md');
    const src = path.join(REPO, 'backend/src');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? files(path.join(dir, e.name))
          : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !dir.endsWith(`${path.sep}test`)
            ? [path.join(dir, e.name)]
            : [],
      );
    const read_ = new Set<string>(CONFIG_KEYS);
    for (const f of files(src))
      for (const m of readFileSync(f, 'utf8').matchAll(/\bDBPATROL_[A-Z0-9_]*[A-Z0-9]\b/g)) read_.add(m[0]);
    expect(read_.size).toBeGreaterThan(15);
    const missing = [...read_].filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('docker-compose config -q accepts the file with .env.example and refuses it without the admin token', async () => {
    await run('docker-compose', ['--env-file', '.env.example', 'config', '-q'], { cwd: REPO });
    const empty = path.join(tmpdir(), `dbpatrol-empty-${process.pid}.env`);
    writeFileSync(empty, '');
    const bad = await run('docker-compose', ['--env-file', empty, 'config', '-q'], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '' },
    }).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    rmSync(empty, { force: true });
    expect(bad).toMatch(/DBPATROL_API_TOKEN/);
  });

  it('the compose stack: MongoDB replica set initialised by a one-shot, an API and two workers on it', () => {
    const init = service('mongo-init');
    expect(init.depends_on!.mongodb!.condition).toBe('service_healthy');
    expect(service('mongodb').command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    const backend = service('backend');
    expect(backend.command).toEqual(['serve', '--no-worker']);
    expect(backend.environment!.DBPATROL_STORE_URL).toMatch(/^mongodb:\/\/mongodb:27017\/\w+\?replicaSet=rs0$/);
    expect(backend.depends_on!['mongo-init']!.condition).toBe('service_completed_successfully');
    const worker = service('worker') as Service & { deploy: { replicas: number } };
    expect(worker.command).toEqual(['worker']);
    expect(worker.deploy.replicas).toBe(2);
    expect(service('mysql').image).toMatch(/^mysql:8\.4/);
    expect(service('postgres').image).toMatch(/^postgres:17/);
    expect(grafana.image).toMatch(/^grafana\/grafana-oss:\d+\.\d+\.\d+$/);
  });

  it('Dockerfile: multi-stage, non-root, with a healthcheck', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(read('.dockerignore')).toMatch(/^\*\*\/node_modules$/m);
  });
});
