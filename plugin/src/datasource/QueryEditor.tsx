import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Combobox, InlineField, Input, Stack } from '@grafana/ui';

import type { DataSource } from './DataSource';
import { QUERY_TYPES, type DBPatrolOptions, type DBPatrolQuery, type QueryType } from './types';

type Props = QueryEditorProps<DataSource, DBPatrolQuery, DBPatrolOptions>;

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const update = (patch: Partial<DBPatrolQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };
  return (
    <Stack gap={1}>
      <InlineField label={t('datasource.query.type', 'Query')} labelWidth={12}>
        <Combobox<QueryType>
          width={24}
          options={QUERY_TYPES.map((q) => ({ label: q, value: q }))}
          value={query.queryType ?? null}
          onChange={(option) => update({ queryType: option?.value })}
        />
      </InlineField>
      <InlineField label={t('datasource.query.business', 'Business')} labelWidth={12}>
        <Input
          width={24}
          value={query.businessId ?? ''}
          placeholder={t('datasource.query.businessPlaceholder', 'business id or $business')}
          onChange={(e) => onChange({ ...query, businessId: e.currentTarget.value || undefined })}
          onBlur={onRunQuery}
        />
      </InlineField>
    </Stack>
  );
}
