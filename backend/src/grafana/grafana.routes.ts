import type { ApiRouter } from '../http/api-router.js';
import {
  annotationsQuery,
  annotationsResponse,
  healthResponse,
  queryRequest,
  queryResponse,
  variablesQuery,
  variablesResponse,
} from './grafana.schema.js';
import { GrafanaService, type GrafanaDeps } from './grafana.service.js';

/** The datasource API under `/grafana`; every route is a read, so Viewer is enough. */
export function registerGrafanaRoutes(api: ApiRouter, deps: GrafanaDeps): void {
  const grafana = new GrafanaService(deps);
  api.add({
    method: 'post',
    path: '/grafana/query',
    summary:
      'Grafana data query: queries of type scores, findingCounts, findings, outcomes, inspections or counters answer ' +
      'as data frames under their refId; a bad query answers { error, status } under its refId only',
    tag: 'grafana',
    role: 'viewer',
    body: queryRequest,
    response: queryResponse,
    handler: async ({ body }) => grafana.query(body),
  });
  api.add({
    method: 'get',
    path: '/grafana/variables',
    summary: 'Values of a dashboard variable (business, host, instance, check, tier, severity) as { text, value }',
    tag: 'grafana',
    role: 'viewer',
    query: variablesQuery,
    response: variablesResponse,
    handler: async ({ query }) => grafana.variables(query),
  });
  api.add({
    method: 'get',
    path: '/grafana/annotations',
    summary: 'Inspection runs and missed occurrences in [from, to) as Grafana annotations',
    tag: 'grafana',
    role: 'viewer',
    query: annotationsQuery,
    response: annotationsResponse,
    handler: async ({ query }) => grafana.annotations(query),
  });
  api.add({
    method: 'get',
    path: '/grafana/health',
    summary: "The datasource's Save & test: whether the store answers, the version and what it holds",
    tag: 'grafana',
    role: 'viewer',
    response: healthResponse,
    handler: async () => grafana.health(),
  });
}
