import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Badge, LoadingPlaceholder, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';

import { toApiError } from '../../../api/client';
import { reportsApi, type DiffFinding, type Report } from '../../../api/reports';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { healthColor, healthLabel } from '../../../components/labels/labels';
import { prefixRoute, ROUTES } from '../../../constants';
import { useAsync } from '../../../hooks/useAsync';
import { uiLanguage } from '../../Checks/categoryLabel';
import { reportTestIds } from '../reportTestIds';
import { localized, normalizeDiff, type DiffView } from '../reports.utils';
import { FindingItem } from './FindingItem';
import { RAW_VALUES } from '../../../i18n-values';

async function loadDiff(id: string): Promise<{ diff?: DiffView; previous?: Report }> {
  try {
    const diff = normalizeDiff(await reportsApi.diff(id));
    // The previous report's score and time sit beside this one; the diff alone names it only by id.
    const previous = diff.previousId ? await reportsApi.get(diff.previousId).catch(() => undefined) : undefined;
    return { diff, previous };
  } catch (err) {
    if (toApiError(err).kind === 'not_found') {
      return {};
    }
    throw err;
  }
}

/** This report beside the previous one of the same instance: new, persisting, resolved and not inspected. */
export function ReportDiffPanel({ report }: { report: Report }) {
  const styles = useStyles2(getStyles);
  const { data, error, loading } = useAsync(() => loadDiff(report.id), [report.id]);

  if (loading && !data) {
    return <LoadingPlaceholder text={t('reports.diff.loading', 'Comparing with the previous report…')} />;
  }
  if (error !== undefined) {
    return (
      <ApiErrorAlert error={error} title={t('reports.diff.error', 'Could not compare with the previous report')} />
    );
  }
  const diff = data?.diff;
  if (!diff) {
    return (
      <div data-testid={reportTestIds.diff}>
        <Text color="secondary">
          {t('reports.diff.none', 'There is no earlier report of this instance to compare with.')}
        </Text>
      </div>
    );
  }
  const previous = data?.previous;
  const lang = uiLanguage();

  return (
    <div data-testid={reportTestIds.diff}>
      <div className={styles.columns}>
        <section>
          <Text element="h4">{t('reports.diff.current', 'This report')}</Text>
          <Text color="secondary">
            {t('reports.diff.scoreAt', 'Score {{score}} · {{time}}', {
              ...RAW_VALUES,
              score: report.score,
              time: dateTimeFormat(report.startedAt),
            })}
          </Text>
          <DiffSection
            kind="new"
            title={t('reports.diff.new', 'New ({{total}})', { ...RAW_VALUES, total: diff.new.length })}
            findings={diff.new}
          />
          <DiffSection
            kind="persisting"
            title={t('reports.diff.persisting', 'Persisting ({{total}})', {
              ...RAW_VALUES,
              total: diff.persisting.length,
            })}
            findings={diff.persisting}
          />
        </section>
        <section>
          <Text element="h4">{t('reports.diff.previous', 'Previous report')}</Text>
          {previous ? (
            <Text color="secondary">
              <TextLink href={prefixRoute(`${ROUTES.Reports}/${previous.id}`)} inline>
                {t('reports.diff.scoreAt', 'Score {{score}} · {{time}}', {
                  ...RAW_VALUES,
                  score: previous.score,
                  time: dateTimeFormat(previous.startedAt),
                })}
              </TextLink>
            </Text>
          ) : diff.previousId ? (
            <TextLink href={prefixRoute(`${ROUTES.Reports}/${diff.previousId}`)} inline>
              {diff.previousId}
            </TextLink>
          ) : null}
          <DiffSection
            kind="resolved"
            title={t('reports.diff.resolved', 'Resolved ({{total}})', { ...RAW_VALUES, total: diff.resolved.length })}
            findings={diff.resolved}
          />
        </section>
      </div>
      {diff.notInspected.length > 0 && (
        <section data-testid={reportTestIds.diffSection('notInspected')}>
          <Text element="h5">
            {t('reports.diff.notInspected', 'Not inspected this time ({{total}})', {
              ...RAW_VALUES,
              total: diff.notInspected.length,
            })}
          </Text>
          <ul className={styles.plain}>
            {diff.notInspected.map((item, index) => (
              <li key={`${item.checkId}-${item.object ?? ''}-${index}`}>
                <Text>
                  {[item.catalogRef, item.checkId, item.object].filter(Boolean).join(' · ')}
                  {item.reason ? ` — ${localized(item.reason, lang)}` : ''}
                </Text>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function DiffSection({ kind, title, findings }: { kind: string; title: string; findings: DiffFinding[] }) {
  return (
    <section data-testid={reportTestIds.diffSection(kind)}>
      <Stack gap={1} alignItems="center">
        <Text element="h5">{title}</Text>
      </Stack>
      {findings.map((f) => (
        <div key={`${f.checkId}-${f.object}`}>
          <Badge color={healthColor(f.severity)} text={healthLabel(f.severity)} />
          <FindingItem finding={f} note={kind === 'persisting' ? persistingNote(f) : undefined} />
        </div>
      ))}
    </section>
  );
}

function persistingNote(f: DiffFinding): string | undefined {
  if (f.since && f.runs !== undefined) {
    return t('reports.diff.openSinceRuns', 'Open since {{since}}, {{total}} runs', {
      ...RAW_VALUES,
      since: dateTimeFormat(f.since),
      total: f.runs,
    });
  }
  if (f.since) {
    return t('reports.diff.openSince', 'Open since {{since}}', { ...RAW_VALUES, since: dateTimeFormat(f.since) });
  }
  return undefined;
}

const getStyles = (theme: GrafanaTheme2) => ({
  columns: css`
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(380px, 1fr));
    gap: ${theme.spacing(3)};
  `,
  plain: css`
    list-style: none;
    padding: 0;
  `,
});
