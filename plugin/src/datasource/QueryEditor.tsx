import React, { useState } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Alert, Combobox, InlineField, InlineFieldRow, Input, MultiCombobox, type ComboboxOption } from '@grafana/ui';

import type { DataSource } from './DataSource';
import {
  ANNOTATIONS,
  QUERY_TYPES,
  SEVERITIES,
  TIERS,
  type DBPatrolOptions,
  type DBPatrolQuery,
  type EditorQueryType,
} from './types';
import { optionFor, useVariableOptions } from './useVariableOptions';

type Props = QueryEditorProps<DataSource, DBPatrolQuery, DBPatrolOptions>;
type Filter = 'checks' | 'severity' | 'tier' | 'counter' | 'limit';

/** Which filters each query type takes, besides business, host and instances (the backend ignores the rest). */
const FILTERS: Record<EditorQueryType, readonly Filter[]> = {
  scores: ['tier'],
  findingCounts: ['tier', 'severity'],
  findings: ['tier', 'checks', 'severity'],
  outcomes: ['tier', 'checks'],
  inspections: ['tier', 'limit'],
  counters: ['counter'],
  [ANNOTATIONS]: ['tier'],
};

function queryTypeLabel(type: EditorQueryType): string {
  switch (type) {
    case 'scores':
      return t('datasource.query.types.scores', 'Scores');
    case 'findingCounts':
      return t('datasource.query.types.findingCounts', 'Finding counts');
    case 'findings':
      return t('datasource.query.types.findings', 'Findings');
    case 'outcomes':
      return t('datasource.query.types.outcomes', 'Check outcomes');
    case 'inspections':
      return t('datasource.query.types.inspections', 'Inspection runs');
    case 'counters':
      return t('datasource.query.types.counters', 'Counter');
    case ANNOTATIONS:
      return t('datasource.query.types.annotations', 'Runs as annotations');
  }
}

const EDITOR_TYPES: readonly EditorQueryType[] = [...QUERY_TYPES, ANNOTATIONS];
const LABEL_WIDTH = 14;

