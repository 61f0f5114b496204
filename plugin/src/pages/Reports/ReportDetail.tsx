import React from 'react';
import { useParams } from 'react-router-dom';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import { Badge, Card, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import { reportsApi, type CheckOutcome, type Report } from '../../api/reports';
import { ApiErrorAlert } from '../../components/ApiErrorAlert/ApiErrorAlert';
import { engineLabel, healthColor, healthLabel, tierLabel } from '../../components/labels/labels';
import { prefixRoute, ROUTES } from '../../constants';
import { useAsync } from '../../hooks/useAsync';
import { categoryLabel, uiLanguage } from '../Checks/categoryLabel';
import { ExportButtons } from './components/ExportButtons';
import { FindingItem } from './components/FindingItem';
import { ReportDiffPanel } from './components/ReportDiffPanel';
import { reportTestIds } from './reportTestIds';
import { groupFindings, localized, serverFacts } from './reports.utils';
import { RAW_VALUES } from '../../i18n-values';

/** One report: score, server, window and coverage, findings by severity and category, checks not run, diff. */
export function ReportDetail() {
  const { id = '' } = useParams();
  const { data: report, error, loading } = useAsync(() => reportsApi.get(id), [id]);
  const back = (
    <LinkButton variant="secondary" fill="text" icon="arrow-left" href={prefixRoute(ROUTES.Reports)}>
      {t('reports.detail.back', 'All reports')}
    </LinkButton>
  );

  if (loading && !report) {
    return (
      <PluginPage>
        <LoadingPlaceholder text={t('reports.detail.loading', 'Loading the report…')} />
      </PluginPage>
    );
  }
  if (!report) {
    return (
      <PluginPage>
        {back}
        <ApiErrorAlert error={error} title={t('reports.detail.error', 'Could not load the report')} />
      </PluginPage>
    );
  }
  return (
    <PluginPage>
      {back}
      <ReportBody report={report} />
    </PluginPage>
  );
}

function ReportBody({ report }: { report: Report }) {
  const styles = useStyles2(getStyles);
  const lang = uiLanguage();
  const groups = groupFindings(report.findings);
  const notRun = report.checks.filter((c) => c.status === 'error' || c.status === 'skipped');
  const facts = serverFacts(report.server);

  return (
    <Stack direction="column" gap={3}>
      <section data-testid={reportTestIds.summary} className={styles.summary}>
        <div className={styles.score}>
          <Text variant="h1">{report.score}</Text>
          <Text color="secondary">{t('reports.detail.scoreOf', 'score of 100')}</Text>
        </div>
        <Stack direction="column" gap={0.5}>
          <Stack gap={1} alignItems="center" wrap="wrap">
            <Text variant="h3">{report.instance.name}</Text>
            <Badge color="blue" text={engineLabel(report.instance.engine)} />
            <Badge color="darkgrey" text={tierLabel(report.tier)} />
            {report.maxSeverity && (
              <Badge color={healthColor(report.maxSeverity)} text={healthLabel(report.maxSeverity)} />
            )}
            {!report.reachable && <Badge color="red" text={t('reports.detail.unreachable', 'Unreachable')} />}
          </Stack>
          <Text>
            {t('reports.detail.window', 'Window {{from}} – {{to}}', {
              ...RAW_VALUES,
              from: dateTimeFormat(report.window.from),
              to: dateTimeFormat(report.window.to),
            })}
          </Text>
          <Text color="secondary">
            {t(
              'reports.detail.coverage',
              '{{checks}} checks: {{pass}} passed, {{fail}} failed, {{error}} errored, {{skipped}} skipped',
              {
                ...RAW_VALUES,
                checks: report.checks.length,
                pass: report.counts.pass,
                fail: report.counts.fail,
                error: report.counts.error,
                skipped: report.counts.skipped,
              }
            )}
          </Text>
          <Text color="secondary">
            {t(
              'reports.detail.severities',
              'Findings: {{critical}} critical, {{warning}} warning, {{info}} info, {{waived}} waived',
              {
                ...RAW_VALUES,
                critical: report.counts.critical,
                warning: report.counts.warning,
                info: report.counts.info,
                waived: report.counts.waived ?? report.findings.filter((f) => f.waived).length,
              }
            )}
          </Text>
          <Text color="secondary" variant="bodySmall">
            {t(
              'reports.detail.run',
              'Started {{started}}, took {{seconds}} s; triggered by {{trigger}}; catalog {{catalog}}',
              {
                ...RAW_VALUES,
                started: dateTimeFormat(report.startedAt),
                seconds: (report.durationMs / 1000).toFixed(1),
                trigger: report.trigger.actor ?? report.trigger.kind,
                catalog: report.catalogVersion,
              }
            )}
          </Text>
        </Stack>
        <div className={styles.exports}>
          <ExportButtons reportId={report.id} />
        </div>
      </section>

      <section data-testid={reportTestIds.server}>
        <Text element="h3">{t('reports.detail.server', 'Server')}</Text>
        {facts.length === 0 ? (
          <Text color="secondary">{t('reports.detail.noServer', 'The server could not be reached: no facts.')}</Text>
        ) : (
          <dl className={styles.facts}>
            {facts.map(([key, value]) => (
              <React.Fragment key={key}>
                <dt>{factLabel(key)}</dt>
                <dd>{value}</dd>
              </React.Fragment>
            ))}
          </dl>
        )}
      </section>

      <section data-testid={reportTestIds.findings}>
        <Text element="h3">{t('reports.detail.findings', 'Findings')}</Text>
        {groups.length === 0 && (
          <Text color="secondary">{t('reports.detail.noFindings', 'No findings: every check that ran passed.')}</Text>
        )}
        {groups.map((group) => (
          <div key={group.severity} data-testid={reportTestIds.severityGroup(group.severity)}>
            <Stack gap={1} alignItems="center">
              <Badge color={healthColor(group.severity)} text={healthLabel(group.severity)} />
              <Text color="secondary">{group.count}</Text>
            </Stack>
            {group.categories.map((cat) => (
              <Card key={cat.category} noMargin className={styles.category}>
                <Card.Heading>{categoryLabel(cat.category)}</Card.Heading>
                <Card.Description>
                  {cat.findings.map((f) => (
                    <FindingItem key={`${f.checkId}-${f.object}-${f.database ?? ''}`} finding={f} />
                  ))}
                </Card.Description>
              </Card>
            ))}
          </div>
        ))}
      </section>

      <section data-testid={reportTestIds.notRun}>
        <Text element="h3">{t('reports.detail.notRun', 'Checks that did not run')}</Text>
        {notRun.length === 0 ? (
          <Text color="secondary">{t('reports.detail.allRan', 'Every applicable check ran.')}</Text>
        ) : (
          <ul className={styles.plain}>
            {notRun.map((c) => (
              <NotRunItem key={c.checkId} outcome={c} lang={lang} />
            ))}
          </ul>
        )}
      </section>

      <section>
        <Text element="h3">{t('reports.detail.comparison', 'Compared with the previous report')}</Text>
        <ReportDiffPanel report={report} />
      </section>
    </Stack>
  );
}

function factLabel(key: string): string {
  switch (key) {
    case 'flavor':
      return t('reports.server.flavor', 'Flavor');
    case 'versionString':
      return t('reports.server.versionString', 'Version');
    case 'version':
      return t('reports.server.version', 'Version number');
    case 'role':
      return t('reports.server.role', 'Role');
    case 'hostname':
      return t('reports.server.hostname', 'Host name');
    case 'uptimeSeconds':
      return t('reports.server.uptime', 'Uptime (s)');
    default:
      return key;
  }
}

function NotRunItem({ outcome, lang }: { outcome: CheckOutcome; lang: 'en' | 'zh' }) {
  return (
    <li>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Badge
          color={outcome.status === 'error' ? 'red' : 'darkgrey'}
          text={
            outcome.status === 'error' ? t('reports.detail.errored', 'Error') : t('reports.detail.skipped', 'Skipped')
          }
        />
        <Text weight="medium">{outcome.catalogRef}</Text>
        <Text color="secondary">{outcome.checkId}</Text>
        <Text>{localized(outcome.reason, lang)}</Text>
      </Stack>
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  summary: css`
    display: flex;
    flex-wrap: wrap;
    gap: ${theme.spacing(3)};
    align-items: flex-start;
  `,
  score: css`
    display: flex;
    flex-direction: column;
    align-items: center;
    min-width: 96px;
  `,
  exports: css`
    flex-basis: 100%;
  `,
  facts: css`
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: ${theme.spacing(0.5, 2)};
    dt {
      color: ${theme.colors.text.secondary};
    }
  `,
  category: css`
    margin-top: ${theme.spacing(1)};
  `,
  plain: css`
    list-style: none;
    padding: 0;
  `,
});
