import React from 'react';
import { t } from '@grafana/i18n';
import { Alert } from '@grafana/ui';

import { toApiError } from '../../api/client';
import { testIds } from '../testIds';
import { RAW_VALUES } from '../../i18n-values';

interface Props {
  error: unknown;
  /** What was being done, e.g. "Could not load the inventory". */
  title?: string;
  onRemove?: () => void;
}

/** A failed backend call as a user reads it: a 403 names the missing permission instead of a bare status. */
export function ApiErrorAlert({ error, title, onRemove }: Props) {
  const err = toApiError(error);
  let heading = title ?? t('errors.generic.title', 'The request failed');
  let text = err.message;
  switch (err.kind) {
    case 'grafana_forbidden':
      heading = t('errors.forbidden.title', 'Permission denied');
      text = t(
        'errors.forbidden.grafana',
        'Your Grafana role does not allow this action ({{message}}). Ask an administrator of your organization.',
        { ...RAW_VALUES, message: err.message }
      );
      break;
    case 'forbidden':
      heading = t('errors.forbidden.title', 'Permission denied');
      text = t('errors.forbidden.backend', 'The DB Patrol backend refused this action: {{message}}', {
        ...RAW_VALUES,
        message: err.message,
      });
      break;
    case 'unauthenticated':
      heading = t('errors.unauthenticated.title', 'The backend did not accept the API token');
      text = t('errors.unauthenticated.body', 'Check the API token on the app configuration page ({{message}}).', {
        ...RAW_VALUES,
        message: err.message,
      });
      break;
    case 'network':
      text = t('errors.network.body', 'The DB Patrol backend could not be reached: {{message}}', {
        ...RAW_VALUES,
        message: err.message,
      });
      break;
  }
  return (
    <Alert severity="error" title={heading} onRemove={onRemove} data-testid={testIds.apiError}>
      {text}
      {err.fields.length > 0 && (
        <ul>
          {err.fields.map((f) => (
            <li key={f.path}>
              {f.path}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
