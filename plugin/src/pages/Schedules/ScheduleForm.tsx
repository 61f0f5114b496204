import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import {
  Alert,
  Button,
  Checkbox,
  Field,
  FilterInput,
  Input,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
  Text,
  TimeZonePicker,
  useStyles2,
} from '@grafana/ui';

import { TIERS } from '../../api/inspections';
import type { Business, Host, Instance } from '../../api/inventory';
import { schedulesApi, type Schedule } from '../../api/schedules';
import { ApiErrorAlert } from '../../components/ApiErrorAlert/ApiErrorAlert';
import { tierLabel } from '../../components/labels/labels';
import { fieldError, hasUnplacedError } from '../Inventory/components/fieldError';
import {
  emptyForm,
  formOf,
  inputOf,
  TIER_WINDOW_DAYS,
  weekdayName,
  type FrequencyKind,
  type ScheduleForm as Form,
} from './schedules.utils';
import { useDebouncedPreview } from './useDebouncedPreview';
import { RAW_VALUES } from '../../i18n-values';

/** Where the backend reports problems with each field of the form. */
const PLACED = [
  'name',
  'tier',
  'frequency.dayOfWeek',
  'frequency.dayOfMonth',
  'frequency.month',
  'frequency.expression',
  'time',
  'timezone',
  'windowDays',
  'catchUp',
  'maxLatenessSeconds',
  'instanceIds',
  'selector',
  'selector.businessId',
  'selector.labels',
];

interface Props {
  schedule?: Schedule;
  inventory: { businesses: Business[]; hosts: Host[]; instances: Instance[] };
  previewDelayMs: number;
  onSaved: (saved: Schedule) => void;
  onCancel: () => void;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Create or edit a schedule, with the backend's preview of its next fire times as the form changes. */
export function ScheduleForm({ schedule, inventory, previewDelayMs, onSaved, onCancel }: Props) {
  const styles = useStyles2(getStyles);
  const [form, setForm] = useState<Form>(() => (schedule ? formOf(schedule) : emptyForm(browserZone())));
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [instanceSearch, setInstanceSearch] = useState('');

  const input = useMemo(() => inputOf(form), [form]);
  // The preview does not need a name yet; the save does.
  const preview = useDebouncedPreview({ ...input, name: input.name || 'preview' }, previewDelayMs);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setSaveError(undefined);
    setForm((f) => ({ ...f, [key]: value }));
  };

  /** A field's error: the failed save's if any, else the preview's (the same validation, live). */
  const err = (path: string) => {
    const fromSave = fieldError(saveError, path);
    const found = fromSave.invalid ? fromSave : fieldError(preview.loading ? undefined : preview.error, path);
    // Field hands `invalid` to its child, so it is left out unless set.
    return found.invalid ? found : {};
  };

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      onSaved(schedule ? await schedulesApi.update(schedule.id, input) : await schedulesApi.create(input));
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const hostName = (id: string) => inventory.hosts.find((h) => h.id === id)?.name ?? id;
  const needle = instanceSearch.trim().toLowerCase();
  const shownInstances = inventory.instances.filter(
    (i) => needle === '' || i.name.toLowerCase().includes(needle) || hostName(i.hostId).toLowerCase().includes(needle)
  );
  const toggleInstance = (id: string) =>
    set(
      'instanceIds',
      form.instanceIds.includes(id) ? form.instanceIds.filter((x) => x !== id) : [...form.instanceIds, id]
    );

  const frequencyKinds: Array<{ label: string; value: FrequencyKind }> = [
    { label: t('schedules.kind.daily', 'Daily'), value: 'daily' },
    { label: t('schedules.kind.weekly', 'Weekly'), value: 'weekly' },
    { label: t('schedules.kind.monthly', 'Monthly'), value: 'monthly' },
    { label: t('schedules.kind.semiannual', 'Semi-annual'), value: 'semiannual' },
    { label: t('schedules.kind.annual', 'Annual'), value: 'annual' },
    { label: t('schedules.kind.cron', 'Cron'), value: 'cron' },
  ];
  const hasDay = form.kind === 'monthly' || form.kind === 'semiannual' || form.kind === 'annual';

