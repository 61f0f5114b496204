import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/config.js';
import { startServer, type RunningServer } from '../runtime/serve.js';
import { createLogger } from '../logging/logger.js';
import { createContext, type AppContext } from '../runtime/context.js';
import { randomBytes } from 'node:crypto';
import { createScratchDatabase } from './pg-fixtures.js';

/** `MONGO_URL` when the suites should also run on MongoDB (no server here; CI elsewhere may set it). */
export const MONGO_URL = process.env.MONGO_URL ?? '';

/**
 * The server-side stores an API suite runs on: PostgreSQL always, MongoDB when `MONGO_URL` is set (pass `mongoUrl` to
 * `startApiHarness`). Suites use `describe.each(API_STORES)('… on $name', ({ mongoUrl }) => …)`.
 */
export const API_STORES: readonly { name: string; mongoUrl?: string }[] = [
  { name: 'PostgreSQL' },
  ...(MONGO_URL ? [{ name: 'MongoDB', mongoUrl: MONGO_URL }] : []),
];

/** A fresh database name on the MongoDB server of `url`, dropped afterwards. */
async function mongoScratch(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const u = new URL(url);
  u.pathname = `/dbpatrol_api_${randomBytes(4).toString('hex')}`;
  const { MongoClient } = await import('mongodb');
  return {
    url: u.toString(),
    async drop() {
      const client = await MongoClient.connect(u.toString());
      try {
        await client.db().dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

export interface ApiHarness {
  url: string;
  ctx: AppContext;
  /** Secret of the admin token created on first start. */
  adminToken: string;
  /** Every log line the process wrote, and every response body the helpers received. */
  logs: string[];
  bodies: string[];
  call(method: string, route: string, options?: CallOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Headers;
}

/**
 * A real DB Patrol API on a fresh PostgreSQL database of the local server (or a fresh database on the MongoDB server
 * of `options.mongoUrl`), listening on a free loopback port.
 */
export async function startApiHarness(
  env: Record<string, string> = {},
  options: { worker?: boolean; mongoUrl?: string } = {},
): Promise<ApiHarness> {
  const db = options.mongoUrl ? await mongoScratch(options.mongoUrl) : await createScratchDatabase('dbpatrol_api');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-api-'));
  const logs: string[] = [];
  const bodies: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const config: Config = loadConfig(
    {},
    {
      DBPATROL_DATA_DIR: dataDir,
      DBPATROL_LOG_LEVEL: 'debug',
      DBPATROL_CONNECT_TIMEOUT_MS: '2000',
      ...env,
      DBPATROL_STORE_URL: db.url,
    },
  );
  const ctx = await createContext(config, createLogger({ level: 'debug', destination: sink }));
  let running: RunningServer;
  try {
    running = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    if (options.worker) await ctx.startWorker();
  } catch (err) {
    await ctx.close();
    throw err;
  }
  const adminToken = running.bootstrapToken!;
  const call = async (method: string, route: string, o: CallOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? adminToken : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.rawBody !== undefined) {
      body = o.rawBody;
      headers['content-type'] = o.contentType ?? 'application/json';
    } else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(running.url + route, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    bodies.push(text);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (YAML export)
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    url: running.url,
    ctx,
    adminToken,
    logs,
    bodies,
    call,
    async close() {
      await running.stop();
      await ctx.close({ drainMs: 5000 });
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
