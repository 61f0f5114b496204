import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { QueryEditor } from './QueryEditor';
import { installVariablesBackend, newDataSource } from './test/datasource';
import { installTemplateSrv } from './test/templateSrv';
import type { DBPatrolQuery } from './types';

jest.setTimeout(30_000);

// Combobox lists its options virtualised, and jsdom lays nothing out: give elements a size so options render.
beforeAll(() => {
  for (const prop of ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth']) {
    Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => 240 });
  }
  Object.defineProperty(Element.prototype, 'getBoundingClientRect', {
    configurable: true,
    value: () => ({
      width: 240,
      height: 240,
      top: 0,
      left: 0,
      bottom: 240,
      right: 240,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    }),
  });
});

function renderEditor(query: DBPatrolQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const datasource = newDataSource();
  const user = userEvent.setup();
  const view = render(
    <QueryEditor datasource={datasource} query={query} onChange={onChange} onRunQuery={onRunQuery} />
  );
  const rerender = (next: DBPatrolQuery) =>
    view.rerender(<QueryEditor datasource={datasource} query={next} onChange={onChange} onRunQuery={onRunQuery} />);
  return { user, onChange, onRunQuery, rerender };
}

const optionNames = () => screen.getAllByRole('option').map((o) => o.textContent);

beforeEach(() => installTemplateSrv({ business: { current: 'b-pay' }, instance: { current: ['i-pay-mysql'] } }));

describe('QueryEditor', () => {
  it('offers the dashboard variables and the backend businesses, and a choice resets host and instances', async () => {
    const requests = installVariablesBackend();
    const { user, onChange, onRunQuery } = renderEditor({
      refId: 'A',
      queryType: 'scores',
      hostId: 'h-crm-1',
      instanceIds: ['i-crm-pg'],
    });
    await user.click(screen.getByLabelText('Business'));
    await waitFor(() => expect(optionNames()).toEqual(expect.arrayContaining(['$business', 'CRM', 'Payments'])));
    await user.click(screen.getByRole('option', { name: 'Payments' }));
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'A',
      queryType: 'scores',
      businessId: 'b-pay',
      hostId: undefined,
      instanceIds: undefined,
    });
    expect(onRunQuery).toHaveBeenCalled();
    expect(requests.map((r) => r.params)).toEqual(
      expect.arrayContaining([{ kind: 'business' }, { kind: 'host' }, { kind: 'instance', hostId: 'h-crm-1' }])
    );
  });

  it('narrows hosts and instances to the chosen business (a variable is resolved first)', async () => {
    const requests = installVariablesBackend();
    const { user, onChange } = renderEditor({ refId: 'A', queryType: 'findings', businessId: '$business' });
    await user.click(screen.getByLabelText('Instances'));
    await waitFor(() =>
      expect(optionNames()).toEqual(['$business', '$instance', 'pay-mariadb-ledger', 'pay-mysql-primary'])
    );
    expect(requests.map((r) => r.params)).toContainEqual({ kind: 'instance', businessId: 'b-pay' });
    expect(requests.map((r) => r.params)).toContainEqual({ kind: 'host', businessId: 'b-pay' });
    await user.click(screen.getByRole('option', { name: 'pay-mysql-primary' }));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ businessId: '$business', instanceIds: ['i-pay-mysql'] })
    );
  });

  it.each<[DBPatrolQuery['queryType'], string[], string[]]>([
    ['scores', ['Tier'], ['Severity', 'Checks', 'Counter', 'Limit']],
    ['findingCounts', ['Tier', 'Severity'], ['Checks', 'Counter', 'Limit']],
    ['findings', ['Tier', 'Severity', 'Checks'], ['Counter', 'Limit']],
    ['outcomes', ['Tier', 'Checks'], ['Severity', 'Counter', 'Limit']],
    ['inspections', ['Tier', 'Limit'], ['Severity', 'Checks', 'Counter']],
    ['counters', ['Counter'], ['Tier', 'Severity', 'Checks', 'Limit']],
    ['annotations', ['Tier'], ['Severity', 'Checks', 'Counter', 'Limit']],
  ])('%s shows the filters the backend reads for it', async (queryType, shown, hidden) => {
    installVariablesBackend();
    renderEditor({ refId: 'A', queryType });
    for (const label of ['Query', 'Business', 'Host', 'Instances', ...shown]) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    for (const label of hidden) {
      expect(screen.queryByLabelText(label)).not.toBeInTheDocument();
    }
    // Let the option loads settle inside act().
    await waitFor(() => expect(screen.getByLabelText('Business')).toBeInTheDocument());
  });

  it('changes the query type and sets the counter and severity filters', async () => {
    installVariablesBackend();
    const { user, onChange, rerender } = renderEditor({ refId: 'A', queryType: 'scores' });
    await user.click(screen.getByLabelText('Query'));
    await user.click(await screen.findByRole('option', { name: 'Counter' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'counters' });

    rerender({ refId: 'A', queryType: 'counters' });
    expect(screen.getByText('A counter name is required')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Counter'), 'status.innodb_deadlocks');
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'A',
      queryType: 'counters',
      counter: 'status.innodb_deadlocks',
    });

    rerender({ refId: 'A', queryType: 'findings' });
    await user.click(screen.getByLabelText('Severity'));
    await user.click(await screen.findByRole('option', { name: 'critical' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'findings', severity: ['critical'] });
  });

  it('shows why the filter values did not load', async () => {
    installTemplateSrv({});
    const { installBackendSrv } = jest.requireActual('../test/backendSrv');
    installBackendSrv(() => ({ status: 401, data: { error: { code: 'unauthorized', message: 'invalid token' } } }));
    renderEditor({ refId: 'A', queryType: 'scores' });
    expect(await screen.findByText('Could not load the filter values')).toBeInTheDocument();
    expect(screen.getByText('invalid token')).toBeInTheDocument();
  });
});
