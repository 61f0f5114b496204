#!/usr/bin/env node
// One-shot set-up of a DB Patrol stack through its REST API, safe to run again:
//   - creates the Grafana (admin) and Prometheus (viewer) tokens once and writes them to $DBPATROL_TOKEN_DIR;
//   - registers the demo targets given by DBPATROL_DEMO_{MYSQL,POSTGRES}_* (inventory import: upsert by name);
//   - creates a daily and a weekly schedule over the demo business (skipped when they exist).
// Needs Node 20 only. Environment: DBPATROL_URL, DBPATROL_API_TOKEN (an admin token), DBPATROL_TOKEN_DIR.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const env = process.env;
const base = (env.DBPATROL_URL ?? 'http://127.0.0.1:8470').replace(/\/$/, '');
const adminToken = env.DBPATROL_API_TOKEN;
const tokenDir = env.DBPATROL_TOKEN_DIR ?? '/run/dbpatrol';
if (!adminToken) {
  console.error('stack-setup: DBPATROL_API_TOKEN (an admin token) is required');
  process.exit(2);
}

async function api(method, route, body, contentType = 'application/json') {
  const res = await fetch(`${base}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function waitReady() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${base}/readyz did not answer within 120 s`);
}

async function ensureToken(name, role) {
  const file = path.join(tokenDir, `${name}.token`);
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim()) return;
  const res = await api('POST', '/tokens', { name: `stack-${name}`, role });
  if (res.status !== 201) throw new Error(`creating the ${name} token answered ${res.status}`);
  await writeFile(file, `${res.body.token}\n`, { mode: 0o640 });
  await chmod(file, 0o644);
  console.log(`stack-setup: ${role} token for ${name} written to ${file}`);
}

function demoInstances() {
  const out = [];
  for (const [engine, prefix, port] of [
    ['mysql', 'DBPATROL_DEMO_MYSQL', 3306],
    ['postgres', 'DBPATROL_DEMO_POSTGRES', 5432],
  ]) {
    const host = env[`${prefix}_HOST`];
    if (!host) continue;
    out.push({
      host,
      instance: {
        name: `demo-${engine}`,
        engine,
        port: Number(env[`${prefix}_PORT`] ?? port),
        user: env[`${prefix}_USER`] ?? 'dbpatrol',
        password: env[`${prefix}_PASSWORD`] ?? '',
        ...(env[`${prefix}_DATABASE`] ? { database: env[`${prefix}_DATABASE`] } : {}),
      },
    });
  }
  return out;
}

async function registerDemo() {
  const demo = demoInstances();
  if (demo.length === 0) return;
  const doc = {
    businesses: [
      {
        name: 'demo',
        hosts: demo.map((d) => ({ name: `demo-${d.instance.engine}-host`, address: d.host, instances: [d.instance] })),
      },
    ],
  };
  const res = await api('POST', '/inventory/import', doc);
  if (res.status !== 200) throw new Error(`inventory import answered ${res.status}: ${JSON.stringify(res.body)}`);
  const businesses = await api('GET', '/businesses');
  const demoBiz = (businesses.body.items ?? businesses.body).find((b) => b.name === 'demo');
  for (const [name, tier, frequency] of [
    ['demo-daily', 'daily', { kind: 'daily' }],
    ['demo-weekly', 'weekly', { kind: 'weekly', dayOfWeek: 1 }],
  ]) {
    const created = await api('POST', '/schedules', {
      name,
      selector: { businessId: demoBiz.id },
      tier,
      frequency,
      time: '06:00:00',
      timezone: env.DBPATROL_DEMO_TIMEZONE ?? 'UTC',
      windowDays: tier === 'daily' ? 1 : 7,
    });
    if (created.status !== 201 && created.status !== 409) {
      throw new Error(`creating schedule ${name} answered ${created.status}: ${JSON.stringify(created.body)}`);
    }
  }
  console.log(
    `stack-setup: registered ${demo.map((d) => d.instance.name).join(', ')} with schedules demo-daily, demo-weekly`,
  );
}

await waitReady();
await mkdir(tokenDir, { recursive: true });
await ensureToken('grafana', 'admin');
await ensureToken('prometheus', 'viewer');
await registerDemo();
