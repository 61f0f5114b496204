import { getBackendSrv, isFetchError, type FetchResponse } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { PLUGIN_ID } from '../constants';

/** Where the app's proxy routes live; each route in plugin.json is a path below it. */
export const PROXY_BASE = `api/plugin-proxy/${PLUGIN_ID}`;

export type ApiErrorKind =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'grafana_forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unavailable'
  | 'network'
  | 'server';

/** One field problem from a 400: `path` is dotted (`tls.mode`, `instances.0.port`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** What the backend answers on error: `{ error: { code, message, details } }`. */
interface BackendErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
  message?: unknown;
}

const KIND_BY_CODE: Record<string, ApiErrorKind> = {
  invalid_input: 'invalid_input',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  payload_too_large: 'payload_too_large',
  unavailable: 'unavailable',
  store_unavailable: 'unavailable',
};

/** A failed call to the backend (or to Grafana's proxy in front of it), in a shape the pages can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ApiErrorKind,
    message: string,
    readonly fields: FieldIssue[] = []
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message of the field at `path`, if the backend named it. */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

function fieldIssues(details: unknown): FieldIssue[] {
  if (!Array.isArray(details)) {
    return [];
  }
  return details.flatMap((d: unknown) => {
    const item = d as { path?: unknown; message?: unknown };
    return typeof item?.path === 'string' && typeof item.message === 'string'
      ? [{ path: item.path, message: item.message }]
      : [];
  });
}

/** Maps what `getBackendSrv().fetch` throws into an ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  if (isFetchError(err)) {
    const body = (err.data ?? {}) as BackendErrorBody;
    const backend = body.error;
    if (backend && typeof backend.code === 'string') {
      const message = typeof backend.message === 'string' ? backend.message : (err.statusText ?? '');
      return new ApiError(err.status, KIND_BY_CODE[backend.code] ?? 'server', message, fieldIssues(backend.details));
    }
    // Grafana itself answers `{ message }`: a reqRole refusal, a missing route, an unreachable backend.
    const message = typeof body.message === 'string' ? body.message : err.statusText || `HTTP ${err.status}`;
    if (err.status === 403) {
      return new ApiError(403, 'grafana_forbidden', message);
    }
    if (err.status === 0 || err.status === 502 || err.status === 504) {
      return new ApiError(err.status, 'network', message);
    }
    return new ApiError(err.status, err.status === 404 ? 'not_found' : 'server', message);
  }
  return new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
}

export type QueryValue = string | number | boolean | undefined | Array<string | number>;

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the proxy base, e.g. `instances/abc/test`. */
  path: string;
  params?: Record<string, QueryValue>;
  data?: unknown;
  headers?: Record<string, string>;
  responseType?: 'json' | 'text';
}

function cleanParams(
  params: Record<string, QueryValue> | undefined
): Record<string, string | number | boolean | Array<string | number>> {
  const out: Record<string, string | number | boolean | Array<string | number>> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== '') {
      out[key] = value;
    }
  }
  return out;
}

/** Calls the backend through the app's proxy routes; throws ApiError. */
export async function apiFetch<T>(req: ApiRequest): Promise<T> {
  try {
    const response: FetchResponse<T> = await lastValueFrom(
      getBackendSrv().fetch<T>({
        url: `${PROXY_BASE}/${req.path}`,
        method: req.method ?? 'GET',
        params: cleanParams(req.params),
        data: req.data,
        headers: req.headers,
        responseType: req.responseType,
        showErrorAlert: false,
        showSuccessAlert: false,
      })
    );
    return response.data;
  } catch (err) {
    throw toApiError(err);
  }
}

/** Encodes one path segment (ids and names may hold characters that are not URL-safe). */
export const seg = (value: string) => encodeURIComponent(value);

/** The backend's list envelope. */
export interface ItemList<T> {
  items: T[];
}
