import React from 'react';
import { t } from '@grafana/i18n';
import { Alert, Stack, Text } from '@grafana/ui';

import type { ConnectionTest } from '../../../api/inventory';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { engineLabel } from '../../../components/labels/labels';
import { testIds } from '../../../components/testIds';
import { RAW_VALUES } from '../../../i18n-values';

export type ConnectionTestState =
  { kind: 'running' } | { kind: 'done'; result: ConnectionTest } | { kind: 'failed'; error: unknown };

export function ConnectionResult({ state, onClose }: { state: ConnectionTestState; onClose: () => void }) {
  if (state.kind === 'running') {
    return <Text color="secondary">{t('inventory.test.running', 'Connecting…')}</Text>;
  }
  if (state.kind === 'failed') {
    return <ApiErrorAlert error={state.error} onRemove={onClose} />;
  }
  const result = state.result;
  if (!result.ok) {
    return (
      <Alert severity="error" title={t('inventory.test.failed', 'Connection failed')} onRemove={onClose}>
        <span data-testid={testIds.inventory.connectionResult}>{result.error}</span>
      </Alert>
    );
  }
  const missing = result.missingPrivileges;
  return (
    <Alert
      severity={missing.length > 0 ? 'warning' : 'success'}
      title={t('inventory.test.ok', 'Connected')}
      onRemove={onClose}
    >
      <div data-testid={testIds.inventory.connectionResult}>
        <Stack direction="column" gap={0.5}>
          <Text>
            {t('inventory.test.summary', '{{flavor}} {{version}}, {{role}}', {
              ...RAW_VALUES,
              flavor: engineLabel(result.flavor),
              version: result.version,
              role:
                result.role === 'primary'
                  ? t('inventory.test.primary', 'primary')
                  : t('inventory.test.replica', 'replica'),
            })}
          </Text>
          {missing.length > 0 ? (
            <Text>
              {t('inventory.test.missing', 'Missing privileges: {{privileges}}', {
                ...RAW_VALUES,
                privileges: missing.join(', '),
              })}
            </Text>
          ) : (
            <Text color="secondary">
              {t('inventory.test.allPrivileges', 'The account has every privilege DB Patrol uses.')}
            </Text>
          )}
        </Stack>
      </div>
    </Alert>
  );
}
