import React, { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { css } from '@emotion/css';
import { dateTime, dateTimeFormat, type GrafanaTheme2, type TimeRange } from '@grafana/data';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  EmptyState,
  Field,
  FilterInput,
  Input,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
  Text,
  TimeRangeInput,
  useStyles2,
} from '@grafana/ui';

import { inspectionsApi, TIERS, type Tier } from '../../api/inspections';
import { inventoryApi } from '../../api/inventory';
import { ApiErrorAlert } from '../../components/ApiErrorAlert/ApiErrorAlert';
import { engineLabel, tierLabel } from '../../components/labels/labels';
import { useAsync } from '../../hooks/useAsync';
import { usePermissions } from '../../hooks/useGrafanaRole';
import { fieldError } from '../Inventory/components/fieldError';
import {
  checkState,
  DEFAULT_WINDOW_DAYS,
  hostGroups,
  newRequestId,
  runBody,
  selectable,
  toggleAll,
  toggleOne,
  WINDOW_PRESETS,
  type WindowChoice,
} from './inspect.utils';
import { RunProgress } from './RunProgress';
import { useInspectionPoll } from './useInspectionPoll';
import { RAW_VALUES } from '../../i18n-values';

async function loadInventory() {
  const [businesses, hosts, instances] = await Promise.all([
    inventoryApi.listBusinesses(),
    inventoryApi.listHosts(),
    inventoryApi.listInstances(),
  ]);
  return { businesses, hosts, instances };
}

/** Field props: nothing unless the backend named the field (Field passes `invalid` on to its child). */
const onField = (e: { invalid: boolean; error?: string }) => (e.invalid ? e : {});

const initialRange = (): TimeRange => {
  const to = dateTime();
  const from = dateTime(to).subtract(3, 'days');
  return { from, to, raw: { from, to } };
};

interface Props {
  /** How often a running inspection is polled. */
  pollMs?: number;
}

