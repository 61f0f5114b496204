import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLI_ACTOR } from '../http/actor.js';
import { createApp } from './app.js';
import { CHECKS } from '../checks/registry.js';
import type { AppContext } from './context.js';
import { VERSION } from '../version.js';

export interface RunningServer {
  url: string;
  server: Server;
  /** The first admin token's secret when this start created it (a store with no token at all). */
  bootstrapToken?: string;
  stop(): Promise<void>;
}

/** Starts the REST API on the configured address; on a store without any token it creates the first admin token. */
export async function startServer(
  ctx: AppContext,
  options: { port?: number; host?: string } = {},
): Promise<RunningServer> {
  const created = await ctx.tokens.bootstrapAdmin({ ...CLI_ACTOR, name: 'first-start' });
  const app = createApp({
    store: ctx.store,
    inventory: ctx.inventory,
    tokens: ctx.tokens,
    tokenLookup: ctx.tokenLookup,
    thresholds: ctx.thresholds,
    inspections: ctx.inspections,
    schedules: ctx.schedules,
    checks: CHECKS,
    logger: ctx.logger,
    version: VERSION,
    ...(ctx.config.apiToken ? { envToken: ctx.config.apiToken } : {}),
    ...(ctx.config.metricsPublic ? { metricsPublic: true } : {}),
  });
  const host = options.host ?? ctx.config.host;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? ctx.config.port, host, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  return {
    url,
    server,
    ...(created ? { bootstrapToken: created.token } : {}),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