  return (
    <div className={styles.columns} data-testid="data-testid schedule-form">
      <div>
        <Field label={t('schedules.form.name', 'Name')} {...err('name')}>
          <Input
            id="schedule-name"
            value={form.name}
            disabled={schedule !== undefined}
            onChange={(e) => set('name', e.currentTarget.value)}
          />
        </Field>
        <Field label={t('schedules.form.tier', 'Tier')} {...err('tier')}>
          <RadioButtonGroup
            options={TIERS.map((value) => ({ label: tierLabel(value), value }))}
            value={form.tier}
            onChange={(tier) => {
              setSaveError(undefined);
              setForm((f) => ({ ...f, tier, windowDays: TIER_WINDOW_DAYS[tier] }));
            }}
          />
        </Field>
        <Field label={t('schedules.form.frequency', 'Frequency')}>
          <RadioButtonGroup options={frequencyKinds} value={form.kind} onChange={(kind) => set('kind', kind)} />
        </Field>
        {form.kind === 'weekly' && (
          <Field label={t('schedules.form.weekday', 'Weekday')} {...err('frequency.dayOfWeek')}>
            <RadioButtonGroup
              options={[1, 2, 3, 4, 5, 6, 0].map((value) => ({ label: weekdayName(value), value }))}
              value={form.dayOfWeek}
              onChange={(day) => set('dayOfWeek', day)}
            />
          </Field>
        )}
        {(form.kind === 'semiannual' || form.kind === 'annual') && (
          <Field
            label={
              form.kind === 'semiannual'
                ? t('schedules.form.firstMonth', 'First month (the second is six months later)')
                : t('schedules.form.monthOfYear', 'Month')
            }
            {...err('frequency.month')}
          >
            <RadioButtonGroup
              options={Array.from({ length: form.kind === 'semiannual' ? 6 : 12 }, (_, i) => ({
                label: String(i + 1),
                value: i + 1,
              }))}
              value={form.month}
              onChange={(month) => set('month', month)}
            />
          </Field>
        )}
        {hasDay && (
          <Field label={t('schedules.form.dayOfMonth', 'Day of the month')} {...err('frequency.dayOfMonth')}>
            <>
              <Stack gap={2} alignItems="center">
                <Input
                  id="schedule-day"
                  type="number"
                  width={10}
                  min={1}
                  max={31}
                  disabled={form.dayOfMonth === 'last'}
                  value={form.dayOfMonth === 'last' ? '' : form.dayOfMonth}
                  onChange={(e) => set('dayOfMonth', Number(e.currentTarget.value))}
                />
                <Checkbox
                  label={t('schedules.form.lastDay', 'Last day of the month')}
                  value={form.dayOfMonth === 'last'}
                  onChange={(e) => set('dayOfMonth', e.currentTarget.checked ? 'last' : 1)}
                />
              </Stack>
            </>
          </Field>
        )}
        {form.kind === 'cron' ? (
          <Field
            label={t('schedules.form.cron', 'Cron expression')}
            description={t(
              'schedules.form.cronHelp',
              'Six fields with seconds (second minute hour day month weekday), evaluated in the time zone below'
            )}
            {...err('frequency.expression')}
          >
            <Input
              id="schedule-cron"
              value={form.expression}
              onChange={(e) => set('expression', e.currentTarget.value)}
            />
          </Field>
        ) : (
          <Field label={t('schedules.form.time', 'Time (HH:MM:SS)')} {...err('time')}>
            <Input
              id="schedule-time"
              width={14}
              value={form.time}
              onChange={(e) => set('time', e.currentTarget.value)}
            />
          </Field>
        )}
        <Field label={t('schedules.form.timezone', 'Time zone')} {...err('timezone')}>
          <TimeZonePicker
            inputId="schedule-timezone"
            value={form.timezone}
            onChange={(zone) => zone && set('timezone', zone)}
          />
        </Field>
        <Field
          label={t('schedules.form.windowDays', 'Window (days)')}
          description={t('schedules.form.windowHelp', 'Each run inspects the days before its scheduled fire time')}
          {...err('windowDays')}
        >
          <Input
            id="schedule-window"
            type="number"
            width={12}
            min={1}
            value={form.windowDays}
            onChange={(e) => set('windowDays', Number(e.currentTarget.value))}
          />
        </Field>
        <Field
          label={t('schedules.form.catchUp', 'Catch-up after downtime')}
          description={t(
            'schedules.form.catchUpHelp',
            'Latest: run the missed occurrence once if it is not too late; skip: record it as missed'
          )}
          {...err('catchUp')}
        >
          <RadioButtonGroup
            options={[
              { label: t('schedules.form.catchUpLatest', 'Latest'), value: 'latest' as const },
              { label: t('schedules.form.catchUpSkip', 'Skip'), value: 'skip' as const },
            ]}
            value={form.catchUp}
            onChange={(catchUp) => set('catchUp', catchUp)}
          />
        </Field>
        <Field
          label={t('schedules.form.maxLateness', 'Max lateness (minutes)')}
          description={t('schedules.form.maxLatenessHelp', 'Empty: one period')}
          {...err('maxLatenessSeconds')}
        >
          <Input
            id="schedule-lateness"
            type="number"
            width={14}
            min={0}
            value={form.maxLatenessMinutes}
            onChange={(e) => set('maxLatenessMinutes', e.currentTarget.value)}
          />
        </Field>
        <Field label={t('schedules.form.targets', 'Targets')} {...err('selector')}>
          <RadioButtonGroup
            options={[
              { label: t('schedules.form.targetInstances', 'Instances'), value: 'instances' as const },
              { label: t('schedules.form.targetSelector', 'Selector'), value: 'selector' as const },
            ]}
            value={form.targetKind}
            onChange={(kind) => set('targetKind', kind)}
          />
        </Field>
        {form.targetKind === 'instances' ? (
          <Field label={t('schedules.form.instances', 'Instances')} {...err('instanceIds')}>
            <>
              <FilterInput
                placeholder={t('schedules.form.searchInstances', 'Search instances')}
                value={instanceSearch}
                onChange={setInstanceSearch}
              />
              <ul className={styles.list}>
                {shownInstances.map((i) => (
                  <li key={i.id}>
                    <Checkbox
                      label={t('schedules.form.instanceOnHost', '{{instance}} on {{host}}', {
                        ...RAW_VALUES,
                        instance: i.name,
                        host: hostName(i.hostId),
                      })}
                      value={form.instanceIds.includes(i.id)}
                      onChange={() => toggleInstance(i.id)}
                    />
                  </li>
                ))}
              </ul>
            </>
          </Field>
        ) : (
          <>
            <Field label={t('schedules.form.business', 'Business')} {...err('selector.businessId')}>
              <RadioButtonGroup
                options={[
                  { label: t('schedules.form.anyBusiness', 'Any'), value: '' },
                  ...inventory.businesses.map((b) => ({ label: b.name, value: b.id })),
                ]}
                value={form.businessId}
                onChange={(id) => set('businessId', id)}
              />
            </Field>
            <Field
              label={t('schedules.form.labels', 'Labels')}
              description={t('schedules.form.labelsHelp', 'Comma-separated key=value, e.g. env=prod, role=primary')}
              {...err('selector.labels')}
            >
              <Input id="schedule-labels" value={form.labels} onChange={(e) => set('labels', e.currentTarget.value)} />
            </Field>
          </>
        )}
        {saveError !== undefined && hasUnplacedError(saveError, PLACED) && <ApiErrorAlert error={saveError} />}
        <Stack gap={1}>
          <Button onClick={save} disabled={saving}>
            {t('schedules.form.save', 'Save')}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            {t('schedules.form.cancel', 'Cancel')}
          </Button>
        </Stack>
      </div>
      <section aria-label={t('schedules.preview.title', 'Next fire times')} data-testid="data-testid schedule-preview">
        <Text element="h4">{t('schedules.preview.title', 'Next fire times')}</Text>
        {preview.loading && !preview.items && (
          <LoadingPlaceholder text={t('schedules.preview.loading', 'Computing…')} />
        )}
        {!preview.loading && preview.error !== undefined && (
          <Alert severity="warning" title={t('schedules.preview.invalid', 'No preview: the form has problems')}>
            {t('schedules.preview.fix', 'Fix the fields marked in red.')}
          </Alert>
        )}
        {preview.items && preview.error === undefined && (
          <ol className={styles.list}>
            {preview.items.map((o) => (
              <li key={o.fireAt}>
                <Text>{dateTimeFormat(o.fireAt, { timeZone: form.timezone })}</Text>{' '}
                <Text color="secondary">
                  {t('schedules.preview.window', 'window {{from}} – {{to}}', {
                    ...RAW_VALUES,
                    from: dateTimeFormat(o.window.from, { timeZone: form.timezone }),
                    to: dateTimeFormat(o.window.to, { timeZone: form.timezone }),
                  })}
                </Text>
              </li>
            ))}
          </ol>
        )}
        <Text color="secondary">
          {t('schedules.preview.zone', 'Times in {{zone}}', { ...RAW_VALUES, zone: form.timezone })}
        </Text>
      </section>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  columns: css`
    display: grid;
    grid-template-columns: minmax(420px, 3fr) minmax(280px, 2fr);
    gap: ${theme.spacing(3)};
  `,
  list: css`
    list-style: none;
    padding: 0;
    margin: ${theme.spacing(1, 0)};
    li {
      margin-bottom: ${theme.spacing(0.5)};
    }
  `,
});
