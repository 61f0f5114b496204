import { setBackendSrv, type BackendSrv, type BackendSrvRequest, type FetchResponse } from '@grafana/runtime';
import { from, type Observable } from 'rxjs';

/** What a test answers for one request: the status and the parsed body. */
export interface HandlerResponse {
  status: number;
  data: unknown;
  headers?: Record<string, string>;
}

export type RequestHandler = (request: BackendSrvRequest) => Promise<HandlerResponse> | HandlerResponse;

/**
 * Installs a BackendSrv whose `fetch` behaves like Grafana's: a 2xx answer emits a FetchResponse, anything else
 * errors with a FetchError `{ status, statusText, data, config }`. Pages and the API client run unchanged on it.
 */
export function installBackendSrv(handler: RequestHandler): BackendSrvRequest[] {
  const requests: BackendSrvRequest[] = [];
  const fetch = <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> =>
    from(
      (async () => {
        requests.push(options);
        const answer = await handler(options);
        const headers = new Headers(answer.headers ?? {});
        if (answer.status < 200 || answer.status >= 300) {
          throw { status: answer.status, statusText: `HTTP ${answer.status}`, data: answer.data, config: options };
        }
        const response: FetchResponse<T> = {
          data: answer.data as T,
          status: answer.status,
          statusText: 'OK',
          ok: true,
          headers,
          redirected: false,
          type: 'basic',
          url: options.url,
          config: options,
        };
        return response;
      })()
    );
  const unsupported = () => Promise.reject(new Error('tests use fetch() only'));
  const srv = {
    fetch,
    get: unsupported,
    delete: unsupported,
    post: unsupported,
    patch: unsupported,
    put: unsupported,
    request: unsupported,
    datasourceRequest: unsupported,
    chunked: () => {
      throw new Error('tests use fetch() only');
    },
  } as unknown as BackendSrv;
  setBackendSrv(srv);
  return requests;
}
