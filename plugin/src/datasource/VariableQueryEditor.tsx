import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Combobox, InlineField, InlineFieldRow } from '@grafana/ui';

import type { DataSource } from './DataSource';
import {
  VARIABLE_KINDS,
  type DBPatrolOptions,
  type DBPatrolQuery,
  type VariableKind,
  type VariableQuery,
} from './types';
import { optionFor, useVariableOptions } from './useVariableOptions';

type Props = QueryEditorProps<DataSource, DBPatrolQuery, DBPatrolOptions, VariableQuery>;

function kindLabel(kind: VariableKind): string {
  switch (kind) {
    case 'business':
      return t('datasource.variable.kinds.business', 'Businesses');
    case 'host':
      return t('datasource.variable.kinds.host', 'Hosts');
    case 'instance':
      return t('datasource.variable.kinds.instance', 'Instances');
    case 'check':
      return t('datasource.variable.kinds.check', 'Checks');
    case 'tier':
      return t('datasource.variable.kinds.tier', 'Tiers');
    case 'severity':
      return t('datasource.variable.kinds.severity', 'Severities');
  }
}

const LABEL_WIDTH = 14;

/** A query variable: its kind, and for hosts and instances the business and host (usually `$business`, `$host`). */
export function VariableQueryEditor({ datasource, query, onChange }: Props) {
  const kind: VariableKind = query.kind ?? 'business';
  const byBusiness = kind === 'host' || kind === 'instance';
  const byHost = kind === 'instance';
  const businesses = useVariableOptions(datasource, 'business', undefined, undefined, byBusiness);
  const hosts = useVariableOptions(datasource, 'host', query.businessId, undefined, byHost);
  const update = (patch: Partial<VariableQuery>) => {
    onChange({ ...query, kind, ...patch });
  };

  return (
    <InlineFieldRow>
      <InlineField label={t('datasource.variable.kind', 'Values')} labelWidth={LABEL_WIDTH}>
        <Combobox<VariableKind>
          id="dbpatrol-variable-kind"
          width={24}
          options={VARIABLE_KINDS.map((k) => ({ label: kindLabel(k), value: k }))}
          value={kind}
          onChange={(option) =>
            update({
              kind: option.value,
              businessId: option.value === 'host' || option.value === 'instance' ? query.businessId : undefined,
              hostId: option.value === 'instance' ? query.hostId : undefined,
            })
          }
        />
      </InlineField>
      {byBusiness && (
        <InlineField label={t('datasource.variable.business', 'Business')} labelWidth={LABEL_WIDTH}>
          <Combobox<string>
            id="dbpatrol-variable-business"
            width={28}
            isClearable
            createCustomValue
            loading={businesses.loading}
            placeholder={t('datasource.variable.any', 'any')}
            options={businesses.options}
            value={query.businessId ? optionFor(businesses.options, query.businessId) : null}
            onChange={(option) => update({ businessId: option?.value })}
          />
        </InlineField>
      )}
      {byHost && (
        <InlineField label={t('datasource.variable.host', 'Host')} labelWidth={LABEL_WIDTH}>
          <Combobox<string>
            id="dbpatrol-variable-host"
            width={28}
            isClearable
            createCustomValue
            loading={hosts.loading}
            placeholder={t('datasource.variable.any', 'any')}
            options={hosts.options}
            value={query.hostId ? optionFor(hosts.options, query.hostId) : null}
            onChange={(option) => update({ hostId: option?.value })}
          />
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
