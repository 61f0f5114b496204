#!/usr/bin/env node
// `npm run stack`: the docker-compose stack's backend and monitoring on a machine without Docker.
//   --store-url <postgres admin URL>  run an API and two workers on PostgreSQL, in a database this creates
//   --database <name>                 that database (default dbpatrol_stack)
//   --demo                            also register the local MariaDB and PostgreSQL as demo targets
//   --state-dir <dir>                 where everything lives (default data/stack)
//   --scrape-interval <seconds>       Prometheus scrape and rule evaluation interval (default 15)
//   --rules-dir <dir>                 alert rules to load (default prometheus/rules)
//   --no-build                        do not build the backend first
// Without --store-url the backend runs as one process on the embedded store. Prints every URL, then a line
// `STACK {json}` for scripts, and stops everything on SIGINT/SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = argv[at + 1];
  if (value === undefined || value.startsWith('--')) usage(`${name} needs a value`);
  return value;
};
function usage(message) {
  process.stderr.write(`stack: ${message}\n`);
  process.exit(2);
}

const storeAdminUrl = option('--store-url');
if (storeAdminUrl && !/^postgres(ql)?:\/\//.test(storeAdminUrl)) usage('--store-url must be a postgres:// URL');
const database = option('--database', 'dbpatrol_stack');
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) usage('--database must be a plain lower-case identifier');
const stateDir = path.resolve(option('--state-dir', path.join(ROOT, 'data/stack')));
const scrapeSeconds = Number(option('--scrape-interval', '15'));
if (!Number.isInteger(scrapeSeconds) || scrapeSeconds < 1) usage('--scrape-interval must be a whole number ≥ 1');
const rulesDir = path.resolve(option('--rules-dir', path.join(ROOT, 'prometheus/rules')));

const children = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const c of [...children].reverse()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    ),
  );
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function start(name, cmd, args, env = {}) {
  const log = createWriteStream(path.join(stateDir, 'logs', `${name}.log`), { flags: 'a' });
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`stack: ${name} exited (${signal ?? code}); see ${path.join(stateDir, 'logs', name)}.log\n`);
      void stopAll(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(what, url, init) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not come up at ${url}`);
}

function ensureBinary(binary, pkg) {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
  } catch {
    process.stderr.write(`stack: installing ${pkg} (apt-get)\n`);
    execFileSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg}`], {
      stdio: 'inherit',
    });
  }
}

