import React, { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { css } from '@emotion/css';
import { dateTime, dateTimeFormat, type GrafanaTheme2, type TimeRange } from '@grafana/data';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import {
  Badge,
  Button,
  Combobox,
  EmptyState,
  Field,
  Input,
  InteractiveTable,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
  Text,
  TextLink,
  TimeRangeInput,
  useStyles2,
  type Column,
} from '@grafana/ui';

import { TIERS, type Tier } from '../../api/inspections';
import { inventoryApi } from '../../api/inventory';
import { reportsApi, SEVERITIES, type ReportFilter, type ReportSummary, type Severity } from '../../api/reports';
import { schedulesApi } from '../../api/schedules';
import { ApiErrorAlert } from '../../components/ApiErrorAlert/ApiErrorAlert';
import { engineLabel, healthColor, healthLabel, tierLabel } from '../../components/labels/labels';
import { reportTestIds } from './reportTestIds';
import { prefixRoute, ROUTES } from '../../constants';
import { useAsync } from '../../hooks/useAsync';
import { nextCursor, rangeToFilter } from './reports.utils';
import { RAW_VALUES } from '../../i18n-values';

export const REPORTS_PAGE_SIZE = 50;

/** Filters live in the URL, so a filtered list can be shared and other pages can link to it. */
const FILTER_KEYS = ['businessId', 'instanceId', 'scheduleId', 'inspectionId', 'tier', 'severity', 'from', 'to'];

async function loadChoices() {
  const [businesses, hosts, instances, schedules] = await Promise.all([
    inventoryApi.listBusinesses(),
    inventoryApi.listHosts(),
    inventoryApi.listInstances(),
    schedulesApi.list({ status: 'all' }),
  ]);
  return { businesses, hosts, instances, schedules };
}

function filterFromParams(params: URLSearchParams): ReportFilter {
  const get = (key: string) => params.get(key) || undefined;
  const tier = get('tier');
  const severity = get('severity');
  return {
    businessId: get('businessId'),
    instanceId: get('instanceId'),
    scheduleId: get('scheduleId'),
    inspectionId: get('inspectionId'),
    tier: TIERS.includes(tier as Tier) ? (tier as Tier) : undefined,
    severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : undefined,
    from: get('from'),
    to: get('to'),
    before: get('before'),
  };
}

export function ReportList() {
  const styles = useStyles2(getStyles);
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const [newerCursors, setNewerCursors] = useState<Array<string | undefined>>([]);
  const [inspectionText, setInspectionText] = useState(filter.inspectionId ?? '');
  const choices = useAsync(loadChoices, []);
  const reports = useAsync(() => reportsApi.list({ ...filter, limit: REPORTS_PAGE_SIZE }), [filter]);

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) {
        next.set(key, value);
      } else {
        next.delete(key);
      }
    }
    if (Object.keys(changes).some((k) => FILTER_KEYS.includes(k))) {
      next.delete('before');
      setNewerCursors([]);
    }
    setParams(next);
  };

  const range: TimeRange | undefined =
    filter.from && filter.to
      ? {
          from: dateTime(filter.from),
          to: dateTime(filter.to),
          raw: { from: dateTime(filter.from), to: dateTime(filter.to) },
        }
      : undefined;
  const emptyRange: TimeRange = { from: dateTime(), to: dateTime(), raw: { from: '', to: '' } };

  const hostsOfBusiness = new Set(
    (choices.data?.hosts ?? []).filter((h) => h.businessId === filter.businessId).map((h) => h.id)
  );
  const instances = (choices.data?.instances ?? []).filter((i) => !filter.businessId || hostsOfBusiness.has(i.hostId));

  const columns = useMemo<Array<Column<ReportSummary>>>(
    () => [
      {
        id: 'instanceName',
        header: t('reports.list.instance', 'Instance'),
        cell: ({ row }) => (
          <TextLink href={prefixRoute(`${ROUTES.Reports}/${row.original.id}`)} inline={false}>
            {row.original.instanceName}
          </TextLink>
        ),
      },
      { id: 'engine', header: t('reports.list.engine', 'Engine'), cell: ({ row }) => engineLabel(row.original.engine) },
      { id: 'tier', header: t('reports.list.tier', 'Tier'), cell: ({ row }) => tierLabel(row.original.tier) },
      {
        id: 'score',
        header: t('reports.list.score', 'Score'),
        cell: ({ row }) => <Text weight="medium">{row.original.score}</Text>,
      },
      {
        id: 'maxSeverity',
        header: t('reports.list.worst', 'Worst finding'),
        cell: ({ row }) =>
          row.original.maxSeverity ? (
            <Badge color={healthColor(row.original.maxSeverity)} text={healthLabel(row.original.maxSeverity)} />
          ) : !row.original.reachable ? (
            <Badge color="red" text={t('reports.list.unreachable', 'Unreachable')} />
          ) : (
            <Badge color="green" text={t('reports.list.clean', 'No findings')} />
          ),
      },
      {
        id: 'counts',
        header: t('reports.list.counts', 'Failed / errors / skipped'),
        cell: ({ row }) =>
          `${row.original.counts.fail} / ${row.original.counts.error} / ${row.original.counts.skipped}`,
      },
      {
        id: 'window',
        header: t('reports.list.window', 'Window'),
        cell: ({ row }) => `${dateTimeFormat(row.original.window.from)} – ${dateTimeFormat(row.original.window.to)}`,
      },
      {
        id: 'startedAt',
        header: t('reports.list.started', 'Started'),
        cell: ({ row }) => dateTimeFormat(row.original.startedAt),
      },
      {
        id: 'trigger',
        header: t('reports.list.trigger', 'Trigger'),
        cell: ({ row }) =>
          row.original.trigger.kind === 'schedule'
            ? t('reports.list.bySchedule', 'Schedule')
            : row.original.trigger.actor
              ? t('reports.list.byActor', 'Manual ({{actor}})', { ...RAW_VALUES, actor: row.original.trigger.actor })
              : row.original.trigger.kind,
      },
    ],
    []
  );

  const page = reports.data ?? [];
  const older = nextCursor(page, REPORTS_PAGE_SIZE);

  return (
    <PluginPage>
      <div className={styles.filters} data-testid={reportTestIds.filters}>
        <Field label={t('reports.filter.business', 'Business')}>
          <Combobox
            id="reports-business"
            isClearable
            placeholder={t('reports.filter.any', 'Any')}
            options={(choices.data?.businesses ?? []).map((b) => ({ label: b.name, value: b.id }))}
            value={filter.businessId ?? null}
            onChange={(option) => update({ businessId: option?.value, instanceId: undefined })}
          />
        </Field>
        <Field label={t('reports.filter.instance', 'Instance')}>
          <Combobox
            id="reports-instance"
            isClearable
            placeholder={t('reports.filter.any', 'Any')}
            options={instances.map((i) => ({ label: i.name, value: i.id, description: engineLabel(i.engine) }))}
            value={filter.instanceId ?? null}
            onChange={(option) => update({ instanceId: option?.value })}
          />
        </Field>
        <Field label={t('reports.filter.schedule', 'Schedule')}>
          <Combobox
            id="reports-schedule"
            isClearable
            placeholder={t('reports.filter.any', 'Any')}
            options={(choices.data?.schedules ?? []).map((s) => ({ label: s.name, value: s.id }))}
            value={filter.scheduleId ?? null}
            onChange={(option) => update({ scheduleId: option?.value })}
          />
        </Field>
        <Field label={t('reports.filter.inspection', 'Inspection id')}>
          <Input
            id="reports-inspection"
            value={inspectionText}
            placeholder={t('reports.filter.inspectionPlaceholder', 'Any inspection')}
            onChange={(e) => setInspectionText(e.currentTarget.value)}
            onBlur={() => update({ inspectionId: inspectionText.trim() })}
            onKeyDown={(e) => e.key === 'Enter' && update({ inspectionId: inspectionText.trim() })}
          />
        </Field>
        <Field label={t('reports.filter.tier', 'Tier')}>
          <RadioButtonGroup
            options={[
              { label: t('reports.filter.all', 'All'), value: '' },
              ...TIERS.map((tier) => ({ label: tierLabel(tier), value: tier })),
            ]}
            value={filter.tier ?? ''}
            onChange={(tier) => update({ tier })}
          />
        </Field>
        <Field label={t('reports.filter.severity', 'At least one finding')}>
          <RadioButtonGroup
            options={[
              { label: t('reports.filter.all', 'All'), value: '' },
              ...[...SEVERITIES].reverse().map((s) => ({ label: healthLabel(s), value: s })),
            ]}
            value={filter.severity ?? ''}
            onChange={(severity) => update({ severity })}
          />
        </Field>
        <Field label={t('reports.filter.time', 'Started between')}>
          <TimeRangeInput
            value={range ?? emptyRange}
            clearable
            placeholder={t('reports.filter.anyTime', 'Any time')}
            onChange={(next) => update({ from: undefined, to: undefined, ...rangeToFilter(next) })}
          />
        </Field>
      </div>

      {choices.error !== undefined && (
        <ApiErrorAlert error={choices.error} title={t('reports.list.choicesError', 'Could not load the filters')} />
      )}
      {reports.error !== undefined && (
        <ApiErrorAlert error={reports.error} title={t('reports.list.error', 'Could not load the reports')} />
      )}
      {reports.loading && !reports.data ? (
        <LoadingPlaceholder text={t('reports.list.loading', 'Loading reports…')} />
      ) : page.length === 0 && reports.error === undefined ? (
        <EmptyState variant="not-found" message={t('reports.list.empty', 'No reports match these filters')} />
      ) : (
        <div data-testid={reportTestIds.list}>
          <InteractiveTable columns={columns} data={page} getRowId={(r) => r.id} />
        </div>
      )}
      <Stack gap={1} justifyContent="flex-end">
        <Button
          variant="secondary"
          icon="angle-left"
          disabled={!filter.before}
          onClick={() => {
            const cursors = [...newerCursors];
            const previous = cursors.pop();
            setNewerCursors(cursors);
            update({ before: previous });
          }}
        >
          {t('reports.list.newer', 'Newer')}
        </Button>
        <Button
          variant="secondary"
          icon="angle-right"
          disabled={!older || reports.loading}
          onClick={() => {
            setNewerCursors([...newerCursors, filter.before]);
            update({ before: older });
          }}
        >
          {t('reports.list.older', 'Older')}
        </Button>
      </Stack>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  filters: css`
    display: flex;
    flex-wrap: wrap;
    gap: ${theme.spacing(0, 2)};
    align-items: flex-end;
  `,
});
