import React, { useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  Button,
  ConfirmModal,
  Drawer,
  EmptyState,
  LoadingPlaceholder,
  Stack,
  TextLink,
  useStyles2,
  type BadgeColor,
} from '@grafana/ui';

import { inspectionsApi, type Inspection } from '../../api/inspections';
import { inventoryApi } from '../../api/inventory';
import { schedulesApi, type Schedule, type ScheduleStatus } from '../../api/schedules';
import { ApiErrorAlert } from '../../components/ApiErrorAlert/ApiErrorAlert';
import { stateColor, stateLabel, tierLabel } from '../../components/labels/labels';
import { prefixRoute, ROUTES } from '../../constants';
import { useAsync } from '../../hooks/useAsync';
import { usePermissions } from '../../hooks/useGrafanaRole';
import { ScheduleForm } from './ScheduleForm';
import { frequencyText, lastRunBySchedule, targetsText } from './schedules.utils';
import { RAW_VALUES } from '../../i18n-values';

async function loadSchedules() {
  const [schedules, runs, businesses, hosts, instances] = await Promise.all([
    schedulesApi.list(),
    inspectionsApi.list({ limit: 500 }),
    inventoryApi.listBusinesses(),
    inventoryApi.listHosts(),
    inventoryApi.listInstances(),
  ]);
  return { schedules, lastRuns: lastRunBySchedule(runs), inventory: { businesses, hosts, instances } };
}

function statusLabel(status: ScheduleStatus): string {
  switch (status) {
    case 'active':
      return t('schedules.status.active', 'Active');
    case 'paused':
      return t('schedules.status.paused', 'Paused');
    case 'cancelled':
      return t('schedules.status.cancelled', 'Cancelled');
  }
}

/** An empty cell. */
const NONE = '\u2013';

const STATUS_COLOR: Record<ScheduleStatus, BadgeColor> = { active: 'green', paused: 'orange', cancelled: 'darkgrey' };

interface Props {
  /** Delay between the last change of the form and the preview request. */
  previewDelayMs?: number;
}

