import express, { type Express } from 'express';
import { registerAuditRoutes } from '../audit/audit.routes.js';
import { authenticate } from '../auth/auth-middleware.js';
import { registerTokenRoutes } from '../auth/tokens.routes.js';
import type { TokensService } from '../auth/tokens.service.js';
import { NotFoundError } from '../errors/domain-errors.js';
import { registerInventoryRoutes } from '../inventory/inventory.routes.js';
import type { InventoryService } from '../inventory/inventory.service.js';
import type { AnyCheck } from '../checks/check.types.js';
import { registerCheckRoutes } from '../checks/checks.routes.js';
import { registerReportRoutes } from '../reports/reports.routes.js';
import { registerExportRoutes } from '../reports/export.routes.js';
import { registerReportDiffRoutes } from '../reports/report-diff.routes.js';
import { AuditLog } from '../audit/audit-log.js';
import { registerWaiverRoutes } from '../waivers/waivers.routes.js';
import { WaiversService } from '../waivers/waivers.service.js';
import { registerBaselineRoutes } from '../baselines/baselines.routes.js';
import { BaselinesService } from '../baselines/baselines.service.js';
import { registerMetricsRoute } from '../metrics/metrics.routes.js';
import { registerGrafanaRoutes } from '../grafana/grafana.routes.js';
import type { ThresholdsService } from '../thresholds/thresholds.service.js';
import { registerInspectionRoutes } from '../inspections/inspections.routes.js';
import type { InspectionRunsService } from '../inspections/inspection-runs.service.js';
import { registerScheduleRoutes } from '../schedules/schedules.routes.js';
import type { SchedulesService } from '../schedules/schedules.service.js';
import type { Logger } from '../logging/logger.js';
import type { Store, TokenRepository } from '../store/store.js';
import { ApiRouter } from '../http/api-router.js';
import { errorHandler } from '../http/error-handler.js';
import { buildOpenApi } from '../http/openapi.js';
import { requestLog } from '../http/request-log.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppDeps {
  store: Store;
  inventory: InventoryService;
  tokens: TokensService;
  thresholds: ThresholdsService;
  inspections: InspectionRunsService;
  schedules: SchedulesService;
  checks: readonly AnyCheck[];
  logger: Logger;
  envToken?: string;
  /** Where authentication looks tokens up (the context's cached repository); default the store's. */
  tokenLookup?: TokenRepository;
  metricsPublic?: boolean;
  version: string;
}

export function buildApiRouter(deps: AppDeps): ApiRouter {
  const api = new ApiRouter();
  registerInventoryRoutes(api, deps.inventory);
  registerTokenRoutes(api, deps.tokens);
  registerAuditRoutes(api, deps.store.audit);
  registerCheckRoutes(api, deps.checks, deps.thresholds);
  registerReportRoutes(api, deps.store.reports);
  registerExportRoutes(api, deps.store);
  registerReportDiffRoutes(api, deps.store);
  registerWaiverRoutes(
    api,
    new WaiversService(deps.store.waivers, deps.store.inventory, deps.checks, new AuditLog(deps.store.audit)),
  );
  registerBaselineRoutes(
    api,
    new BaselinesService(
      deps.store.baselines,
      deps.store.inventory,
      deps.store.reports,
      new AuditLog(deps.store.audit),
    ),
  );
  registerInspectionRoutes(api, deps.inspections);
  registerScheduleRoutes(api, deps.schedules);
  registerGrafanaRoutes(api, deps);
  return api;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.use(requestLog(deps.logger));
  const api = buildApiRouter(deps);
  const openapi = buildOpenApi(api, { version: deps.version });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.store.ping();
      res.json({ status: 'ready', store: deps.store.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', store: deps.store.kind });
    }
  });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  registerMetricsRoute(app, deps);
  app.use(
    '/api/v1',
    authenticate({
      tokens: deps.tokenLookup ?? deps.store.tokens,
      ...(deps.envToken ? { envToken: deps.envToken } : {}),
    }),
    express.json({ limit: BODY_LIMIT_BYTES, strict: false }),
    express.text({
      limit: BODY_LIMIT_BYTES,
      type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'],
    }),
    api.build(),
    (req) => {
      throw new NotFoundError(`no route ${req.method} ${req.baseUrl}${req.path}`);
    },
  );
  app.use(errorHandler(deps.logger));
  return app;
}