export function QueryEditor({ datasource, query, onChange, onRunQuery }: Props) {
  const type: EditorQueryType = query.queryType ?? 'scores';
  const filters = FILTERS[type];
  const businesses = useVariableOptions(datasource, 'business');
  const hosts = useVariableOptions(datasource, 'host', query.businessId);
  const instances = useVariableOptions(datasource, 'instance', query.businessId, query.hostId);
  const checks = useVariableOptions(datasource, 'check', undefined, undefined, filters.includes('checks'));
  const [counter, setCounter] = useState(query.counter ?? '');
  const loadError = businesses.error ?? hosts.error ?? instances.error ?? checks.error;

  const update = (patch: Partial<DBPatrolQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };
  const many = (options: Array<ComboboxOption<string>>) =>
    options.length > 0 ? options.map((o) => o.value) : undefined;
  const fixed = (values: readonly string[]) => values.map((v) => ({ label: v, value: v }));

  return (
    <>
      {loadError && (
        <Alert severity="warning" title={t('datasource.query.loadError', 'Could not load the filter values')}>
          {loadError}
        </Alert>
      )}
      <InlineFieldRow>
        <InlineField label={t('datasource.query.type', 'Query')} labelWidth={LABEL_WIDTH}>
          <Combobox<EditorQueryType>
            id="dbpatrol-query-type"
            width={24}
            options={EDITOR_TYPES.map((q) => ({ label: queryTypeLabel(q), value: q }))}
            value={type}
            onChange={(option) => update({ queryType: option.value })}
          />
        </InlineField>
        <InlineField label={t('datasource.query.business', 'Business')} labelWidth={LABEL_WIDTH}>
          <Combobox<string>
            id="dbpatrol-query-business"
            width={28}
            isClearable
            createCustomValue
            loading={businesses.loading}
            placeholder={t('datasource.query.any', 'any')}
            options={businesses.options}
            value={query.businessId ? optionFor(businesses.options, query.businessId) : null}
            onChange={(option) => update({ businessId: option?.value, hostId: undefined, instanceIds: undefined })}
          />
        </InlineField>
        <InlineField label={t('datasource.query.host', 'Host')} labelWidth={LABEL_WIDTH}>
          <Combobox<string>
            id="dbpatrol-query-host"
            width={28}
            isClearable
            createCustomValue
            loading={hosts.loading}
            placeholder={t('datasource.query.any', 'any')}
            options={hosts.options}
            value={query.hostId ? optionFor(hosts.options, query.hostId) : null}
            onChange={(option) => update({ hostId: option?.value, instanceIds: undefined })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label={t('datasource.query.instances', 'Instances')} labelWidth={LABEL_WIDTH} grow>
          <MultiCombobox<string>
            id="dbpatrol-query-instances"
            isClearable
            createCustomValue
            loading={instances.loading}
            placeholder={t('datasource.query.all', 'all')}
            options={instances.options}
            value={(query.instanceIds ?? []).map((v) => optionFor(instances.options, v))}
            onChange={(options) => update({ instanceIds: many(options) })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        {filters.includes('tier') && (
          <InlineField label={t('datasource.query.tier', 'Tier')} labelWidth={LABEL_WIDTH}>
            <Combobox<string>
              id="dbpatrol-query-tier"
              width={20}
              isClearable
              createCustomValue
              placeholder={t('datasource.query.any', 'any')}
              options={fixed(TIERS)}
              value={query.tier ? optionFor(fixed(TIERS), query.tier) : null}
              onChange={(option) => update({ tier: option?.value })}
            />
          </InlineField>
        )}
        {filters.includes('severity') && (
          <InlineField label={t('datasource.query.severity', 'Severity')} labelWidth={LABEL_WIDTH}>
            <MultiCombobox<string>
              id="dbpatrol-query-severity"
              width={36}
              isClearable
              createCustomValue
              placeholder={t('datasource.query.all', 'all')}
              options={fixed(SEVERITIES)}
              value={(query.severity ?? []).map((v) => optionFor(fixed(SEVERITIES), v))}
              onChange={(options) => update({ severity: many(options) })}
            />
          </InlineField>
        )}
        {filters.includes('checks') && (
          <InlineField label={t('datasource.query.checks', 'Checks')} labelWidth={LABEL_WIDTH} grow>
            <MultiCombobox<string>
              id="dbpatrol-query-checks"
              isClearable
              createCustomValue
              loading={checks.loading}
              placeholder={t('datasource.query.all', 'all')}
              options={checks.options}
              value={(query.checkIds ?? []).map((v) => optionFor(checks.options, v))}
              onChange={(options) => update({ checkIds: many(options) })}
            />
          </InlineField>
        )}
        {filters.includes('counter') && (
          <InlineField
            label={t('datasource.query.counter', 'Counter')}
            labelWidth={LABEL_WIDTH}
            tooltip={t(
              'datasource.query.counterHelp',
              'A snapshot counter such as status.innodb_deadlocks; * stands for one name segment (db.*.deadlocks).'
            )}
            invalid={!counter}
            error={t('datasource.query.counterRequired', 'A counter name is required')}
          >
            <Input
              id="dbpatrol-query-counter"
              width={40}
              value={counter}
              placeholder={t('datasource.query.counterPlaceholder', 'e.g. status.innodb_deadlocks')}
              onChange={(e) => setCounter(e.currentTarget.value)}
              onBlur={() => update({ counter: counter.trim() || undefined })}
            />
          </InlineField>
        )}
        {filters.includes('limit') && (
          <InlineField label={t('datasource.query.limit', 'Limit')} labelWidth={LABEL_WIDTH}>
            <Input
              id="dbpatrol-query-limit"
              type="number"
              width={12}
              min={1}
              max={5000}
              defaultValue={query.limit}
              onBlur={(e) => {
                const n = Number(e.currentTarget.value);
                update({ limit: Number.isInteger(n) && n >= 1 && n <= 5000 ? n : undefined });
              }}
            />
          </InlineField>
        )}
      </InlineFieldRow>
    </>
  );
}
