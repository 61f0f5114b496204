import React, { type ReactElement } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { initPluginTranslations } from '@grafana/i18n';
import { config, type BackendSrvRequest } from '@grafana/runtime';
import i18next from 'i18next';

import { PROXY_BASE } from '../api/client';
import appZh from '../locales/zh-Hans/dbpatrol-inspection-app.json';
import pluginJson from '../plugin.json';
import { installBackendSrv, type HandlerResponse } from './backendSrv';

export type TestRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

/** The Grafana role the app reads from boot data (reset to Viewer before each test). */
export function setGrafanaRole(role: TestRole) {
  config.bootData.user.orgRole = role as typeof config.bootData.user.orgRole;
}

export function renderWithRouter(ui: ReactElement, { route = '/' }: { route?: string } = {}) {
  const user = userEvent.setup();
  return { user, ...render(<MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>) };
}

export type FixtureAnswer = HandlerResponse | ((request: BackendSrvRequest) => HandlerResponse);

/**
 * Answers app proxy calls from a table keyed `METHOD path` (path below the proxy base, without the query). An
 * unlisted call fails the test with a 500 naming it, so a page cannot silently call something new.
 */
export function installFixtures(table: Record<string, FixtureAnswer>) {
  return installBackendSrv((request) => {
    const path = request.url.replace(`${PROXY_BASE}/`, '');
    const key = `${(request.method ?? 'GET').toUpperCase()} ${path}`;
    const answer = table[key];
    if (!answer) {
      return { status: 500, data: { error: { code: 'internal', message: `no fixture for ${key}` } } };
    }
    return typeof answer === 'function' ? answer(request) : answer;
  });
}

export const ok = (data: unknown): HandlerResponse => ({ status: 200, data });
export const items = (list: unknown[]): HandlerResponse => ({ status: 200, data: { items: list } });

/** Switches t()/<Trans> to Simplified Chinese with the shipped catalogue; call `useEnglish` after. */
export async function useSimplifiedChinese() {
  await initPluginTranslations(pluginJson.id);
  i18next.addResourceBundle('zh-Hans', pluginJson.id, appZh, true, true);
  await i18next.changeLanguage('zh-Hans');
}

export async function useEnglish() {
  await i18next.changeLanguage('en-US');
}
