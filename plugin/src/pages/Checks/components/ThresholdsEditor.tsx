import React, { useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import {
  Button,
  Combobox,
  ConfirmModal,
  Field,
  Input,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';

import { checksApi, type Check, type OverrideScope, type ThresholdOverride } from '../../../api/checks';
import { toApiError } from '../../../api/client';
import { inventoryApi } from '../../../api/inventory';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { useAsync } from '../../../hooks/useAsync';
import { usePermissions } from '../../../hooks/useGrafanaRole';
import { checkTestIds } from '../checkTestIds';
import { formatThreshold, overrideAt, overrideValues } from '../checks.utils';
import { RAW_VALUES } from '../../../i18n-values';

async function loadScopes() {
  const [businesses, instances] = await Promise.all([inventoryApi.listBusinesses(), inventoryApi.listInstances()]);
  return { businesses, instances };
}

/** Thresholds of one check: defaults, the override at a chosen scope, and the values in effect there. */
export function ThresholdsEditor({ check }: { check: Check }) {
  const styles = useStyles2(getStyles);
  const { canEditThresholds } = usePermissions();
  const [scope, setScope] = useState<OverrideScope>('global');
  const [scopeId, setScopeId] = useState('');
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const scopes = useAsync(loadScopes, []);
  const at = scope === 'business' ? { businessId: scopeId } : scope === 'instance' ? { instanceId: scopeId } : {};
  const ready = scope === 'global' || scopeId !== '';
  const view = useAsync(
    () => (ready ? checksApi.thresholds(check.id, at) : Promise.resolve(undefined)),
    [check.id, scope, scopeId]
  );
  const current = view.data ? overrideAt(view.data.overrides, scope, scopeId) : undefined;

  // Reset the boxes when another scope's override (or a fresh answer) arrives, not on every render: state adjusted
  // during render (React's pattern for deriving state from a changed input), not in an effect.
  const resetKey = `${scope}|${scopeId}|${JSON.stringify(current ?? null)}`;
  const [shownKey, setShownKey] = useState(resetKey);
  if (shownKey !== resetKey) {
    setShownKey(resetKey);
    const values = current?.values ?? {};
    setTexts(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, formatThreshold(v)])));
    setSaveError(undefined);
  }

  const defaults = view.data?.defaults ?? check.thresholds.defaults;
  const keys = Object.keys(defaults);
  if (keys.length === 0) {
    return (
      <section data-testid={checkTestIds.thresholds}>
        <Text element="h4">{t('checks.thresholds.title', 'Thresholds')}</Text>
        <Text color="secondary">{t('checks.thresholds.none', 'This check has no thresholds.')}</Text>
      </section>
    );
  }

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      await checksApi.setThresholds(check.id, { scope, scopeId, values: overrideValues(texts, defaults) });
      view.reload();
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    setConfirmRemove(false);
    setSaveError(undefined);
    try {
      await checksApi.removeThresholds(check.id, scope, scopeId);
      view.reload();
    } catch (err) {
      setSaveError(err);
    }
  };

  const apiError = saveError === undefined ? undefined : toApiError(saveError);
  const fieldProblem = (path: string) => {
    const message = apiError?.fieldMessage(path);
    return message ? { invalid: true, error: message } : {};
  };
  const placed = ['scopeId', ...keys.map((k) => `values.${k}`)];
  const unplaced = apiError && (apiError.fields.length === 0 || apiError.fields.some((f) => !placed.includes(f.path)));
  const scopeOptions =
    scope === 'business'
      ? (scopes.data?.businesses ?? []).map((b) => ({ label: b.name, value: b.id }))
      : (scopes.data?.instances ?? []).map((i) => ({ label: i.name, value: i.id }));
  const hasValues = Object.keys(overrideValues(texts, defaults)).length > 0;

  return (
    <section data-testid={checkTestIds.thresholds}>
      <Text element="h4">{t('checks.thresholds.title', 'Thresholds')}</Text>
      <Stack gap={2} alignItems="flex-end" wrap="wrap">
        <Field label={t('checks.thresholds.scope', 'Scope')}>
          <RadioButtonGroup<OverrideScope>
            options={[
              { label: t('checks.thresholds.global', 'Global'), value: 'global' },
              { label: t('checks.thresholds.business', 'Business'), value: 'business' },
              { label: t('checks.thresholds.instance', 'Instance'), value: 'instance' },
            ]}
            value={scope}
            onChange={(next) => {
              setScope(next);
              setScopeId('');
            }}
          />
        </Field>
        {scope !== 'global' && (
          <Field
            label={
              scope === 'business'
                ? t('checks.thresholds.whichBusiness', 'Which business')
                : t('checks.thresholds.whichInstance', 'Which instance')
            }
            {...fieldProblem('scopeId')}
          >
            <Combobox
              id="threshold-scope-id"
              width={30}
              options={scopeOptions}
              value={scopeId || null}
              onChange={(option) => setScopeId(option?.value ?? '')}
            />
          </Field>
        )}
      </Stack>
      {scopes.error !== undefined && <ApiErrorAlert error={scopes.error} />}
      {view.error !== undefined && (
        <ApiErrorAlert error={view.error} title={t('checks.thresholds.error', 'Could not load the thresholds')} />
      )}
      {!ready ? (
        <Text color="secondary">{t('checks.thresholds.pick', 'Pick where the override applies.')}</Text>
      ) : view.loading && !view.data ? (
        <LoadingPlaceholder text={t('checks.thresholds.loading', 'Loading thresholds…')} />
      ) : (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>{t('checks.thresholds.key', 'Threshold')}</th>
              <th>{t('checks.thresholds.default', 'Default')}</th>
              <th>{t('checks.thresholds.override', 'Override here')}</th>
              <th>{t('checks.thresholds.effective', 'In effect here')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key} data-testid={checkTestIds.thresholdRow(key)}>
                <td>
                  <Text weight="medium">{key}</Text>
                </td>
                <td>{formatThreshold(defaults[key])}</td>
                <td>
                  {canEditThresholds ? (
                    <Field noMargin {...fieldProblem(`values.${key}`)}>
                      <Input
                        aria-label={t('checks.thresholds.inputLabel', 'Override of {{key}}', { ...RAW_VALUES, key })}
                        width={20}
                        placeholder={t('checks.thresholds.inherit', 'inherit')}
                        value={texts[key] ?? ''}
                        onChange={(e) => setTexts({ ...texts, [key]: e.currentTarget.value })}
                      />
                    </Field>
                  ) : (
                    formatThreshold(current?.values[key])
                  )}
                </td>
                <td>{formatThreshold(view.data?.effective[key])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {unplaced && <ApiErrorAlert error={saveError} title={t('checks.thresholds.saveFailed', 'Not saved')} />}
      {canEditThresholds ? (
        ready && (
          <Stack gap={1}>
            <Button onClick={save} disabled={saving || !hasValues} icon={saving ? 'spinner' : 'save'}>
              {t('checks.thresholds.save', 'Save override')}
            </Button>
            {current && (
              <Button variant="destructive" fill="outline" onClick={() => setConfirmRemove(true)}>
                {t('checks.thresholds.remove', 'Remove override')}
              </Button>
            )}
          </Stack>
        )
      ) : (
        <Text color="secondary" variant="bodySmall">
          {t('checks.thresholds.readOnly', 'Only organization administrators change thresholds.')}
        </Text>
      )}
      <OverrideList overrides={view.data?.overrides ?? []} scopes={scopes.data} />
      <ConfirmModal
        isOpen={confirmRemove}
        title={t('checks.thresholds.removeTitle', 'Remove this override?')}
        body={t('checks.thresholds.removeBody', 'The broader scope applies again to {{check}}.', {
          ...RAW_VALUES,
          check: check.id,
        })}
        confirmText={t('checks.thresholds.removeConfirm', 'Remove')}
        onConfirm={remove}
        onDismiss={() => setConfirmRemove(false)}
      />
    </section>
  );
}

function OverrideList({
  overrides,
  scopes,
}: {
  overrides: ThresholdOverride[];
  scopes?: Awaited<ReturnType<typeof loadScopes>>;
}) {
  const nameOf = (o: ThresholdOverride) =>
    o.scope === 'global'
      ? t('checks.thresholds.global', 'Global')
      : o.scope === 'business'
        ? (scopes?.businesses.find((b) => b.id === o.scopeId)?.name ?? o.scopeId)
        : (scopes?.instances.find((i) => i.id === o.scopeId)?.name ?? o.scopeId);
  return (
    <div data-testid={checkTestIds.overrides}>
      <Text element="h5">{t('checks.thresholds.allOverrides', 'All overrides of this check')}</Text>
      {overrides.length === 0 ? (
        <Text color="secondary">{t('checks.thresholds.noOverrides', 'None: the defaults apply everywhere.')}</Text>
      ) : (
        <ul>
          {overrides.map((o) => (
            <li key={`${o.scope}-${o.scopeId}`}>
              <Text>
                {t('checks.thresholds.overrideLine', '{{scope}}: {{values}} (by {{who}}, {{when}})', {
                  ...RAW_VALUES,
                  scope: nameOf(o),
                  values: Object.entries(o.values)
                    .map(([k, v]) => `${k}=${formatThreshold(v)}`)
                    .join(', '),
                  who: o.updatedBy,
                  when: dateTimeFormat(o.updatedAt),
                })}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css`
    margin: ${theme.spacing(1, 0, 2)};
    th,
    td {
      padding: ${theme.spacing(0.5, 2, 0.5, 0)};
      vertical-align: middle;
    }
    th {
      color: ${theme.colors.text.secondary};
      font-weight: ${theme.typography.fontWeightMedium};
    }
  `,
});
