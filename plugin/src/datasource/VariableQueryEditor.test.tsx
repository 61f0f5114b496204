import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { installVariablesBackend, newDataSource } from './test/datasource';
import { installTemplateSrv } from './test/templateSrv';
import type { VariableQuery } from './types';
import { VariableQueryEditor } from './VariableQueryEditor';

jest.setTimeout(30_000);

// Combobox lists its options virtualised, and jsdom lays nothing out: give elements a size so options render.
beforeAll(() => {
  for (const prop of ['offsetHeight', 'offsetWidth', 'clientHeight', 'clientWidth']) {
    Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => 240 });
  }
});

beforeEach(() => installTemplateSrv({ business: { current: 'b-pay' } }));

function renderEditor(query: VariableQuery) {
  const onChange = jest.fn();
  const user = userEvent.setup();
  render(
    <VariableQueryEditor
      datasource={newDataSource()}
      query={query as never}
      onChange={onChange}
      onRunQuery={() => {}}
    />
  );
  return { user, onChange };
}

describe('VariableQueryEditor', () => {
  it.each<[VariableQuery['kind'], string[]]>([
    ['business', []],
    ['host', ['Business']],
    ['instance', ['Business', 'Host']],
    ['check', []],
    ['tier', []],
    ['severity', []],
  ])('a %s variable asks for %j', async (kind, parents) => {
    const requests = installVariablesBackend();
    renderEditor({ refId: 'v', kind });
    expect(screen.getByLabelText('Values')).toBeInTheDocument();
    for (const label of ['Business', 'Host']) {
      if (parents.includes(label)) {
        expect(screen.getByLabelText(label)).toBeInTheDocument();
      } else {
        expect(screen.queryByLabelText(label)).not.toBeInTheDocument();
      }
    }
    await waitFor(() => expect(requests.length).toBe(parents.length));
  });

  it('keeps the business when switching from host to instance, and drops it for checks', async () => {
    installVariablesBackend();
    const { user, onChange } = renderEditor({ refId: 'v', kind: 'host', businessId: '$business' });
    await user.click(screen.getByLabelText('Values'));
    await user.click(await screen.findByRole('option', { name: 'Instances' }));
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'v',
      kind: 'instance',
      businessId: '$business',
      hostId: undefined,
    });
    await user.click(screen.getByLabelText('Values'));
    await user.click(await screen.findByRole('option', { name: 'Checks' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'check', businessId: undefined, hostId: undefined });
  });

  it('offers $business and the backend’s businesses as the parent, and hosts of the chosen business', async () => {
    const requests = installVariablesBackend();
    const { user, onChange } = renderEditor({ refId: 'v', kind: 'instance', businessId: '$business' });
    await waitFor(() => expect(requests.map((r) => r.params)).toContainEqual({ kind: 'host', businessId: 'b-pay' }));
    await user.click(screen.getByLabelText('Business'));
    await waitFor(() =>
      expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['$business', 'CRM', 'Payments'])
    );
    await user.click(screen.getByRole('option', { name: 'CRM' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'instance', businessId: 'b-crm' });
  });
});
