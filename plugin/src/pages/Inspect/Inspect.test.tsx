import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';

import type { Inspection, RunInspectionInput } from '../../api/inspections';
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
import { Inspect } from './Inspect';

jest.setTimeout(30_000);

const inventory = {
  'GET businesses': items(businesses),
  'GET hosts': items(hosts),
  'GET instances': items(instances),
};

/** An inspection as POST/GET /inspections answer it. */
const inspection = (over: Partial<Inspection>): Inspection => ({
  id: 'in-9',
  requestId: 'req',
  trigger: { kind: 'manual', actor: 'editor' },
  tier: 'weekly',
  window: { from: '2026-12-02T08:00:00.000Z', to: '2026-12-05T08:00:00.000Z' },
  instanceIds: ['i-pay-mysql', 'i-pay-maria'],
  state: 'queued',
  progress: [],
  cancelRequested: false,
  attempt: 1,
  createdAt: '2026-12-05T08:00:00.000Z',
  ...over,
});

const running = inspection({
  state: 'running',
  startedAt: '2026-12-05T08:00:01.000Z',
  progress: [
    { instanceId: 'i-pay-mysql', instanceName: 'pay-mysql-primary', state: 'running', checksDone: 12, checksTotal: 40 },
    { instanceId: 'i-pay-maria', instanceName: 'pay-mariadb-ledger', state: 'queued', checksDone: 0, checksTotal: 38 },
  ],
});

const finished = inspection({
  state: 'partial',
  error: '1 of 2 instances failed',
  finishedAt: '2026-12-05T08:01:00.000Z',
  progress: [
    {
      instanceId: 'i-pay-mysql',
      instanceName: 'pay-mysql-primary',
      state: 'done',
      checksDone: 40,
      checksTotal: 40,
      reportId: 'rep-1',
      score: 81,
    },
    {
      instanceId: 'i-pay-maria',
      instanceName: 'pay-mariadb-ledger',
      state: 'failed',
      checksDone: 3,
      checksTotal: 38,
      error: 'connect ECONNREFUSED 10.20.0.11:3307',
    },
  ],
});

