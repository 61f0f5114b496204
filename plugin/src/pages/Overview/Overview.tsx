import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, dateTimeFormatTimeAgo, type GrafanaTheme2 } from '@grafana/data';
import { Trans, t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import { Badge, Card, EmptyState, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import { inspectionsApi } from '../../api/inspections';
import { inventoryApi } from '../../api/inventory';
import { reportsApi } from '../../api/reports';
import { schedulesApi } from '../../api/schedules';
import { ApiErrorAlert } from '../../components/ApiErrorAlert/ApiErrorAlert';
import { healthColor, healthLabel, stateColor, stateLabel, tierLabel } from '../../components/labels/labels';
import { testIds } from '../../components/testIds';
import { prefixRoute, ROUTES } from '../../constants';
import { useAsync } from '../../hooks/useAsync';
import { usePermissions } from '../../hooks/useGrafanaRole';
import {
  HEALTH_BUCKETS,
  instancesByWorstSeverity,
  latestReportPerInstance,
  lowestScores,
  nextRuns,
  problemRuns,
} from './overview.utils';
import { RAW_VALUES } from '../../i18n-values';

// The newest reports are enough to find each instance's latest one in fleets of a few hundred instances.
const REPORTS_SCANNED = 500;

async function loadOverview() {
  const [instances, reports, inspections, schedules] = await Promise.all([
    inventoryApi.listInstances(),
    reportsApi.list({ limit: REPORTS_SCANNED }),
    inspectionsApi.list({ limit: 50 }),
    schedulesApi.list(),
  ]);
  return { instances, reports, inspections, schedules };
}

export function Overview() {
  const styles = useStyles2(getStyles);
  const { data, error, loading } = useAsync(loadOverview, []);
  const { canEditInventory } = usePermissions();

  if (loading && !data) {
    return (
      <PluginPage>
        <LoadingPlaceholder text={t('overview.loading', 'Loading the fleet…')} />
      </PluginPage>
    );
  }
  if (!data) {
    return (
      <PluginPage>
        <ApiErrorAlert error={error} title={t('overview.error', 'Could not load the overview')} />
      </PluginPage>
    );
  }

  if (data.instances.length === 0) {
    return (
      <PluginPage>
        <div data-testid={testIds.overview.emptyState}>
          <EmptyState
            variant="call-to-action"
            message={t('overview.empty.title', 'No database instances yet')}
            button={
              canEditInventory ? (
                <LinkButton icon="plus" href={`${prefixRoute(ROUTES.Inventory)}?add=business`}>
                  {t('overview.empty.add', 'Add your first instance')}
                </LinkButton>
              ) : undefined
            }
          >
            {canEditInventory ? (
              <Trans i18nKey="overview.empty.admin">
                Start with a business, a host and a MySQL, MariaDB or PostgreSQL instance; then inspect it.
              </Trans>
            ) : (
              <Trans i18nKey="overview.empty.viewer">
                An administrator of your organization adds the instances DB Patrol inspects.
              </Trans>
            )}
          </EmptyState>
        </div>
      </PluginPage>
    );
  }

  const latest = latestReportPerInstance(data.reports);
  const buckets = instancesByWorstSeverity(data.instances, latest);
  const lowest = lowestScores(latest, 5);
  const problems = problemRuns(data.inspections).slice(0, 10);
  const upcoming = nextRuns(data.schedules, 5);
  const recent = data.inspections.slice(0, 10);

  return (
    <PluginPage>
      {error !== undefined && <ApiErrorAlert error={error} />}
      <div className={styles.grid}>
        <section data-testid={testIds.overview.worstSeverity}>
          <Text element="h3">{t('overview.health.title', 'Instances by worst open severity')}</Text>
          <Stack direction="column" gap={1}>
            {HEALTH_BUCKETS.map((bucket) => (
              <Stack key={bucket} alignItems="center" gap={1}>
                <Badge color={healthColor(bucket)} text={healthLabel(bucket)} />
                <Text>{buckets[bucket].length}</Text>
                <Text color="secondary" truncate>
                  {buckets[bucket]
                    .slice(0, 5)
                    .map((i) => i.name)
                    .join(', ')}
                </Text>
              </Stack>
            ))}
          </Stack>
        </section>

        <section data-testid={testIds.overview.lowestScores}>
          <Text element="h3">{t('overview.lowest.title', 'Lowest scores')}</Text>
          {lowest.length === 0 ? (
            <Text color="secondary">{t('overview.lowest.none', 'No reports yet.')}</Text>
          ) : (
            lowest.map((r) => (
              <Card key={r.id} noMargin>
                <Card.Heading>{r.instanceName}</Card.Heading>
                <Card.Meta>{[tierLabel(r.tier), dateTimeFormatTimeAgo(r.finishedAt)]}</Card.Meta>
                <Card.Figure>
                  <Text variant="h4">{r.score}</Text>
                </Card.Figure>
              </Card>
            ))
          )}
        </section>

        <section data-testid={testIds.overview.recentRuns}>
          <Text element="h3">{t('overview.recent.title', 'Recent runs')}</Text>
          {recent.length === 0 ? (
            <Text color="secondary">{t('overview.recent.none', 'Nothing has run yet.')}</Text>
          ) : (
            <RunList runs={recent} />
          )}
        </section>

        <section data-testid={testIds.overview.problemRuns}>
          <Text element="h3">{t('overview.problems.title', 'Failed and missed runs')}</Text>
          {problems.length === 0 ? (
            <Text color="secondary">{t('overview.problems.none', 'No failed or missed runs among the latest.')}</Text>
          ) : (
            <RunList runs={problems} />
          )}
        </section>

        <section data-testid={testIds.overview.nextRuns}>
          <Text element="h3">{t('overview.next.title', 'Next scheduled runs')}</Text>
          {upcoming.length === 0 ? (
            <Text color="secondary">{t('overview.next.none', 'No active schedules.')}</Text>
          ) : (
            upcoming.map((s) => (
              <Stack key={s.id} gap={1} alignItems="center">
                <Text weight="medium">{s.name}</Text>
                <Text color="secondary">{tierLabel(s.tier)}</Text>
                <Text>{dateTimeFormat(s.nextFireAt ?? '', { timeZone: s.timezone })}</Text>
                <Text color="secondary">{s.timezone}</Text>
              </Stack>
            ))
          )}
        </section>
      </div>
    </PluginPage>
  );
}

function RunList({ runs }: { runs: Awaited<ReturnType<typeof inspectionsApi.list>> }) {
  return (
    <Stack direction="column" gap={0.5}>
      {runs.map((run) => (
        <Stack key={run.id} gap={1} alignItems="center">
          <Badge color={stateColor(run.state)} text={stateLabel(run.state)} />
          <Text>
            {run.trigger.kind === 'schedule'
              ? run.trigger.scheduleName
              : t('overview.runs.manual', 'Manual run by {{actor}}', { ...RAW_VALUES, actor: run.trigger.actor })}
          </Text>
          <Text color="secondary">{tierLabel(run.tier)}</Text>
          <Text color="secondary">{dateTimeFormatTimeAgo(run.fireAt ?? run.createdAt)}</Text>
          {run.error && (
            <Text color="error" truncate>
              {run.error}
            </Text>
          )}
        </Stack>
      ))}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css`
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(420px, 1fr));
    gap: ${theme.spacing(3)};
  `,
});
