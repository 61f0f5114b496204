import React from 'react';
import { screen } from '@testing-library/react';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';

import { installBackendSrv } from '../../test/backendSrv';
import { installFixtures, ok, renderWithRouter } from '../../test/render';
import { testIds } from '../testIds';
import { AppConfig, validateApiUrl, type AppSettings } from './AppConfig';

function props(jsonData: AppSettings, tokenSet: boolean) {
  return {
    plugin: {
      meta: {
        id: 'dbpatrol-inspection-app',
        enabled: true,
        pinned: true,
        jsonData,
        secureJsonFields: { apiToken: tokenSet },
      },
    },
    query: {},
  } as unknown as PluginConfigPageProps<AppPluginMeta<AppSettings>>;
}

describe('AppConfig', () => {
  it.each([
    ['', 'Enter the URL of the DB Patrol backend'],
    ['dbpatrol:8470', 'The URL must start with http:// or https://'],
    ['http://', 'This is not a valid URL'],
    ['http://dbpatrol:8470', undefined],
    ['https://dbpatrol.example.com/', undefined],
  ])('validates the URL %j', (value, message) => {
    expect(validateApiUrl(value)).toBe(message);
  });

  it('never shows the stored token and tests the backend through the proxy', async () => {
    const requests = installFixtures({
      'GET grafana/health': ok({ status: 'ok', message: 'DB Patrol 0.1.0, 3 instances' }),
    });
    const { user } = renderWithRouter(<AppConfig {...props({ apiUrl: 'http://dbpatrol:8470' }, true)} />);
    expect(screen.getByTestId(testIds.appConfig.apiUrl)).toHaveValue('http://dbpatrol:8470');
    expect(screen.getByTestId(testIds.appConfig.apiToken)).toHaveValue('configured');
    await user.click(screen.getByTestId(testIds.appConfig.test));
    expect(await screen.findByText('DB Patrol 0.1.0, 3 instances')).toBeInTheDocument();
    expect(requests.map((r) => r.url)).toEqual(['api/plugin-proxy/dbpatrol-inspection-app/grafana/health']);
  });

  it('explains a token the backend refuses', async () => {
    installFixtures({
      'GET grafana/health': {
        status: 401,
        data: { error: { code: 'unauthenticated', message: 'invalid or revoked token' } },
      },
    });
    const { user } = renderWithRouter(<AppConfig {...props({ apiUrl: 'http://dbpatrol:8470' }, true)} />);
    await user.click(screen.getByTestId(testIds.appConfig.test));
    expect(await screen.findByText('The backend did not accept the API token')).toBeInTheDocument();
  });

  it('saves the URL and sends the token only when one was typed', async () => {
    const saved: unknown[] = [];
    installBackendSrv((request) => {
      saved.push([request.url, request.data]);
      return { status: 200, data: {} };
    });
    const reload = jest.fn();
    Object.defineProperty(window, 'location', { value: { ...window.location, reload }, writable: true });
    const { user } = renderWithRouter(<AppConfig {...props({ apiUrl: 'http://old:8470' }, true)} />);
    await user.clear(screen.getByTestId(testIds.appConfig.apiUrl));
    await user.type(screen.getByTestId(testIds.appConfig.apiUrl), 'http://dbpatrol:8470/');
    await user.click(screen.getByTestId(testIds.appConfig.submit));
    expect(await screen.findByTestId(testIds.appConfig.submit)).toBeInTheDocument();
    expect(saved).toEqual([
      [
        '/api/plugins/dbpatrol-inspection-app/settings',
        { enabled: true, pinned: true, jsonData: { apiUrl: 'http://dbpatrol:8470' } },
      ],
    ]);
    expect(reload).toHaveBeenCalled();
  });
});
