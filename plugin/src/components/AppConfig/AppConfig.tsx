import React, { useState, type ChangeEvent } from 'react';
import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { Trans, t } from '@grafana/i18n';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack, useStyles2 } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';

import { toApiError } from '../../api/client';
import { grafanaApi } from '../../api/grafana';
import { ApiErrorAlert } from '../ApiErrorAlert/ApiErrorAlert';
import { testIds } from '../testIds';

const EXAMPLE_URL = 'http://127.0.0.1:8470';

/** The app's settings: the URL is readable by every user of the org, the token is stored encrypted by Grafana. */
export interface AppSettings {
  apiUrl?: string;
}

interface SecureSettings {
  apiToken?: string;
}

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

type TestState =
  { kind: 'idle' } | { kind: 'running' } | { kind: 'ok'; message: string } | { kind: 'failed'; error: unknown };

export function validateApiUrl(value: string): string | undefined {
  if (!value.trim()) {
    return t('config.apiUrl.required', 'Enter the URL of the DB Patrol backend');
  }
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return t('config.apiUrl.protocol', 'The URL must start with http:// or https://');
    }
  } catch {
    return t('config.apiUrl.invalid', 'This is not a valid URL');
  }
  return undefined;
}

export function AppConfig({ plugin }: AppConfigProps) {
  const styles = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [apiUrl, setApiUrl] = useState(jsonData?.apiUrl ?? '');
  const [apiToken, setApiToken] = useState('');
  const [tokenSet, setTokenSet] = useState(Boolean(secureJsonFields?.apiToken));
  const [urlError, setUrlError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>();
  const [test, setTest] = useState<TestState>({ kind: 'idle' });

  const onSave = async () => {
    const problem = validateApiUrl(apiUrl);
    setUrlError(problem);
    if (problem) {
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      await updatePlugin(plugin.meta.id, {
        enabled,
        pinned,
        jsonData: { ...jsonData, apiUrl: apiUrl.trim().replace(/\/+$/, '') },
        // Sending any secureJsonData overwrites the stored token, so it is sent only when the user typed one.
        ...(apiToken ? { secureJsonData: { apiToken } } : {}),
      });
      window.location.reload();
    } catch (err) {
      setSaveError(err);
      setSaving(false);
    }
  };

  const onTest = async () => {
    setTest({ kind: 'running' });
    try {
      const health = await grafanaApi.health();
      setTest(
        health.status === 'ok'
          ? { kind: 'ok', message: health.message }
          : { kind: 'failed', error: new Error(health.message) }
      );
    } catch (err) {
      setTest({ kind: 'failed', error: toApiError(err) });
    }
  };

  return (
    <div className={styles.container}>
      <FieldSet label={t('config.title', 'DB Patrol backend')}>
        <Field
          label={t('config.apiUrl.label', 'Backend URL')}
          description={t(
            'config.apiUrl.description',
            'Where Grafana reaches the DB Patrol API, e.g. http://dbpatrol:8470. Grafana calls it server-side; browsers never do.'
          )}
          invalid={Boolean(urlError)}
          error={urlError}
        >
          <Input
            width={60}
            id="dbpatrol-api-url"
            data-testid={testIds.appConfig.apiUrl}
            value={apiUrl}
            placeholder={EXAMPLE_URL}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setApiUrl(e.target.value)}
          />
        </Field>
        <Field
          label={t('config.apiToken.label', 'API token')}
          description={t(
            'config.apiToken.description',
            'A DB Patrol token (admin role to let Grafana admins edit the inventory). Stored encrypted; it is never shown again.'
          )}
        >
          <SecretInput
            width={60}
            id="dbpatrol-api-token"
            data-testid={testIds.appConfig.apiToken}
            isConfigured={tokenSet}
            value={apiToken}
            placeholder={t('config.apiToken.placeholder', 'Paste the token')}
            onChange={(e: ChangeEvent<HTMLInputElement>) => setApiToken(e.target.value)}
            onReset={() => {
              setApiToken('');
              setTokenSet(false);
            }}
          />
        </Field>
        {saveError !== undefined && (
          <ApiErrorAlert error={saveError} title={t('config.save.failed', 'The settings were not saved')} />
        )}
        <Stack gap={1}>
          <Button data-testid={testIds.appConfig.submit} onClick={onSave} disabled={saving || (!apiToken && !tokenSet)}>
            {saving ? t('config.save.saving', 'Saving…') : t('config.save.button', 'Save settings')}
          </Button>
          <Button
            variant="secondary"
            data-testid={testIds.appConfig.test}
            onClick={onTest}
            disabled={test.kind === 'running' || !jsonData?.apiUrl}
          >
            {t('config.test.button', 'Test')}
          </Button>
        </Stack>
        <p className={styles.hint}>
          <Trans i18nKey="config.test.hint">The test uses the saved settings: save first after a change.</Trans>
        </p>
        {test.kind === 'ok' && (
          <Alert severity="success" title={t('config.test.ok', 'The backend answered')}>
            {test.message}
          </Alert>
        )}
        {test.kind === 'failed' && (
          <ApiErrorAlert error={test.error} title={t('config.test.failed', 'The backend did not answer the test')} />
        )}
      </FieldSet>
    </div>
  );
}

interface PluginSettingsUpdate extends Pick<PluginMeta<AppSettings>, 'enabled' | 'pinned' | 'jsonData'> {
  secureJsonData?: SecureSettings;
}

async function updatePlugin(pluginId: string, data: PluginSettingsUpdate) {
  const response = getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data });
  return lastValueFrom(response);
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css`
    max-width: ${theme.breakpoints.values.md}px;
  `,
  hint: css`
    color: ${theme.colors.text.secondary};
    margin-top: ${theme.spacing(1)};
  `,
});
