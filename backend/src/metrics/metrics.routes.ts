import type { Express, RequestHandler } from 'express';
import { authenticate } from '../auth/auth-middleware.js';
import type { Store, TokenRepository } from '../store/store.js';
import { DURATION_BOUNDS, InspectionMetrics, WORKERS_WINDOW_MS } from './metrics-registry.js';

export interface MetricsRouteDeps {
  store: Store;
  envToken?: string;
  /** Where authentication looks tokens up; default the store's. */
  tokenLookup?: TokenRepository;
  /** `DBPATROL_METRICS_PUBLIC=true`: no token needed. */
  metricsPublic?: boolean;
}

/** Reads the store and renders the exposition text; concurrent scrapes share one read. */
export function metricsScraper(
  store: Store,
  now: () => Date = () => new Date(),
): {
  metrics: InspectionMetrics;
  scrape(): Promise<string>;
} {
  const metrics = new InspectionMetrics();
  let inFlight: Promise<string> | undefined;
  const scrape = async (): Promise<string> => {
    const at = now();
    const started = performance.now();
    const snapshot = await store.metrics.snapshot({
      durationBounds: DURATION_BOUNDS,
      workersSince: new Date(at.getTime() - WORKERS_WINDOW_MS).toISOString(),
      now: at.toISOString(),
    });
    return metrics.render(snapshot, at, (performance.now() - started) / 1000);
  };
  return {
    metrics,
    scrape() {
      inFlight ??= scrape().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/** `GET /metrics` in Prometheus' text format; any valid token unless the metrics are public. */
export function registerMetricsRoute(app: Express, deps: MetricsRouteDeps): void {
  const scraper = metricsScraper(deps.store);
  const handler: RequestHandler = async (_req, res) => {
    const text = await scraper.scrape();
    res.set('Content-Type', scraper.metrics.contentType).send(text);
  };
  if (deps.metricsPublic) {
    app.get('/metrics', handler);
  } else {
    app.get(
      '/metrics',
      authenticate({
        tokens: deps.tokenLookup ?? deps.store.tokens,
        ...(deps.envToken ? { envToken: deps.envToken } : {}),
      }),
      handler,
    );
  }
}