describe('Inspect now', () => {
  it('selects a host, runs with the tier default window and follows the run to its report links', async () => {
    setGrafanaRole('Editor');
    const bodies: RunInspectionInput[] = [];
    const polls = [running, finished];
    installFixtures({
      ...inventory,
      'POST inspections': (request) => {
        bodies.push(request.data as RunInspectionInput);
        return { status: 202, data: inspection({}) };
      },
      'GET inspections/in-9': () => ok(polls.length > 1 ? polls.shift() : polls[0]),
    });
    const { user } = renderWithRouter(<Inspect pollMs={20} />);
    const run = await screen.findByRole('button', { name: /Run inspection of 0 instances/ });
    expect(run).toBeDisabled();

    // Payments is the first business; its host pay-db-01 holds two enabled instances.
    const host = screen.getByRole('listitem', { name: 'pay-db-01' });
    await user.click(within(host).getByRole('checkbox', { name: 'pay-db-01 (10.20.0.11)' }));
    expect(within(host).getByRole('checkbox', { name: 'pay-mysql-primary' })).toBeChecked();
    expect(within(host).getByRole('checkbox', { name: 'pay-mariadb-ledger' })).toBeChecked();
    // The disabled staging instance cannot be picked, so "all of Payments" is complete with two.
    expect(screen.getByRole('checkbox', { name: 'pay-mysql-staging' })).toBeDisabled();
    expect(screen.getByRole('checkbox', { name: 'All of Payments' })).toBeChecked();

    await user.click(screen.getByRole('radio', { name: 'Weekly' }));
    expect(screen.getByRole('spinbutton')).toHaveValue(7);
    await user.click(screen.getByRole('button', { name: 'Run inspection of 2 instances' }));

    const row = await screen.findByRole('row', { name: 'pay-mysql-primary' });
    await waitFor(() => expect(within(row).getByText('Done')).toBeInTheDocument());
    expect(within(row).getByRole('link', { name: 'Open report' })).toHaveAttribute(
      'href',
      '/a/dbpatrol-inspection-app/reports/rep-1'
    );
    const failed = screen.getByRole('row', { name: 'pay-mariadb-ledger' });
    expect(failed).toHaveTextContent('connect ECONNREFUSED 10.20.0.11:3307');
    expect(within(failed).queryByRole('link')).not.toBeInTheDocument();
    expect(screen.getByText('Partial')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel inspection' })).not.toBeInTheDocument();

    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toEqual({
      instanceIds: ['i-pay-mysql', 'i-pay-maria'],
      tier: 'weekly',
      windowDays: 7,
      requestId: expect.stringMatching(/\S{8,}/),
    });
  });

  it('searches within a business, keeps the same requestId on a retry and shows field errors on the field', async () => {
    setGrafanaRole('Editor');
    const bodies: RunInspectionInput[] = [];
    installFixtures({
      ...inventory,
      'POST inspections': (request) => {
        const body = request.data as RunInspectionInput;
        bodies.push(body);
        if (body.windowDays === 5000) {
          return {
            status: 400,
            data: {
              error: {
                code: 'invalid_input',
                message: 'windowDays: must be ≤ 3660',
                details: [{ path: 'windowDays', message: 'must be ≤ 3660' }],
              },
            },
          };
        }
        return { status: 503, data: { error: { code: 'store_unavailable', message: 'store unavailable' } } };
      },
    });
    const { user } = renderWithRouter(<Inspect pollMs={20} />);
    await user.click(await screen.findByRole('radio', { name: 'CRM' }));
    expect(screen.queryByRole('listitem', { name: 'pay-db-01' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Payments' }));
    await user.type(screen.getByPlaceholderText('Search hosts and instances'), 'ledger');
    expect(screen.queryByRole('checkbox', { name: 'pay-mysql-primary' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: 'pay-mariadb-ledger' }));

    const days = screen.getByRole('spinbutton');
    await user.clear(days);
    await user.type(days, '5000');
    await user.click(screen.getByRole('button', { name: 'Run inspection of 1 instances' }));
    expect(await screen.findByText('must be ≤ 3660')).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: '30' }));
    await user.click(screen.getByRole('button', { name: 'Run inspection of 1 instances' }));
    expect(await screen.findByText('store unavailable')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Run inspection of 1 instances' }));
    await waitFor(() => expect(bodies).toHaveLength(3));
    expect(bodies.map((b) => b.windowDays)).toEqual([5000, 30, 30]);
    expect(new Set(bodies.map((b) => b.requestId)).size).toBe(1);
  });

  it('sends an absolute window from the time range input', async () => {
    setGrafanaRole('Editor');
    let body: RunInspectionInput | undefined;
    installFixtures({
      ...inventory,
      'POST inspections': (request) => {
        body = request.data as RunInspectionInput;
        return { status: 202, data: inspection({ state: 'queued' }) };
      },
      'GET inspections/in-9': ok(inspection({ state: 'queued' })),
    });
    const { user } = renderWithRouter(<Inspect pollMs={50} />);
    await user.click(await screen.findByRole('radio', { name: 'CRM' }));
    await user.click(screen.getByRole('checkbox', { name: 'crm-postgres' }));
    await user.click(screen.getByRole('radio', { name: 'From – to' }));
    expect(screen.queryByRole('spinbutton')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Run inspection of 1 instances' }));
    await waitFor(() => expect(body).toBeDefined());
    expect(body?.windowDays).toBeUndefined();
    const from = Date.parse(body!.window!.from);
    const to = Date.parse(body!.window!.to);
    expect(to - from).toBe(3 * 86_400_000);
    expect(await screen.findByText('Waiting for a worker to start…')).toBeInTheDocument();
  });

  it('cancels a running inspection opened from its URL', async () => {
    setGrafanaRole('Editor');
    let cancelled = false;
    installFixtures({
      ...inventory,
      'GET inspections/in-9': () => ok(cancelled ? { ...running, cancelRequested: true } : running),
      'DELETE inspections/in-9': () => {
        cancelled = true;
        return ok({ ...running, cancelRequested: true });
      },
    });
    const { user } = renderWithRouter(<Inspect pollMs={20} />, { route: '/inspect?inspection=in-9' });
    await user.click(await screen.findByRole('button', { name: 'Cancel inspection' }));
    expect(await screen.findByRole('button', { name: 'Cancelling…' })).toBeDisabled();
    expect(cancelled).toBe(true);
  });

  it('shows a viewer the progress of a run but no way to start or cancel one', async () => {
    installFixtures({ ...inventory, 'GET inspections/in-9': ok(running) });
    renderWithRouter(<Inspect pollMs={20} />, { route: '/inspect?inspection=in-9' });
    expect(await screen.findByRole('row', { name: 'pay-mysql-primary' })).toHaveTextContent('12/40');
    expect(screen.getByText('Read-only')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Run inspection/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel inspection' })).not.toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'pay-mysql-primary' })).toBeDisabled();
  });

  it('renders in Simplified Chinese', async () => {
    await useSimplifiedChinese();
    try {
      setGrafanaRole('Editor');
      installFixtures({ ...inventory, 'GET inspections/in-9': ok(finished) });
      renderWithRouter(<Inspect pollMs={20} />, { route: '/inspect?inspection=in-9' });
      expect(await screen.findByRole('button', { name: '巡检 0 个实例' })).toBeInTheDocument();
      expect(screen.getByRole('radio', { name: '最近 N 天' })).toBeInTheDocument();
      expect(screen.getByRole('checkbox', { name: 'Payments 全部' })).toBeInTheDocument();
      expect(await screen.findByRole('link', { name: '打开报告' })).toBeInTheDocument();
      expect(screen.getByText('巡检运行开始前的 1 天。')).toBeInTheDocument();
    } finally {
      await useEnglish();
    }
  });
});
