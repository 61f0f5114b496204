import { t } from '@grafana/i18n';
import type { BadgeColor } from '@grafana/ui';

import type { InspectionState, Tier } from '../../api/inspections';
import type { Engine } from '../../api/inventory';
import type { HealthBucket } from '../../pages/Overview/overview.utils';

/** Display names of the backend's enums; called at render time so the user's language applies. */
export function healthLabel(bucket: HealthBucket): string {
  switch (bucket) {
    case 'critical':
      return t('labels.severity.critical', 'Critical');
    case 'warning':
      return t('labels.severity.warning', 'Warning');
    case 'info':
      return t('labels.severity.info', 'Info');
    case 'healthy':
      return t('labels.health.healthy', 'Healthy');
    case 'uninspected':
      return t('labels.health.uninspected', 'Not inspected yet');
  }
}

export function healthColor(bucket: HealthBucket): BadgeColor {
  switch (bucket) {
    case 'critical':
      return 'red';
    case 'warning':
      return 'orange';
    case 'info':
      return 'blue';
    case 'healthy':
      return 'green';
    case 'uninspected':
      return 'darkgrey';
  }
}

export function stateLabel(state: InspectionState): string {
  switch (state) {
    case 'queued':
      return t('labels.state.queued', 'Queued');
    case 'running':
      return t('labels.state.running', 'Running');
    case 'succeeded':
      return t('labels.state.succeeded', 'Succeeded');
    case 'partial':
      return t('labels.state.partial', 'Partial');
    case 'failed':
      return t('labels.state.failed', 'Failed');
    case 'cancelled':
      return t('labels.state.cancelled', 'Cancelled');
    case 'missed':
      return t('labels.state.missed', 'Missed');
  }
}

export function stateColor(state: InspectionState): BadgeColor {
  switch (state) {
    case 'succeeded':
      return 'green';
    case 'running':
    case 'queued':
      return 'blue';
    case 'partial':
      return 'orange';
    case 'failed':
    case 'missed':
      return 'red';
    case 'cancelled':
      return 'darkgrey';
  }
}

export function tierLabel(tier: Tier): string {
  switch (tier) {
    case 'daily':
      return t('labels.tier.daily', 'Daily');
    case 'weekly':
      return t('labels.tier.weekly', 'Weekly');
    case 'monthly':
      return t('labels.tier.monthly', 'Monthly');
    case 'annual':
      return t('labels.tier.annual', 'Annual');
  }
}

export function engineLabel(engine: Engine | string): string {
  switch (engine) {
    case 'mysql':
      return 'MySQL';
    case 'mariadb':
      return 'MariaDB';
    case 'postgres':
      return 'PostgreSQL';
    default:
      return engine;
  }
}

/** A label as shown on badges: data, not translated text. */
export const formatLabel = (key: string, value: string) => (value ? `${key}=${value}` : key);
