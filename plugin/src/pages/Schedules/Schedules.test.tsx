import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';

import type { Occurrence, ScheduleInput } from '../../api/schedules';
import { businesses, hosts, instances } from '../../test/fixtures/inventory';
import { inspections, schedules } from '../../test/fixtures/runs';
import {
  installFixtures,
  items,
  ok,
  renderWithRouter,
  setGrafanaRole,
  useEnglish,
  useSimplifiedChinese,
} from '../../test/render';
import { Schedules } from './Schedules';

// Drawers and typing are slow on a loaded machine; the tests wait on the DOM, never on a clock.
jest.setTimeout(60_000);

const base = {
  'GET schedules': items(schedules),
  'GET inspections': items(inspections),
  'GET businesses': items(businesses),
  'GET hosts': items(hosts),
  'GET instances': items(instances),
};

const invalid = (path: string, message: string) => ({
  status: 400,
  data: { error: { code: 'invalid_input', message: `${path}: ${message}`, details: [{ path, message }] } },
});

/** Wednesdays 08:00:00 in Shanghai with a 3-day window, as POST /schedules/preview answers. */
const wednesdays: Occurrence[] = ['09', '16', '23', '30'].map((day) => ({
  fireAt: `2026-12-${day}T08:00:00+08:00`,
  window: {
    from: `2026-12-${String(Number(day) - 3).padStart(2, '0')}T08:00:00+08:00`,
    to: `2026-12-${day}T08:00:00+08:00`,
  },
}));
wednesdays.push({
  fireAt: '2027-01-06T08:00:00+08:00',
  window: { from: '2027-01-03T08:00:00+08:00', to: '2027-01-06T08:00:00+08:00' },
});