async function prepareStore() {
  if (!storeAdminUrl) return undefined;
  const admin = new pg.Client({ connectionString: storeAdminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const url = new URL(storeAdminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function main() {
  await mkdir(path.join(stateDir, 'logs'), { recursive: true });
  if (!flag('--no-build')) execFileSync('npm', ['run', 'build', '-w', 'backend'], { cwd: ROOT, stdio: 'inherit' });
  ensureBinary('prometheus', 'prometheus');
  ensureBinary('prometheus-node-exporter', 'prometheus-node-exporter');

  const tokenFile = path.join(stateDir, 'admin.token');
  let adminToken = (await readFile(tokenFile, 'utf8').catch(() => '')).trim();
  if (!adminToken) {
    adminToken = `stack-${randomBytes(24).toString('hex')}`;
    await writeFile(tokenFile, `${adminToken}\n`, { mode: 0o600 });
  }
  const storeUrl = await prepareStore();
  const [apiPort, promPort, nodePort] = [await freePort(), await freePort(), await freePort()];
  const api = `http://127.0.0.1:${apiPort}`;
  const backendEnv = {
    DBPATROL_HOST: '127.0.0.1',
    DBPATROL_PORT: String(apiPort),
    DBPATROL_DATA_DIR: path.join(stateDir, 'backend'),
    DBPATROL_API_TOKEN: adminToken,
    ...(storeUrl ? { DBPATROL_STORE_URL: storeUrl } : {}),
  };
  const cli = path.join(ROOT, 'backend/bin/dbpatrol.js');
  start('api', process.execPath, [cli, 'serve', ...(storeUrl ? ['--no-worker'] : [])], backendEnv);
  await waitFor('the DB Patrol API', `${api}/readyz`);
  const workers = storeUrl ? ['worker-1', 'worker-2'] : [];
  for (const w of workers) {
    start(w, process.execPath, [cli, 'worker'], { ...backendEnv, DBPATROL_WORKER_NAME: `stack-${w}` });
  }

  const tokenDir = path.join(stateDir, 'tokens');
  const demo = flag('--demo')
    ? {
        DBPATROL_DEMO_MYSQL_HOST: '127.0.0.1',
        DBPATROL_DEMO_MYSQL_USER: 'root',
        DBPATROL_DEMO_POSTGRES_HOST: '127.0.0.1',
        DBPATROL_DEMO_POSTGRES_USER: 'postgres',
        DBPATROL_DEMO_POSTGRES_DATABASE: 'postgres',
      }
    : {};
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/stack-setup.mjs')], {
    env: { ...process.env, DBPATROL_URL: api, DBPATROL_API_TOKEN: adminToken, DBPATROL_TOKEN_DIR: tokenDir, ...demo },
    stdio: 'inherit',
  });

  // The repository's prometheus.yml with its targets on localhost and its paths in the state directory.
  const config = YAML.parse(await readFile(path.join(ROOT, 'prometheus/prometheus.yml'), 'utf8'));
  config.global = { ...config.global, scrape_interval: `${scrapeSeconds}s`, evaluation_interval: `${scrapeSeconds}s` };
  config.rule_files = [path.join(rulesDir, '*.yml')];
  const targets = {
    dbpatrol: `127.0.0.1:${apiPort}`,
    node: `127.0.0.1:${nodePort}`,
    prometheus: `127.0.0.1:${promPort}`,
  };
  for (const job of config.scrape_configs) {
    if (!targets[job.job_name]) throw new Error(`prometheus.yml: unknown job ${job.job_name}`);
    job.static_configs = [{ targets: [targets[job.job_name]] }];
    if (job.authorization?.credentials_file) {
      job.authorization.credentials_file = path.join(tokenDir, path.basename(job.authorization.credentials_file));
    }
  }
  const promConfig = path.join(stateDir, 'prometheus.yml');
  await writeFile(promConfig, YAML.stringify(config));
  start('node-exporter', 'prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`]);
  start('prometheus', 'prometheus', [
    `--config.file=${promConfig}`,
    `--storage.tsdb.path=${path.join(stateDir, 'prometheus-data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ]);
  const prometheus = `http://127.0.0.1:${promPort}`;
  await waitFor('Prometheus', `${prometheus}/-/ready`);
  await waitFor('node-exporter', `http://127.0.0.1:${nodePort}/metrics`);

  const urls = {
    api,
    openapi: `${api}/api/v1/openapi.json`,
    metrics: `${api}/metrics`,
    prometheus,
    alerts: `${prometheus}/alerts`,
    nodeExporter: `http://127.0.0.1:${nodePort}/metrics`,
    store: storeUrl ? new URL(storeUrl).host + new URL(storeUrl).pathname : 'embedded',
    workers: storeUrl ? workers.length : 'in the API process',
    adminTokenFile: tokenFile,
    tokenDir,
    stateDir,
  };
  process.stdout.write(
    `\nDB Patrol stack is up (${storeUrl ? `PostgreSQL store, an API and ${workers.length} workers` : 'embedded store, one process'}):\n` +
      Object.entries(urls)
        .map(([k, v]) => `  ${k.padEnd(15)} ${v}\n`)
        .join('') +
      `Logs in ${path.join(stateDir, 'logs')}. No Grafana here: see README "Full stack" for docker compose. Ctrl-C stops.\n` +
      `STACK ${JSON.stringify(urls)}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`stack: ${err instanceof Error ? err.message : String(err)}\n`);
  void stopAll(1);
});
