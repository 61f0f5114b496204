import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSourceSettings } from '@grafana/data';
import { initPluginTranslations } from '@grafana/i18n';
import i18next from 'i18next';

import { ConfigEditor } from './ConfigEditor';
import dsZh from './locales/zh-Hans/dbpatrol-inspection-datasource.json';
import pluginJson from './plugin.json';
import type { DBPatrolOptions, DBPatrolSecureOptions } from './types';

type Options = DataSourceSettings<DBPatrolOptions, DBPatrolSecureOptions>;

const options = (patch: Partial<Options> = {}): Options =>
  ({
    uid: 'dbpatrol',
    name: 'DB Patrol',
    type: pluginJson.id,
    jsonData: { apiUrl: 'http://dbpatrol-backend:8470' },
    secureJsonFields: { apiToken: true },
    ...patch,
  }) as Options;

describe('ConfigEditor', () => {
  afterEach(() => i18next.changeLanguage('en-US'));

  it('shows a stored token only as configured, and a reset clears it for a new one', async () => {
    const onOptionsChange = jest.fn();
    const user = userEvent.setup();
    render(<ConfigEditor options={options()} onOptionsChange={onOptionsChange} />);
    const token = screen.getByLabelText(/^API token/);
    expect(token).toHaveValue('configured');
    expect(token).toBeDisabled();
    await user.click(screen.getByRole('button', { name: /reset/i }));
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ secureJsonFields: { apiToken: false }, secureJsonData: { apiToken: '' } })
    );
  });

  it('sends a typed token as secure data and flags a URL that is not http(s)', async () => {
    const onOptionsChange = jest.fn();
    const user = userEvent.setup();
    const { rerender } = render(
      <ConfigEditor options={options({ secureJsonFields: {} })} onOptionsChange={onOptionsChange} />
    );
    await user.type(screen.getByLabelText(/^API token/), 'x');
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ secureJsonData: { apiToken: 'x' } }));
    expect(screen.queryByText('Enter an http:// or https:// URL')).not.toBeInTheDocument();
    rerender(
      <ConfigEditor options={options({ jsonData: { apiUrl: 'dbpatrol:8470' } })} onOptionsChange={onOptionsChange} />
    );
    expect(screen.getByText('Enter an http:// or https:// URL')).toBeInTheDocument();
  });

  it('renders in Simplified Chinese from the datasource’s own catalogue', async () => {
    await initPluginTranslations(pluginJson.id);
    i18next.addResourceBundle('zh-Hans', pluginJson.id, dsZh, true, true);
    await i18next.changeLanguage('zh-Hans');
    render(<ConfigEditor options={options()} onOptionsChange={jest.fn()} />);
    expect(screen.getByLabelText(/^后端 URL/)).toHaveValue('http://dbpatrol-backend:8470');
    expect(screen.getByLabelText(/^API 令牌/)).toBeInTheDocument();
  });
});
