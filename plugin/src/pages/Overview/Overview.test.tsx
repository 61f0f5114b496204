import React from 'react';
import { screen, within } from '@testing-library/react';

import { testIds } from '../../components/testIds';
import { businesses, instances } from '../../test/fixtures/inventory';
import { inspections, reports, schedules } from '../../test/fixtures/runs';
import {
  installFixtures,
  items,
  renderWithRouter,
  setGrafanaRole,
  useEnglish,
  useSimplifiedChinese,
} from '../../test/render';
import { Overview } from './Overview';

const fleet = {
  'GET instances': items(instances),
  'GET reports': items(reports),
  'GET inspections': items(inspections),
  'GET schedules': items(schedules),
  'GET businesses': items(businesses),
};

describe('Overview', () => {
  it('shows the fleet: worst severity, lowest scores, runs, problems and next runs', async () => {
    installFixtures(fleet);
    renderWithRouter(<Overview />);

    const health = await screen.findByTestId(testIds.overview.worstSeverity);
    expect(within(health).getByText('Critical').parentElement).toHaveTextContent(
      '2pay-mysql-primary, pay-mariadb-ledger'
    );
    expect(within(health).getByText('Warning').parentElement).toHaveTextContent('1crm-postgres');

    const lowest = screen.getByTestId(testIds.overview.lowestScores);
    const order = ['pay-mariadb-ledger', 'pay-mysql-primary', 'crm-postgres'].map((name) =>
      (lowest.textContent ?? '').indexOf(name)
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    expect(screen.getByTestId(testIds.overview.recentRuns)).toHaveTextContent('Manual run by alice');
    const problems = screen.getByTestId(testIds.overview.problemRuns);
    expect(problems).toHaveTextContent('Missed');
    expect(problems).toHaveTextContent('weekly-security');
    expect(problems).toHaveTextContent('1 of 3 instances unreachable');
    expect(problems).not.toHaveTextContent('Succeeded');

    const next = screen.getByTestId(testIds.overview.nextRuns);
    expect(next.textContent?.indexOf('nightly-daily')).toBeLessThan(next.textContent?.indexOf('weekly-security') ?? -1);
    expect(next).not.toHaveTextContent('paused-monthly');
  });

  it('leads an admin from an empty fleet to adding an instance', async () => {
    setGrafanaRole('Admin');
    installFixtures({ ...fleet, 'GET instances': items([]), 'GET reports': items([]), 'GET inspections': items([]) });
    renderWithRouter(<Overview />);
    expect(await screen.findByTestId(testIds.overview.emptyState)).toHaveTextContent('No database instances yet');
    expect(screen.getByRole('link', { name: /add your first instance/i })).toHaveAttribute(
      'href',
      '/a/dbpatrol-inspection-app/inventory?add=business'
    );
  });

  it('tells a viewer who adds instances instead of offering the button', async () => {
    installFixtures({ ...fleet, 'GET instances': items([]) });
    renderWithRouter(<Overview />);
    expect(await screen.findByText(/an administrator of your organization adds the instances/i)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /add your first instance/i })).not.toBeInTheDocument();
  });

  it('shows a backend 403 as a permission problem', async () => {
    installFixtures({
      ...fleet,
      'GET reports': { status: 403, data: { error: { code: 'forbidden', message: 'this needs the viewer role' } } },
    });
    renderWithRouter(<Overview />);
    expect(await screen.findByText('Permission denied')).toBeInTheDocument();
    expect(screen.getByText(/DB Patrol backend refused this action: this needs the viewer role/)).toBeInTheDocument();
  });

  it('renders in Simplified Chinese', async () => {
    await useSimplifiedChinese();
    try {
      installFixtures(fleet);
      renderWithRouter(<Overview />);
      expect(await screen.findByText('按最严重未解决问题统计的实例')).toBeInTheDocument();
      expect(screen.getByText('最低得分')).toBeInTheDocument();
      expect(screen.getAllByText('严重').length).toBeGreaterThan(0);
      expect(screen.getByText('alice 手动运行')).toBeInTheDocument();
    } finally {
      await useEnglish();
    }
  });
});
