import React from 'react';
import { screen } from '@testing-library/react';
import type { AppRootProps } from '@grafana/data';

import { businesses, hosts, instances } from '../../test/fixtures/inventory';
import { installFixtures, items, renderWithRouter, setGrafanaRole } from '../../test/render';
import { App } from './App';

const props = { basename: '/a/dbpatrol-inspection-app', meta: {}, path: '', query: {} } as unknown as AppRootProps;

describe('App routing', () => {
  beforeEach(() => {
    installFixtures({
      'GET businesses': items(businesses),
      'GET hosts': items(hosts),
      'GET instances': items(instances),
      'GET reports': items([]),
      'GET inspections': items([]),
      'GET schedules': items([]),
    });
  });

  it('opens a page by its path', async () => {
    renderWithRouter(<App {...props} />, { route: '/inventory' });
    expect(await screen.findByRole('listitem', { name: 'Payments' })).toBeInTheDocument();
  });

  it('sends unknown paths to the overview', async () => {
    renderWithRouter(<App {...props} />, { route: '/nowhere' });
    expect(await screen.findByText('Instances by worst open severity')).toBeInTheDocument();
  });

  it('guards pages by Grafana role on client-side navigation', async () => {
    setGrafanaRole('None');
    renderWithRouter(<App {...props} />, { route: '/inventory' });
    expect(await screen.findByText('You do not have access to this page')).toBeInTheDocument();
    expect(screen.getByText(/needs the Grafana role Viewer; you are signed in as None/)).toBeInTheDocument();
    expect(screen.queryByRole('listitem', { name: 'Payments' })).not.toBeInTheDocument();
  });
});
