import React, { type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Field, Input, SecretInput } from '@grafana/ui';

import type { DBPatrolOptions, DBPatrolSecureOptions } from './types';

const EXAMPLE_URL = 'http://127.0.0.1:8470';

type Props = DataSourcePluginOptionsEditorProps<DBPatrolOptions, DBPatrolSecureOptions>;

const isHttpUrl = (text: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

/** The backend URL and the token; the token is write-only, as Grafana never sends a stored secret back. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const url = jsonData.apiUrl ?? '';
  return (
    <>
      <Field
        label={t('datasource.config.apiUrl', 'Backend URL')}
        description={t(
          'datasource.config.apiUrlHelp',
          'Where Grafana reaches the DB Patrol API (the address as seen from the Grafana server).'
        )}
        invalid={url !== '' && !isHttpUrl(url)}
        error={t('datasource.config.apiUrlInvalid', 'Enter an http:// or https:// URL')}
      >
        <Input
          width={60}
          id="dbpatrol-config-url"
          value={url}
          placeholder={EXAMPLE_URL}
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, jsonData: { ...jsonData, apiUrl: e.target.value } })
          }
        />
      </Field>
      <Field
        label={t('datasource.config.apiToken', 'API token')}
        description={t(
          'datasource.config.apiTokenHelp',
          'A DB Patrol API token with the viewer role at least; Grafana stores it encrypted and never shows it again.'
        )}
      >
        <SecretInput
          id="dbpatrol-config-token"
          width={60}
          isConfigured={Boolean(secureJsonFields?.apiToken)}
          value={secureJsonData?.apiToken ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, secureJsonData: { apiToken: e.target.value } })
          }
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...secureJsonFields, apiToken: false },
              secureJsonData: { ...secureJsonData, apiToken: '' },
            })
          }
        />
      </Field>
    </>
  );
}
