import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Badge, ClipboardButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import { checksApi, type CheckDetail } from '../../../api/checks';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { engineLabel, tierLabel } from '../../../components/labels/labels';
import { useAsync } from '../../../hooks/useAsync';
import { categoryLabel, uiLanguage } from '../categoryLabel';
import { checkTestIds } from '../checkTestIds';
import { formatVersion } from '../checks.utils';
import { ThresholdsEditor } from './ThresholdsEditor';
import { RAW_VALUES } from '../../../i18n-values';

/** One check: what it looks at, how to fix what it finds, its SQL per server version, and its thresholds. */
export function CheckDetailView({ checkId }: { checkId: string }) {
  const { data: check, error, loading } = useAsync(() => checksApi.get(checkId), [checkId]);
  if (loading && !check) {
    return <LoadingPlaceholder text={t('checks.detail.loading', 'Loading the check…')} />;
  }
  if (!check) {
    return <ApiErrorAlert error={error} title={t('checks.detail.error', 'Could not load the check')} />;
  }
  return <CheckBody check={check} />;
}

function windowLabel(window: CheckDetail['window']): string {
  switch (window) {
    case 'state':
      return t('checks.window.state', 'Current state (ignores the window)');
    case 'events':
      return t('checks.window.events', 'Events within the window');
    case 'delta':
      return t('checks.window.delta', 'Counter change over the window');
    case 'trend':
      return t('checks.window.trend', 'Trend against stored history');
  }
}

function CheckBody({ check }: { check: CheckDetail }) {
  const styles = useStyles2(getStyles);
  const lang = uiLanguage();
  const queries = Object.entries(check.queries ?? {});
  return (
    <Stack direction="column" gap={2}>
      <div data-testid={checkTestIds.detail}>
        <Text element="h3">
          {check.catalogRef} · {lang === 'zh' ? check.title.zh : check.title.en}
        </Text>
        <Stack gap={0.5} wrap="wrap">
          {check.flavors.map((f) => (
            <Badge key={f} color="blue" text={engineLabel(f)} />
          ))}
          <Badge color="darkgrey" text={tierLabel(check.tier)} />
          <Badge color="purple" text={categoryLabel(check.category)} />
        </Stack>
        <Text element="p" color="secondary">
          {windowLabel(check.window)}
          {check.scope === 'database' ? ` · ${t('checks.detail.perDatabase', 'runs in every database')}` : ''}
        </Text>
        <Text element="h4">{t('checks.detail.description', 'What it checks')}</Text>
        <Text element="p">{lang === 'zh' ? check.description.zh : check.description.en}</Text>
        <Text element="h4">{t('checks.detail.remediation', 'Remediation')}</Text>
        <Text element="p">{lang === 'zh' ? check.remediation.zh : check.remediation.en}</Text>
      </div>

      <section data-testid={checkTestIds.sql}>
        <Text element="h4">{t('checks.detail.sql', 'SQL per server version')}</Text>
        <Text element="p" color="secondary" variant="bodySmall">
          {t('checks.detail.sqlRule', 'For a server of the flavor, the newest variant at or below its version runs.')}
        </Text>
        {queries.length === 0 && (
          <Text color="secondary">
            {t('checks.detail.noSql', 'This check runs no SQL: it reads host metrics or stored history.')}
          </Text>
        )}
        {queries.map(([name, query]) => (
          <div key={name} className={styles.query}>
            <Text weight="medium">{name}</Text>
            {query.dynamic && (
              <Text element="p" color="secondary" variant="bodySmall">
                {t('checks.detail.dynamic', "The instance's own evidence query replaces this SQL when it is set.")}
              </Text>
            )}
            {query.sql.map((variant, index) => (
              <div key={index}>
                <Stack gap={1} alignItems="center">
                  <Text variant="bodySmall">
                    {variant.since === 0
                      ? t('checks.detail.anyVersion', 'Any version')
                      : t('checks.detail.since', 'From {{version}}', {
                          ...RAW_VALUES,
                          version: formatVersion(variant.since, check.engine),
                        })}
                    {variant.flavors ? ` · ${variant.flavors.map(engineLabel).join(', ')}` : ''}
                  </Text>
                  <ClipboardButton size="sm" variant="secondary" fill="text" icon="copy" getText={() => variant.sql}>
                    {t('checks.detail.copy', 'Copy')}
                  </ClipboardButton>
                </Stack>
                <pre className={styles.sql}>{variant.sql}</pre>
              </div>
            ))}
          </div>
        ))}
      </section>

      <ThresholdsEditor check={check} />
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  query: css`
    margin-bottom: ${theme.spacing(2)};
  `,
  sql: css`
    white-space: pre-wrap;
    font-size: ${theme.typography.bodySmall.fontSize};
    max-height: 360px;
    overflow: auto;
  `,
});
