import type { BackendSrvRequest } from '@grafana/runtime';

import type { HandlerResponse, RequestHandler } from './backendSrv';
import { httpRequest } from './http';

/** A route of a plugin.json as Grafana reads it. */
export interface PluginRoute {
  path: string;
  method?: string;
  url?: string;
  reqRole?: 'Viewer' | 'Editor' | 'Admin';
  reqAction?: string;
  headers?: Array<{ name: string; content: string }>;
}

export type GrafanaRole = 'Viewer' | 'Editor' | 'Admin';

export interface PluginSettings {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

const ROLE_ORDER: readonly GrafanaRole[] = ['Viewer', 'Editor', 'Admin'];

/**
 * Grafana's route pattern match (pkg/web tree): static segments match exactly, `:name` one segment, a trailing `*` one
 * or more remaining segments, which become the path appended to the route's URL. No trailing `*`: the whole path
 * must match and nothing is appended.
 */
export function matchRoutePath(pattern: string, path: string): { remainder: string } | undefined {
  const want = pattern.replace(/^\/+|\/+$/g, '').split('/');
  const got = path.replace(/^\/+|\/+$/g, '').split('/');
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    if (segment === '*' && i === want.length - 1) {
      const rest = got.slice(i);
      return rest.length > 0 && rest.every(Boolean) ? { remainder: rest.join('/') } : undefined;
    }
    const actual = got[i];
    if (actual === undefined || actual === '') {
      return undefined;
    }
    if (!segment.startsWith(':') && segment !== decodeURIComponent(actual)) {
      return undefined;
    }
  }
  return got.length === want.length ? { remainder: '' } : undefined;
}

/** Go-template interpolation as far as plugin routes use it: `{{ .JsonData.x }}` and `{{ .SecureJsonData.x }}`. */
export function interpolate(template: string, settings: PluginSettings): string {
  return template.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_m, bag: string, key: string) => {
    const value = bag === 'JsonData' ? settings.jsonData[key] : settings.secureJsonData[key];
    return value === undefined || value === null ? '' : String(value);
  });
}

/** util.JoinURLFragments: one slash between the URL's path and the remainder. */
function joinUrl(base: string, remainder: string): string {
  if (!remainder) {
    return base;
  }
  return `${base.replace(/\/+$/, '')}/${remainder.replace(/^\/+/, '')}`;
}

export type ProxyDecision =
  | { kind: 'forward'; route: PluginRoute; url: string; headers: Record<string, string> }
  | { kind: 'denied'; route: PluginRoute }
  | { kind: 'no-route' };

/**
 * What Grafana's app plugin proxy does with `<method> <path>` (the part after `api/plugin-proxy/<id>/`): the first
 * route whose method and path match wins; its reqRole is checked there (a refusal does not fall through to later
 * routes); otherwise the request is not proxied at all.
 */
export function decide(
  routes: PluginRoute[],
  method: string,
  path: string,
  role: GrafanaRole,
  settings: PluginSettings
): ProxyDecision {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method.toUpperCase() !== method.toUpperCase()) {
      continue;
    }
    const match = matchRoutePath(route.path, path);
    if (!match) {
      continue;
    }
    if (route.reqAction) {
      throw new Error(`route ${route.path} uses reqAction, which the emulator does not model`);
    }
    if (route.reqRole && ROLE_ORDER.indexOf(role) < ROLE_ORDER.indexOf(route.reqRole)) {
      return { kind: 'denied', route };
    }
    const headers: Record<string, string> = {};
    for (const h of route.headers ?? []) {
      headers[h.name] = interpolate(h.content, settings);
    }
    return { kind: 'forward', route, url: joinUrl(interpolate(route.url ?? '', settings), match.remainder), headers };
  }
  return { kind: 'no-route' };
}

function queryString(params: BackendSrvRequest['params']): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) {
        search.append(key, String(item));
      }
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface ProxyOptions {
  pluginId: string;
  routes: PluginRoute[];
  role: GrafanaRole;
  settings: PluginSettings;
  /** The Grafana login sent as X-Grafana-User, as with `[dataproxy] send_user_header = true`. */
  login?: string;
}

/**
 * A BackendSrv handler that plays Grafana for `api/plugin-proxy/<pluginId>/...` and forwards to the real backend over
 * HTTP. Anything else (another plugin, a path no route serves) is what Grafana would answer itself.
 */
export function proxyHandler(options: ProxyOptions): RequestHandler {
  const prefix = `api/plugin-proxy/${options.pluginId}/`;
  return async (request): Promise<HandlerResponse> => {
    const url = request.url.replace(/^\/+/, '');
    if (!url.startsWith(prefix)) {
      return { status: 404, data: { message: 'Not found' } };
    }
    const method = (request.method ?? 'GET').toUpperCase();
    const decision = decide(options.routes, method, url.slice(prefix.length), options.role, options.settings);
    if (decision.kind === 'no-route') {
      return { status: 404, data: { message: 'plugin route match not found' } };
    }
    if (decision.kind === 'denied') {
      return { status: 403, data: { message: 'plugin proxy route access denied' } };
    }
    const headers: Record<string, string> = { ...(request.headers ?? {}), ...decision.headers };
    if (options.login) {
      headers['X-Grafana-User'] = options.login;
    }
    let body: string | undefined;
    if (request.data !== undefined) {
      if (typeof request.data === 'string') {
        body = request.data;
      } else {
        body = JSON.stringify(request.data);
        headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
      }
    }
    const answer = await httpRequest(decision.url + queryString(request.params), { method, headers, body });
    const type = answer.contentType;
    const data =
      request.responseType === 'text' || !type.includes('json')
        ? answer.text
        : answer.text
          ? JSON.parse(answer.text)
          : undefined;
    return { status: answer.status, data, headers: { 'content-type': type } };
  };
}