describe('Schedules', () => {
  it('lists schedules with frequency in words, targets, next run, last run and status; a viewer gets no write buttons', async () => {
    installFixtures(base);
    renderWithRouter(<Schedules />);
    const weekly = await screen.findByRole('row', { name: 'weekly-security' });
    expect(weekly).toHaveTextContent('business Payments');
    expect(weekly).toHaveTextContent('Weekly on Wednesday at 02:00:00');
    expect(weekly).toHaveTextContent('window 1 days');
    expect(weekly).toHaveTextContent('Asia/Shanghai');
    // Next run in the schedule's own zone, and its last run was missed.
    expect(weekly).toHaveTextContent('2026-12-09 08:00:00');
    expect(within(weekly).getByText('Missed')).toBeInTheDocument();
    expect(within(weekly).getByText('Active')).toBeInTheDocument();
    const nightly = screen.getByRole('row', { name: 'nightly-daily' });
    expect(nightly).toHaveTextContent('Daily at 02:00:00');
    expect(within(nightly).getByText('Partial')).toBeInTheDocument();
    expect(within(screen.getByRole('row', { name: 'paused-monthly' })).getByText('Paused')).toBeInTheDocument();

    expect(screen.queryByRole('button', { name: 'New schedule' })).not.toBeInTheDocument();
    for (const name of ['Edit', 'Pause', 'Resume', 'Run now', 'Cancel schedule']) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    }
  });

  it('lets an editor pause, resume and run now, with a link to follow the run', async () => {
    setGrafanaRole('Editor');
    const calls: string[] = [];
    const record = (key: string, data: unknown) => () => {
      calls.push(key);
      return ok(data);
    };
    installFixtures({
      ...base,
      'POST schedules/s-weekly/pause': record('pause', { ...schedules[0], status: 'paused' }),
      'POST schedules/s-paused/resume': record('resume', { ...schedules[2], status: 'active' }),
      'POST schedules/s-daily/run-now': () => {
        calls.push('run-now');
        return { status: 202, data: { ...inspections[0], id: 'in-77', state: 'queued' } };
      },
    });
    const { user } = renderWithRouter(<Schedules />);
    const weekly = await screen.findByRole('row', { name: 'weekly-security' });
    expect(within(weekly).queryByRole('button', { name: 'Resume' })).not.toBeInTheDocument();
    await user.click(within(weekly).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(calls).toEqual(['pause']));

    const paused = screen.getByRole('row', { name: 'paused-monthly' });
    expect(within(paused).queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();
    await user.click(within(paused).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(calls).toEqual(['pause', 'resume']));

    await user.click(
      within(screen.getByRole('row', { name: 'nightly-daily' })).getByRole('button', { name: 'Run now' })
    );
    const follow = await screen.findByRole('link', { name: 'Follow the run of nightly-daily' });
    expect(follow).toHaveAttribute('href', '/a/dbpatrol-inspection-app/inspect?inspection=in-77');
    expect(calls).toEqual(['pause', 'resume', 'run-now']);
  });

  it('cancels a schedule by name only after the name is typed', async () => {
    setGrafanaRole('Editor');
    const cancelled: string[] = [];
    installFixtures({
      ...base,
      'DELETE schedules/by-name/weekly-security': () => {
        cancelled.push('weekly-security');
        return { status: 204, data: undefined };
      },
    });
    const { user } = renderWithRouter(<Schedules />);
    const weekly = await screen.findByRole('row', { name: 'weekly-security' });
    await user.click(within(weekly).getByRole('button', { name: 'Cancel schedule' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Cancel schedule weekly-security');
    expect(dialog).toHaveTextContent('Schedule weekly-security stops for good');
    const confirm = within(dialog).getByRole('button', { name: 'Cancel schedule' });
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByRole('textbox'), 'weekly-securit');
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByRole('textbox'), 'y');
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    await waitFor(() => expect(cancelled).toEqual(['weekly-security']));
  });

  it("creates a cron schedule with the backend's live preview and its field errors on the fields", async () => {
    setGrafanaRole('Editor');
    const previews: ScheduleInput[] = [];
    let created: ScheduleInput | undefined;
    installFixtures({
      ...base,
      'POST schedules/preview': (request) => {
        const body = request.data as ScheduleInput & { count?: number };
        previews.push(body);
        expect(body.count).toBe(5);
        if (!body.instanceIds?.length) {
          return invalid('instanceIds', 'must list at least one instance');
        }
        if (body.frequency.kind === 'cron' && body.frequency.expression.split(' ').length !== 6) {
          return invalid('frequency.expression', 'is not a valid cron expression: Validation error, got 4 fields');
        }
        return ok({ items: wednesdays });
      },
      'POST schedules': (request) => {
        const body = request.data as ScheduleInput;
        if (body.name === 'weekly-security') {
          return {
            status: 409,
            data: { error: { code: 'conflict', message: 'a schedule named weekly-security exists' } },
          };
        }
        if (body.name === 'BAD NAME') {
          return invalid('name', 'must be letters, digits, dot, dash or underscore');
        }
        created = body;
        return { status: 201, data: { ...schedules[0], ...body, id: 's-new' } };
      },
    });
    const { user } = renderWithRouter(<Schedules previewDelayMs={10} />);
    await user.click(await screen.findByRole('button', { name: 'New schedule' }));
    const form = await screen.findByTestId('data-testid schedule-form');
    // The preview runs on the unsaved form: no instance picked yet is the backend's complaint, on that field.
    expect(await within(form).findByText('must list at least one instance')).toBeInTheDocument();
    await user.click(within(form).getByRole('checkbox', { name: 'crm-postgres on crm-pg-01' }));
    await waitFor(() => expect(within(form).queryByText('must list at least one instance')).not.toBeInTheDocument());

    await user.click(within(form).getByRole('radio', { name: 'Cron' }));
    const cron = within(form).getByLabelText(/^Cron expression/);
    await user.clear(cron);
    await user.type(cron, '0 8 * 3');
    expect(await within(form).findByText(/is not a valid cron expression/)).toBeInTheDocument();
    expect(within(form).getByText('No preview: the form has problems')).toBeInTheDocument();

    await user.clear(cron);
    await user.type(cron, '0 0 8 * * 3');
    const preview = within(form).getByTestId('data-testid schedule-preview');
    await waitFor(() => expect(within(preview).getAllByRole('listitem')).toHaveLength(5));
    expect(within(form).queryByText(/is not a valid cron expression/)).not.toBeInTheDocument();
    expect(previews.at(-1)).toEqual(
      expect.objectContaining({ frequency: { kind: 'cron', expression: '0 0 8 * * 3' }, instanceIds: ['i-crm-pg'] })
    );

    const windowDays = within(form).getByLabelText(/^Window \(days\)/);
    await user.clear(windowDays);
    await user.type(windowDays, '3');
    await user.click(within(form).getByRole('radio', { name: 'Skip' }));

    const name = within(form).getByLabelText('Name');
    await user.type(name, 'BAD NAME');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('must be letters, digits, dot, dash or underscore')).toBeInTheDocument();

    await user.clear(name);
    await user.type(name, 'weekly-security');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('a schedule named weekly-security exists')).toBeInTheDocument();

    await user.clear(name);
    await user.type(name, 'crm-wednesday');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByTestId('data-testid schedule-form')).not.toBeInTheDocument());
    expect(created).toEqual({
      name: 'crm-wednesday',
      instanceIds: ['i-crm-pg'],
      tier: 'daily',
      frequency: { kind: 'cron', expression: '0 0 8 * * 3' },
      time: '02:00:00',
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      windowDays: 3,
      catchUp: 'skip',
    });
  });

  it('edits a weekly schedule: the form holds its values and the save is a patch', async () => {
    setGrafanaRole('Editor');
    let patch: Partial<ScheduleInput> | undefined;
    installFixtures({
      ...base,
      'POST schedules/preview': ok({ items: wednesdays }),
      'PATCH schedules/s-weekly': (request) => {
        patch = request.data as Partial<ScheduleInput>;
        return ok({ ...schedules[0], ...patch });
      },
    });
    const { user } = renderWithRouter(<Schedules previewDelayMs={10} />);
    await user.click(
      within(await screen.findByRole('row', { name: 'weekly-security' })).getByRole('button', { name: 'Edit' })
    );
    const form = await screen.findByTestId('data-testid schedule-form');
    expect(within(form).getByLabelText('Name')).toBeDisabled();
    // Its tier and its frequency are both weekly.
    expect(within(form).getAllByRole('radio', { name: 'Weekly', checked: true })).toHaveLength(2);
    expect(within(form).getByRole('radio', { name: 'Wednesday' })).toBeChecked();
    expect(within(form).getByRole('radio', { name: 'Selector' })).toBeChecked();
    await user.click(within(form).getByRole('radio', { name: 'Friday' }));
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(patch).toBeDefined());
    expect(patch).toEqual(
      expect.objectContaining({
        name: 'weekly-security',
        selector: { businessId: 'b-pay' },
        frequency: { kind: 'weekly', dayOfWeek: 5 },
        timezone: 'Asia/Shanghai',
      })
    );
  });

  it('renders in Simplified Chinese', async () => {
    await useSimplifiedChinese();
    try {
      setGrafanaRole('Editor');
      installFixtures(base);
      renderWithRouter(<Schedules />);
      const weekly = await screen.findByRole('row', { name: 'weekly-security' });
      expect(weekly).toHaveTextContent('每周星期三 02:00:00');
      expect(weekly).toHaveTextContent('业务 Payments');
      expect(within(weekly).getByRole('button', { name: '立即运行' })).toBeInTheDocument();
      expect(screen.getByRole('button', { name: '新建计划' })).toBeInTheDocument();
      expect(screen.getByRole('columnheader', { name: '下次运行' })).toBeInTheDocument();
    } finally {
      await useEnglish();
    }
  });
});
