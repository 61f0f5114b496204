import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Badge, Button, type BadgeColor, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';

import type { InstanceRunState, Inspection } from '../../api/inspections';
import { stateColor, stateLabel, tierLabel } from '../../components/labels/labels';
import { prefixRoute, ROUTES } from '../../constants';
import { isFinished, percentDone } from './inspect.utils';
import { RAW_VALUES } from '../../i18n-values';

interface Props {
  run: Inspection;
  canCancel: boolean;
  onCancel: () => void;
}

function instanceStateLabel(state: InstanceRunState): string {
  switch (state) {
    case 'queued':
      return t('inspect.progress.queued', 'Queued');
    case 'running':
      return t('inspect.progress.running', 'Running');
    case 'done':
      return t('inspect.progress.done', 'Done');
    case 'failed':
      return t('inspect.progress.failed', 'Failed');
    case 'cancelled':
      return t('inspect.progress.cancelled', 'Cancelled');
  }
}

/** An empty cell. */
const NONE = '\u2013';

const INSTANCE_COLOR: Record<InstanceRunState, BadgeColor> = {
  queued: 'blue',
  running: 'blue',
  done: 'green',
  failed: 'red',
  cancelled: 'darkgrey',
};

/** One inspection as it runs: overall state, then each instance's checks done and its report when there is one. */
export function RunProgress({ run, canCancel, onCancel }: Props) {
  const styles = useStyles2(getStyles);
  const finished = isFinished(run);
  return (
    <section aria-label={t('inspect.progress.title', 'Progress')} className={styles.section}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Text element="h3">{t('inspect.progress.heading', 'Inspection {{id}}', { ...RAW_VALUES, id: run.id })}</Text>
        <Badge color={stateColor(run.state)} text={stateLabel(run.state)} />
        <Text color="secondary">
          {t('inspect.progress.summary', '{{tier}} · {{from}} – {{to}} · {{percent}}%', {
            ...RAW_VALUES,
            tier: tierLabel(run.tier),
            from: dateTimeFormat(run.window.from),
            to: dateTimeFormat(run.window.to),
            percent: percentDone(run),
          })}
        </Text>
        {canCancel && !finished && (
          <Button variant="destructive" size="sm" icon="times" disabled={run.cancelRequested} onClick={onCancel}>
            {run.cancelRequested
              ? t('inspect.progress.cancelling', 'Cancelling…')
              : t('inspect.progress.cancel', 'Cancel inspection')}
          </Button>
        )}
      </Stack>
      {run.error && <Text color="error">{run.error}</Text>}
      {run.progress.length === 0 && !finished && (
        <Text color="secondary">{t('inspect.progress.waiting', 'Waiting for a worker to start…')}</Text>
      )}
      <table className={styles.table}>
        <thead>
          <tr>
            <th>{t('inspect.progress.instance', 'Instance')}</th>
            <th>{t('inspect.progress.state', 'State')}</th>
            <th>{t('inspect.progress.checks', 'Checks')}</th>
            <th>{t('inspect.progress.score', 'Score')}</th>
            <th>{t('inspect.progress.report', 'Report')}</th>
          </tr>
        </thead>
        <tbody>
          {run.progress.map((p) => (
            <tr key={p.instanceId} aria-label={p.instanceName}>
              <td>{p.instanceName}</td>
              <td>
                <Badge color={INSTANCE_COLOR[p.state]} text={instanceStateLabel(p.state)} />
              </td>
              <td>
                <progress
                  className={styles.bar}
                  max={Math.max(p.checksTotal, 1)}
                  value={p.checksDone}
                  aria-label={t('inspect.progress.checksOf', '{{done}} of {{total}} checks', {
                    ...RAW_VALUES,
                    done: p.checksDone,
                    total: p.checksTotal,
                  })}
                />{' '}
                {p.checksDone}/{p.checksTotal}
                {p.error && (
                  <div>
                    <Text color="error">{p.error}</Text>
                  </div>
                )}
              </td>
              <td>{p.score ?? NONE}</td>
              <td>
                {p.reportId ? (
                  <TextLink href={prefixRoute(`${ROUTES.Reports}/${p.reportId}`)} inline={false}>
                    {t('inspect.progress.open', 'Open report')}
                  </TextLink>
                ) : (
                  NONE
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css`
    margin-top: ${theme.spacing(2)};
  `,
  table: css`
    width: 100%;
    margin-top: ${theme.spacing(1)};
    th,
    td {
      padding: ${theme.spacing(0.5, 1)};
      border-bottom: 1px solid ${theme.colors.border.weak};
      text-align: left;
      vertical-align: top;
    }
  `,
  bar: css`
    width: 120px;
    vertical-align: middle;
  `,
});
