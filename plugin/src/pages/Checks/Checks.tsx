import React, { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import {
  Badge,
  Card,
  Combobox,
  Drawer,
  EmptyState,
  Field,
  FilterInput,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';

import { checksApi } from '../../api/checks';
import { TIERS, type Tier } from '../../api/inspections';
import type { Engine } from '../../api/inventory';
import { ApiErrorAlert } from '../../components/ApiErrorAlert/ApiErrorAlert';
import { engineLabel, tierLabel } from '../../components/labels/labels';
import { useAsync } from '../../hooks/useAsync';
import { CATEGORIES, categoryLabel, uiLanguage } from './categoryLabel';
import { checkTestIds } from './checkTestIds';
import { CheckDetailView } from './components/CheckDetailView';
import { groupChecks } from './checks.utils';
import { RAW_VALUES } from '../../i18n-values';

const ENGINES: readonly Engine[] = ['mysql', 'mariadb', 'postgres'];

/** The check catalog by engine, tier and category; a check opens with its SQL per version and its thresholds. */
export function Checks() {
  const styles = useStyles2(getStyles);
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState('');
  const engineParam = params.get('engine') ?? '';
  const tierParam = params.get('tier') ?? '';
  const engine = ENGINES.includes(engineParam as Engine) ? (engineParam as Engine) : undefined;
  const tier = TIERS.includes(tierParam as Tier) ? (tierParam as Tier) : undefined;
  const category = params.get('category') || undefined;
  const selected = params.get('check') || undefined;
  const { data, error, loading } = useAsync(() => checksApi.list({ engine, tier, category }), [engine, tier, category]);
  const groups = useMemo(() => groupChecks(data ?? [], search), [data, search]);
  const lang = uiLanguage();

  const update = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) {
      next.set(key, value);
    } else {
      next.delete(key);
    }
    setParams(next);
  };

  return (
    <PluginPage>
      <div className={styles.filters} data-testid={checkTestIds.filters}>
        <Field label={t('checks.filter.engine', 'Engine')}>
          <RadioButtonGroup
            options={[
              { label: t('checks.filter.all', 'All'), value: '' },
              ...ENGINES.map((e) => ({ label: engineLabel(e), value: e })),
            ]}
            value={engine ?? ''}
            onChange={(value) => update('engine', value)}
          />
        </Field>
        <Field
          label={t('checks.filter.tier', 'Tier')}
          description={t('checks.filter.tierHint', 'Tiers are cumulative: weekly includes daily.')}
        >
          <RadioButtonGroup
            options={[
              { label: t('checks.filter.all', 'All'), value: '' },
              ...TIERS.map((value) => ({ label: tierLabel(value), value })),
            ]}
            value={tier ?? ''}
            onChange={(value) => update('tier', value)}
          />
        </Field>
        <Field label={t('checks.filter.category', 'Category')}>
          <Combobox
            id="checks-category"
            width={28}
            isClearable
            placeholder={t('checks.filter.anyCategory', 'Any category')}
            options={CATEGORIES.map((c) => ({ label: categoryLabel(c), value: c }))}
            value={category ?? null}
            onChange={(option) => update('category', option?.value)}
          />
        </Field>
        <Field label={t('checks.filter.search', 'Search')}>
          <FilterInput
            value={search}
            onChange={setSearch}
            placeholder={t('checks.filter.searchPlaceholder', 'Id, code or title')}
          />
        </Field>
      </div>

      {error !== undefined && <ApiErrorAlert error={error} title={t('checks.error', 'Could not load the checks')} />}
      {loading && !data ? (
        <LoadingPlaceholder text={t('checks.loading', 'Loading the catalog…')} />
      ) : groups.length === 0 && error === undefined ? (
        <EmptyState variant="not-found" message={t('checks.empty', 'No check matches these filters')} />
      ) : (
        <div data-testid={checkTestIds.catalog}>
          <Text color="secondary">
            {t('checks.count', '{{total}} checks', { ...RAW_VALUES, total: groups.flatMap((g) => g.checks).length })}
          </Text>
          {groups.map((group) => (
            <section key={group.category} className={styles.group} data-testid={checkTestIds.category(group.category)}>
              <Text element="h3">{categoryLabel(group.category)}</Text>
              {group.checks.map((check) => (
                <Card key={check.id} noMargin onClick={() => update('check', check.id)} className={styles.card}>
                  <Card.Heading>
                    {check.catalogRef} · {lang === 'zh' ? check.title.zh : check.title.en}
                  </Card.Heading>
                  <Card.Meta>{[check.id, tierLabel(check.tier)]}</Card.Meta>
                  <Card.Tags>
                    <Stack gap={0.5}>
                      {check.flavors.map((f) => (
                        <Badge key={f} color="blue" text={engineLabel(f)} />
                      ))}
                    </Stack>
                  </Card.Tags>
                </Card>
              ))}
            </section>
          ))}
        </div>
      )}

      {selected && (
        <Drawer title={selected} onClose={() => update('check', undefined)} size="lg">
          <CheckDetailView checkId={selected} />
        </Drawer>
      )}
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
  group: css`
    margin-top: ${theme.spacing(2)};
  `,
  card: css`
    margin-bottom: ${theme.spacing(1)};
  `,
});
