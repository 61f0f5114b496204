import React from 'react';
import { configure, screen, waitFor, within } from '@testing-library/react';
import type { BackendSrvRequest } from '@grafana/runtime';

import { businesses, instances } from '../../test/fixtures/inventory';
import {
  installFixtures,
  items,
  ok,
  renderWithRouter,
  setGrafanaRole,
  useEnglish,
  useSimplifiedChinese,
} from '../../test/render';
import { catalog, checkDetails, saturationThresholds } from './checks.fixtures';
import { checkTestIds } from './checkTestIds';
import { Checks } from './Checks';

jest.setTimeout(60_000);
// The drawer and its three requests take seconds on a loaded machine; wait on the DOM, never on a fixed clock.
configure({ asyncUtilTimeout: 15_000 });

const saturation = checkDetails.find((c) => c.id === 'mysql.connection-saturation')!;

const base = {
  'GET checks': (request: BackendSrvRequest) => {
    const { engine, tier, category } = (request.params ?? {}) as Record<string, string | undefined>;
    return items(
      catalog.filter(
        (c) =>
          (!engine || c.engine === engine || c.flavors.includes(engine)) &&
          (!tier || c.tier === tier) &&
          (!category || c.category === category)
      )
    );
  },
  'GET checks/mysql.connection-saturation': ok(saturation),
  'GET checks/mysql.connection-saturation/thresholds': ok(saturationThresholds),
  'GET businesses': items(businesses),
  'GET instances': items(instances),
};

const openSaturation = '/checks?check=mysql.connection-saturation';

describe('Checks', () => {
  afterEach(async () => {
    await useEnglish();
  });

  it('shows the catalog grouped by category, and filters by engine and tier through the backend', async () => {
    const requests = installFixtures(base);
    const { user } = renderWithRouter(<Checks />, { route: '/checks' });
    const catalogEl = await screen.findByTestId(checkTestIds.catalog);
    expect(catalogEl).toHaveTextContent(`${catalog.length} checks`);
    const backup = within(catalogEl).getByTestId(checkTestIds.category('backup'));
    expect(backup).toHaveTextContent('MY-D11');
    expect(within(catalogEl).getByTestId(checkTestIds.category('transactions'))).toHaveTextContent(
      'postgres.xid-wraparound'
    );

    const filters = screen.getByTestId(checkTestIds.filters);
    await user.click(within(filters).getByRole('radio', { name: 'PostgreSQL' }));
    await waitFor(() => expect(screen.getByTestId(checkTestIds.catalog)).toHaveTextContent('1 checks'));
    expect(screen.queryByTestId(checkTestIds.category('backup'))).toBeNull();
    expect(requests.some((r) => r.url.endsWith('/checks') && r.params?.engine === 'postgres')).toBe(true);

    await user.click(within(filters).getByRole('radio', { name: 'Weekly' }));
    await waitFor(() =>
      expect(requests.some((r) => r.params?.engine === 'postgres' && r.params?.tier === 'weekly')).toBe(true)
    );
    expect(await screen.findByText('No check matches these filters')).toBeInTheDocument();
  });

  it('opens a check with its SQL per server version from GET /checks/{id}', async () => {
    installFixtures(base);
    renderWithRouter(<Checks />, { route: openSaturation });
    const sql = await screen.findByTestId(checkTestIds.sql);
    expect(sql).toHaveTextContent('Any version');
    expect(sql).toHaveTextContent('From 5.7.0');
    expect(sql).toHaveTextContent('FROM performance_schema.global_status');
    expect(sql).toHaveTextContent('SELECT @@max_connections AS max_connections');
    expect(screen.getByTestId(checkTestIds.detail)).toHaveTextContent('Connection saturation');
  });

  it('shows thresholds read-only to a viewer: defaults, the override and the values in effect, no edit controls', async () => {
    installFixtures(base);
    renderWithRouter(<Checks />, { route: openSaturation });
    const row = await screen.findByTestId(checkTestIds.thresholdRow('warnPercent'));
    await waitFor(() => expect(row).toHaveTextContent(/warnPercent\s*80\s*75\s*75/));
    const thresholds = screen.getByTestId(checkTestIds.thresholds);
    expect(within(thresholds).queryByRole('textbox')).toBeNull();
    expect(within(thresholds).queryByRole('button', { name: 'Save override' })).toBeNull();
    expect(within(thresholds).queryByRole('button', { name: 'Remove override' })).toBeNull();
    expect(thresholds).toHaveTextContent('Only organization administrators change thresholds.');
    const overrides = screen.getByTestId(checkTestIds.overrides);
    expect(overrides).toHaveTextContent('bob');
  });

  it('lets an admin save an override and shows the backend 400 on the field it names', async () => {
    setGrafanaRole('Admin');
    const puts: unknown[] = [];
    installFixtures({
      ...base,
      'PUT checks/mysql.connection-saturation/thresholds': (request) => {
        puts.push(request.data);
        return {
          status: 400,
          data: {
            error: {
              code: 'invalid_input',
              message: 'values.critPercent: must be >= 0',
              details: [{ path: 'values.critPercent', message: 'must be >= 0' }],
            },
          },
        };
      },
    });
    const { user } = renderWithRouter(<Checks />, { route: openSaturation });
    const crit = await screen.findByRole('textbox', { name: 'Override of critPercent' });
    await user.clear(crit);
    await user.type(crit, '-5');
    await user.click(screen.getByRole('button', { name: 'Save override' }));
    const row = screen.getByTestId(checkTestIds.thresholdRow('critPercent'));
    expect(await within(row).findByText('must be >= 0')).toBeInTheDocument();
    expect(puts).toEqual([{ scope: 'global', scopeId: '', values: { warnPercent: 75, critPercent: -5 } }]);
    expect(within(screen.getByTestId(checkTestIds.thresholdRow('warnPercent'))).queryByText('must be >= 0')).toBeNull();
  });

  it('shows a 403 on save clearly as a permission problem', async () => {
    setGrafanaRole('Admin');
    installFixtures({
      ...base,
      'PUT checks/mysql.connection-saturation/thresholds': {
        status: 403,
        data: { error: { code: 'forbidden', message: 'admin role required' } },
      },
    });
    const { user } = renderWithRouter(<Checks />, { route: openSaturation });
    const warn = await screen.findByRole('textbox', { name: 'Override of warnPercent' });
    await user.clear(warn);
    await user.type(warn, '70');
    await user.click(screen.getByRole('button', { name: 'Save override' }));
    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
    expect(screen.getByText(/admin role required/)).toBeInTheDocument();
  });

  it('renders in Simplified Chinese', async () => {
    await useSimplifiedChinese();
    installFixtures(base);
    renderWithRouter(<Checks />, { route: openSaturation });
    expect((await screen.findAllByText(/连接数饱和/)).length).toBeGreaterThan(0);
    const sql = await screen.findByTestId(checkTestIds.sql);
    expect(sql).not.toHaveTextContent('SQL per server version');
    expect(screen.queryByText('Thresholds')).toBeNull();
  });
});
