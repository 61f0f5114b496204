import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';

import { testIds } from '../../components/testIds';
import { businesses, hosts, instances } from '../../test/fixtures/inventory';
import {
  installFixtures,
  items,
  ok,
  renderWithRouter,
  setGrafanaRole,
  useEnglish,
  useSimplifiedChinese,
} from '../../test/render';
import { Inventory } from './Inventory';

// Typing into @grafana/ui drawers is slow on a loaded CI machine; the tests wait on the DOM, never on a clock.
jest.setTimeout(30_000);

const inventory = {
  'GET businesses': items(businesses),
  'GET hosts': items(hosts),
  'GET instances': items(instances),
};

describe('Inventory', () => {
  it('shows the business → host → instance tree and filters it', async () => {
    installFixtures(inventory);
    const { user } = renderWithRouter(<Inventory />);
    const tree = await screen.findByTestId(testIds.inventory.tree);
    const payments = within(tree).getByRole('listitem', { name: 'Payments' });
    expect(within(payments).getByRole('listitem', { name: 'pay-db-01' })).toHaveTextContent('pay-mysql-primary');
    expect(within(tree).getByRole('listitem', { name: 'crm-postgres' })).toHaveTextContent('PostgreSQL');

    await user.type(within(screen.getByTestId(testIds.inventory.search)).getByRole('textbox'), 'ledger');
    expect(within(tree).queryByRole('listitem', { name: 'CRM' })).not.toBeInTheDocument();
    expect(within(tree).getByRole('listitem', { name: 'pay-mariadb-ledger' })).toBeInTheDocument();
    expect(within(tree).queryByRole('listitem', { name: 'pay-mysql-primary' })).not.toBeInTheDocument();

    await user.clear(within(screen.getByTestId(testIds.inventory.search)).getByRole('textbox'));
    await user.click(screen.getByRole('radio', { name: 'PostgreSQL' }));
    expect(within(tree).queryByRole('listitem', { name: 'Payments' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'All engines' }));
    const labelInput = screen.getByRole('textbox', { name: 'Label filter' });
    await user.type(labelInput, 'env:staging');
    expect(labelInput).toHaveValue('env:staging');
    // The list is re-mounted while typing (a partial label matches nothing), so it is looked up again.
    expect(
      within(screen.getByTestId(testIds.inventory.tree))
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('aria-label'))
    ).toEqual(['Payments', 'pay-db-02', 'pay-mysql-staging']);
  });

  it('gives a viewer no edit or test buttons', async () => {
    installFixtures(inventory);
    renderWithRouter(<Inventory />);
    await screen.findByTestId(testIds.inventory.tree);
    expect(screen.queryByRole('button', { name: /add business/i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /test connection/i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /edit instance/i })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /import/i })).not.toBeInTheDocument();
  });

  it('lets an editor test a connection and shows flavor, version, role and missing privileges', async () => {
    setGrafanaRole('Editor');
    installFixtures({
      ...inventory,
      'POST instances/i-crm-pg/test': ok({
        ok: true,
        engine: 'postgres',
        flavor: 'postgres',
        version: '15.10',
        role: 'replica',
        uptimeSeconds: 3600,
        missingPrivileges: ['pg_read_all_settings'],
      }),
      'POST instances/i-pay-maria/test': ok({ ok: false, error: 'connect ECONNREFUSED 10.20.0.11:3307' }),
    });
    const { user } = renderWithRouter(<Inventory />);
    const row = await screen.findByRole('listitem', { name: 'crm-postgres' });
    expect(screen.queryByRole('button', { name: /edit instance/i })).not.toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: 'Test connection' }));
    const result = await within(row).findByTestId(testIds.inventory.connectionResult);
    expect(result).toHaveTextContent('PostgreSQL 15.10, replica');
    expect(result).toHaveTextContent('Missing privileges: pg_read_all_settings');

    const maria = screen.getByRole('listitem', { name: 'pay-mariadb-ledger' });
    await user.click(within(maria).getByRole('button', { name: 'Test connection' }));
    expect(await within(maria).findByText('Connection failed')).toBeInTheDocument();
    expect(within(maria).getByText('connect ECONNREFUSED 10.20.0.11:3307')).toBeInTheDocument();
  });

  it("shows the backend's field errors on the fields of the instance form, then saves", async () => {
    setGrafanaRole('Admin');
    let created: unknown;
    const requests = installFixtures({
      ...inventory,
      'POST instances': (request) => {
        const body = request.data as { port: unknown };
        if (body.port !== 3306) {
          return {
            status: 400,
            data: {
              error: {
                code: 'invalid_input',
                message: 'port: must be ≤ 65535',
                details: [{ path: 'port', message: 'must be ≤ 65535' }],
              },
            },
          };
        }
        created = request.data;
        return { status: 201, data: { ...instances[0], ...body, id: 'i-new' } };
      },
    });
    const { user } = renderWithRouter(<Inventory />);
    const host = await screen.findByRole('listitem', { name: 'pay-db-02' });
    await user.click(within(host).getByRole('button', { name: 'Add instance' }));
    const form = await screen.findByTestId(testIds.inventory.instanceForm);
    await user.type(within(form).getByLabelText('Name'), 'pay-mysql-new');
    await user.type(within(form).getByLabelText(/^User/), 'monitor');
    const port = within(form).getByLabelText('Port');
    await user.clear(port);
    await user.type(port, '99999');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('must be ≤ 65535')).toBeInTheDocument();
    expect(within(form).queryByTestId(testIds.apiError)).not.toBeInTheDocument();

    await user.clear(port);
    await user.type(port, '3306');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByTestId(testIds.inventory.instanceForm)).not.toBeInTheDocument());
    expect(created).toEqual({
      name: 'pay-mysql-new',
      hostId: 'h-pay-2',
      engine: 'mysql',
      port: 3306,
      user: 'monitor',
      labels: {},
      enabled: true,
    });
    // Saved: the tree loads again.
    expect(requests.filter((r) => r.url.endsWith('/instances') && r.method === 'GET')).toHaveLength(2);
  });

  it('previews a YAML import as a dry run before importing', async () => {
    setGrafanaRole('Admin');
    const calls: string[] = [];
    installFixtures({
      ...inventory,
      'POST inventory/import': (request) => {
        calls.push(String(request.params?.dryRun));
        expect(request.headers).toEqual({ 'Content-Type': 'application/yaml' });
        return ok({
          dryRun: request.params?.dryRun === 'true',
          businesses: { created: [], updated: ['Payments'] },
          hosts: { created: ['pay-db-03'], updated: [] },
          instances: { created: ['pay-mysql-3'], updated: [] },
        });
      },
    });
    const { user } = renderWithRouter(<Inventory />);
    await user.click(await screen.findByRole('button', { name: 'Import' }));
    await user.type(screen.getByLabelText(/^Inventory document/), 'version: 1');
    expect(screen.getAllByRole('button', { name: 'Import' }).at(-1)).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByTestId(testIds.inventory.importPreview);
    expect(preview).toHaveTextContent('Hosts: 1 new (pay-db-03), 0 updated (–)');
    await user.click(screen.getAllByRole('button', { name: 'Import' }).at(-1)!);
    expect(await screen.findByText('Imported')).toBeInTheDocument();
    expect(calls).toEqual(['true', 'false']);
  });

  it('shows a 403 from Grafana when an action is refused anyway', async () => {
    setGrafanaRole('Admin');
    installFixtures({
      ...inventory,
      'DELETE businesses/b-crm': { status: 403, data: { message: 'plugin proxy route access denied' } },
    });
    const { user } = renderWithRouter(<Inventory />);
    await user.click(await screen.findByRole('button', { name: 'Delete business CRM' }));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
    expect(screen.getByText(/Your Grafana role does not allow this action/)).toBeInTheDocument();
  });

  it('renders in Simplified Chinese', async () => {
    await useSimplifiedChinese();
    try {
      setGrafanaRole('Admin');
      installFixtures(inventory);
      renderWithRouter(<Inventory />);
      expect(await screen.findByRole('button', { name: '添加业务' })).toBeInTheDocument();
      expect(screen.getByRole('radio', { name: '全部引擎' })).toBeInTheDocument();
      expect(screen.getAllByRole('button', { name: '测试连接' }).length).toBe(4);
    } finally {
      await useEnglish();
    }
  });
});
