import React, { type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Field, Input, SecretInput } from '@grafana/ui';

import type { DBPatrolOptions, DBPatrolSecureOptions } from './types';

const EXAMPLE_URL = 'http://127.0.0.1:8470';

type Props = DataSourcePluginOptionsEditorProps<DBPatrolOptions, DBPatrolSecureOptions>;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  return (
    <>
      <Field label={t('datasource.config.apiUrl', 'Backend URL')}>
        <Input
          width={60}
          value={jsonData.apiUrl ?? ''}
          placeholder={EXAMPLE_URL}
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, jsonData: { ...jsonData, apiUrl: e.target.value } })
          }
        />
      </Field>
      <Field label={t('datasource.config.apiToken', 'API token')}>
        <SecretInput
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