/** Schedules: the list with its actions for editors, and the create/edit form with a live preview. */
export function Schedules({ previewDelayMs = 400 }: Props) {
  const styles = useStyles2(getStyles);
  const perms = usePermissions();
  const { data, error, loading, reload } = useAsync(loadSchedules, []);
  const [editing, setEditing] = useState<{ schedule?: Schedule }>();
  const [cancelling, setCancelling] = useState<Schedule>();
  const [actionError, setActionError] = useState<unknown>();
  const [started, setStarted] = useState<{ schedule: Schedule; run: Inspection }>();

  const act = async (action: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await action();
      reload();
    } catch (err) {
      setActionError(err);
    }
  };

  const runNow = (schedule: Schedule) =>
    act(async () => setStarted({ schedule, run: await schedulesApi.runNow(schedule.id) }));

  if (loading && !data) {
    return (
      <PluginPage>
        <LoadingPlaceholder text={t('schedules.loading', 'Loading schedules…')} />
      </PluginPage>
    );
  }

  return (
    <PluginPage>
      {error !== undefined && <ApiErrorAlert error={error} title={t('schedules.error', 'Could not load schedules')} />}
      {actionError !== undefined && <ApiErrorAlert error={actionError} onRemove={() => setActionError(undefined)} />}
      {started && (
        <Alert
          severity="success"
          title={t('schedules.started.title', 'Run started')}
          onRemove={() => setStarted(undefined)}
        >
          <TextLink href={`${prefixRoute(ROUTES.Inspect)}?inspection=${encodeURIComponent(started.run.id)}`} inline>
            {t('schedules.started.follow', 'Follow the run of {{name}}', {
              ...RAW_VALUES,
              name: started.schedule.name,
            })}
          </TextLink>
        </Alert>
      )}
      {perms.canEditSchedules && (
        <Button icon="plus" onClick={() => setEditing({})}>
          {t('schedules.actions.create', 'New schedule')}
        </Button>
      )}
      {data && data.schedules.length === 0 && (
        <EmptyState variant="call-to-action" message={t('schedules.empty', 'No schedules yet')}>
          {perms.canEditSchedules
            ? t('schedules.emptyEditor', 'Create one to inspect instances regularly.')
            : t('schedules.emptyViewer', 'An editor of your organization creates schedules.')}
        </EmptyState>
      )}
      {data && data.schedules.length > 0 && (
        <table className={styles.table} data-testid="data-testid schedules-table">
          <thead>
            <tr>
              <th>{t('schedules.column.name', 'Name')}</th>
              <th>{t('schedules.column.targets', 'Targets')}</th>
              <th>{t('schedules.column.tier', 'Tier')}</th>
              <th>{t('schedules.column.frequency', 'Frequency')}</th>
              <th>{t('schedules.column.timezone', 'Time zone')}</th>
              <th>{t('schedules.column.next', 'Next run')}</th>
              <th>{t('schedules.column.lastRun', 'Last run')}</th>
              <th>{t('schedules.column.status', 'Status')}</th>
              {perms.canEditSchedules && <th>{t('schedules.column.actions', 'Actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {data.schedules.map((s) => {
              const last = data.lastRuns.get(s.id);
              return (
                <tr key={s.id} aria-label={s.name}>
                  <td>{s.name}</td>
                  <td>{targetsText(s, data.inventory)}</td>
                  <td>{tierLabel(s.tier)}</td>
                  <td>
                    {frequencyText(s.frequency, s.time)}
                    <div className={styles.secondary}>
                      {t('schedules.windowDays', 'window {{days}} days', { ...RAW_VALUES, days: s.windowDays })}
                    </div>
                  </td>
                  <td>{s.timezone}</td>
                  <td>{s.nextFireAt ? dateTimeFormat(s.nextFireAt, { timeZone: s.timezone }) : NONE}</td>
                  <td>{last ? <Badge color={stateColor(last.state)} text={stateLabel(last.state)} /> : NONE}</td>
                  <td>
                    <Badge color={STATUS_COLOR[s.status]} text={statusLabel(s.status)} />
                  </td>
                  {perms.canEditSchedules && (
                    <td>
                      <Stack gap={0.5} wrap="wrap">
                        <Button size="sm" variant="secondary" icon="pen" onClick={() => setEditing({ schedule: s })}>
                          {t('schedules.actions.edit', 'Edit')}
                        </Button>
                        {s.status === 'active' && (
                          <Button
                            size="sm"
                            variant="secondary"
                            icon="pause"
                            onClick={() => act(() => schedulesApi.pause(s.id))}
                          >
                            {t('schedules.actions.pause', 'Pause')}
                          </Button>
                        )}
                        {s.status === 'paused' && (
                          <Button
                            size="sm"
                            variant="secondary"
                            icon="play"
                            onClick={() => act(() => schedulesApi.resume(s.id))}
                          >
                            {t('schedules.actions.resume', 'Resume')}
                          </Button>
                        )}
                        <Button size="sm" variant="secondary" icon="bolt" onClick={() => runNow(s)}>
                          {t('schedules.actions.runNow', 'Run now')}
                        </Button>
                        <Button size="sm" variant="destructive" icon="trash-alt" onClick={() => setCancelling(s)}>
                          {t('schedules.actions.cancel', 'Cancel schedule')}
                        </Button>
                      </Stack>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {editing && data && (
        <Drawer
          title={
            editing.schedule
              ? t('schedules.form.editTitle', 'Edit schedule {{name}}', { ...RAW_VALUES, name: editing.schedule.name })
              : t('schedules.form.createTitle', 'New schedule')
          }
          size="lg"
          onClose={() => setEditing(undefined)}
        >
          <ScheduleForm
            schedule={editing.schedule}
            inventory={data.inventory}
            previewDelayMs={previewDelayMs}
            onCancel={() => setEditing(undefined)}
            onSaved={() => {
              setEditing(undefined);
              reload();
            }}
          />
        </Drawer>
      )}
      <ConfirmModal
        isOpen={cancelling !== undefined}
        title={t('schedules.cancel.title', 'Cancel schedule {{name}}', { ...RAW_VALUES, name: cancelling?.name ?? '' })}
        body={t(
          'schedules.cancel.body',
          'Schedule {{name}} stops for good: its queued run is dropped and it cannot be resumed. Its reports stay.',
          { ...RAW_VALUES, name: cancelling?.name ?? '' }
        )}
        description={t('schedules.cancel.typeName', 'Type the schedule name to confirm.')}
        confirmationText={cancelling?.name ?? ''}
        confirmText={t('schedules.cancel.confirm', 'Cancel schedule')}
        dismissText={t('schedules.cancel.dismiss', 'Keep it')}
        onConfirm={async () => {
          const name = cancelling?.name;
          setCancelling(undefined);
          if (name) {
            await act(() => schedulesApi.cancelByName(name));
          }
        }}
        onDismiss={() => setCancelling(undefined)}
      />
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css`
    width: 100%;
    margin-top: ${theme.spacing(2)};
    th,
    td {
      padding: ${theme.spacing(0.75, 1)};
      border-bottom: 1px solid ${theme.colors.border.weak};
      text-align: left;
      vertical-align: top;
    }
  `,
  secondary: css`
    color: ${theme.colors.text.secondary};
    font-size: ${theme.typography.bodySmall.fontSize};
  `,
});
