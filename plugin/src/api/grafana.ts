import { apiFetch } from './client';

export interface BackendHealth {
  status: 'ok' | 'error';
  message: string;
}

export const grafanaApi = {
  /** Needs a valid token: a wrong URL or token fails here, which is what the config page's test button wants. */
  health: () => apiFetch<BackendHealth>({ path: 'grafana/health' }),
};