/** Inspect now: choose instances, a tier and a window, run, and follow the run to its reports. */
export function Inspect({ pollMs = 2000 }: Props) {
  const styles = useStyles2(getStyles);
  const perms = usePermissions();
  const [params, setParams] = useSearchParams();
  const { data, error, loading } = useAsync(loadInventory, []);
  const [businessId, setBusinessId] = useState<string>();
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [tier, setTier] = useState<Tier>('daily');
  const [windowKind, setWindowKind] = useState<'days' | 'range'>('days');
  const [days, setDays] = useState<number>(DEFAULT_WINDOW_DAYS.daily);
  const [daysTouched, setDaysTouched] = useState(false);
  const [range, setRange] = useState<TimeRange>(initialRange);
  const [runError, setRunError] = useState<unknown>();
  const [starting, setStarting] = useState(false);
  const [requestId, setRequestId] = useState<string>();

  const inspectionId = params.get('inspection') ?? undefined;
  const poll = useInspectionPoll(inspectionId, pollMs);

  const business = data?.businesses.find((b) => b.id === businessId) ?? data?.businesses[0];
  const groups = useMemo(
    () => (data && business ? hostGroups(business.id, data.hosts, data.instances, search) : []),
    [data, business, search]
  );
  const visibleIds = groups.flatMap((g) => selectable(g.instances));

  const chooseTier = (next: Tier) => {
    setTier(next);
    if (!daysTouched) {
      setDays(DEFAULT_WINDOW_DAYS[next]);
    }
  };

  const windowChoice: WindowChoice =
    windowKind === 'days'
      ? { kind: 'days', days }
      : { kind: 'range', from: range.from.toDate(), to: range.to.toDate() };

  const run = async () => {
    setRunError(undefined);
    setStarting(true);
    // A retry after a failed click keeps its key, so the backend never starts the same run twice.
    const key = requestId ?? newRequestId();
    setRequestId(key);
    try {
      const started = await inspectionsApi.run(
        runBody({ instanceIds: [...selected], tier, window: windowChoice, requestId: key })
      );
      setRequestId(undefined);
      poll.setRun(started);
      setParams({ inspection: started.id });
    } catch (err) {
      setRunError(err);
    } finally {
      setStarting(false);
    }
  };

  const cancel = async () => {
    if (!inspectionId) {
      return;
    }
    setRunError(undefined);
    try {
      poll.setRun(await inspectionsApi.cancel(inspectionId));
    } catch (err) {
      setRunError(err);
    }
  };

  if (loading && !data) {
    return (
      <PluginPage>
        <LoadingPlaceholder text={t('inspect.loading', 'Loading the inventory…')} />
      </PluginPage>
    );
  }

  const daysError = fieldError(runError, 'windowDays');
  const rangeError = fieldError(runError, 'window.from');
  const targetsError = fieldError(runError, 'instanceIds');

  return (
    <PluginPage>
      {error !== undefined && (
        <ApiErrorAlert error={error} title={t('inspect.error', 'Could not load the inventory')} />
      )}
      {!perms.canRun && (
        <Alert severity="info" title={t('inspect.readOnly.title', 'Read-only')}>
          {t('inspect.readOnly.body', 'Running an inspection needs the Grafana role Editor.')}
        </Alert>
      )}
      {data && data.businesses.length === 0 && (
        <EmptyState variant="call-to-action" message={t('inspect.empty', 'There is nothing to inspect yet')}>
          {t('inspect.emptyBody', 'Add a business, a host and an instance on the Inventory page first.')}
        </EmptyState>
      )}
      {data && business && (
        <div className={styles.layout}>
          <section aria-label={t('inspect.targets.title', 'Instances')}>
            <Field label={t('inspect.business', 'Business')}>
              <RadioButtonGroup
                options={data.businesses.map((b) => ({ label: b.name, value: b.id }))}
                value={business.id}
                onChange={(id) => {
                  setBusinessId(id);
                  setSelected(new Set());
                }}
              />
            </Field>
            <Stack gap={1} alignItems="center">
              <div className={styles.search}>
                <FilterInput
                  placeholder={t('inspect.search', 'Search hosts and instances')}
                  value={search}
                  onChange={setSearch}
                />
              </div>
              <Checkbox
                label={t('inspect.selectAll', 'All of {{name}}', { ...RAW_VALUES, name: business.name })}
                value={checkState(visibleIds, selected) === 'all'}
                indeterminate={checkState(visibleIds, selected) === 'some'}
                disabled={!perms.canRun || visibleIds.length === 0}
                onChange={() => setSelected(toggleAll(selected, visibleIds))}
              />
            </Stack>
            <ul className={styles.tree}>
              {groups.map(({ host, instances }) => {
                const hostIds = selectable(instances);
                const state = checkState(hostIds, selected);
                return (
                  <li key={host.id} aria-label={host.name}>
                    <Checkbox
                      label={t('inspect.hostLabel', '{{name}} ({{address}})', {
                        ...RAW_VALUES,
                        name: host.name,
                        address: host.address,
                      })}
                      value={state === 'all'}
                      indeterminate={state === 'some'}
                      disabled={!perms.canRun || hostIds.length === 0}
                      onChange={() => setSelected(toggleAll(selected, hostIds))}
                    />
                    <ul className={styles.tree}>
                      {instances.map((instance) => (
                        <li key={instance.id}>
                          <Stack gap={1} alignItems="center">
                            <Checkbox
                              label={instance.name}
                              value={selected.has(instance.id)}
                              disabled={!perms.canRun || !instance.enabled}
                              onChange={() => setSelected(toggleOne(selected, instance.id))}
                            />
                            <Text color="secondary">
                              {engineLabel(instance.engine)} :{instance.port}
                            </Text>
                            {!instance.enabled && <Badge color="darkgrey" text={t('inspect.disabled', 'Disabled')} />}
                          </Stack>
                        </li>
                      ))}
                    </ul>
                  </li>
                );
              })}
            </ul>
            {groups.length === 0 && <Text color="secondary">{t('inspect.noMatch', 'No instance matches')}</Text>}
            {targetsError.error && <Text color="error">{targetsError.error}</Text>}
          </section>

          <section aria-label={t('inspect.options', 'Options')}>
            <Field label={t('inspect.tier', 'Tier')}>
              <RadioButtonGroup
                options={TIERS.map((value) => ({ label: tierLabel(value), value }))}
                value={tier}
                onChange={chooseTier}
              />
            </Field>
            <Field label={t('inspect.window.title', 'Sampling window')}>
              <RadioButtonGroup
                options={[
                  { label: t('inspect.window.lastDays', 'Last N days'), value: 'days' as const },
                  { label: t('inspect.window.range', 'From – to'), value: 'range' as const },
                ]}
                value={windowKind}
                onChange={setWindowKind}
              />
            </Field>
            {windowKind === 'days' ? (
              <Field label={t('inspect.window.days', 'Days')} {...onField(daysError)}>
                <>
                  <Stack gap={1}>
                    <Input
                      type="number"
                      width={12}
                      min={1}
                      value={days}
                      onChange={(e) => {
                        setDaysTouched(true);
                        setDays(Number(e.currentTarget.value));
                      }}
                    />
                    <RadioButtonGroup
                      aria-label={t('inspect.window.presets', 'Common windows')}
                      options={WINDOW_PRESETS.map((n) => ({ label: String(n), value: n }))}
                      value={days}
                      onChange={(n) => {
                        setDaysTouched(true);
                        setDays(n);
                      }}
                    />
                  </Stack>
                </>
              </Field>
            ) : (
              <Field label={t('inspect.window.absolute', 'From – to')} {...onField(rangeError)}>
                <TimeRangeInput value={range} onChange={setRange} hideQuickRanges />
              </Field>
            )}
            <Text color="secondary">
              {windowKind === 'days'
                ? t('inspect.window.summaryDays', 'Inspects the {{days}} days before the run starts.', {
                    ...RAW_VALUES,
                    days,
                  })
                : t('inspect.window.summaryRange', 'Inspects {{from}} – {{to}}.', {
                    ...RAW_VALUES,
                    from: dateTimeFormat(range.from),
                    to: dateTimeFormat(range.to),
                  })}
            </Text>
            {perms.canRun && (
              <div className={styles.run}>
                <Button icon="play" disabled={selected.size === 0 || starting} onClick={run}>
                  {t('inspect.run', 'Run inspection of {{selected}} instances', {
                    ...RAW_VALUES,
                    selected: selected.size,
                  })}
                </Button>
              </div>
            )}
          </section>
        </div>
      )}
      {runError !== undefined && !daysError.invalid && !rangeError.invalid && !targetsError.invalid && (
        <ApiErrorAlert error={runError} onRemove={() => setRunError(undefined)} />
      )}
      {poll.error !== undefined && (
        <ApiErrorAlert error={poll.error} title={t('inspect.pollError', 'Could not refresh the inspection')} />
      )}
      {poll.run && <RunProgress run={poll.run} canCancel={perms.canRun} onCancel={cancel} />}
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  layout: css`
    display: grid;
    grid-template-columns: minmax(360px, 1fr) minmax(360px, 1fr);
    gap: ${theme.spacing(4)};
    margin-bottom: ${theme.spacing(3)};
  `,
  search: css`
    flex: 1;
    max-width: 360px;
  `,
  tree: css`
    list-style: none;
    padding-left: ${theme.spacing(2)};
    margin: ${theme.spacing(1, 0)};
  `,
  run: css`
    margin-top: ${theme.spacing(2)};
  `,
});
