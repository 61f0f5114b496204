import React, { type ReactNode } from 'react';
import { Trans, t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import { Alert } from '@grafana/ui';

import { currentRole, roleAtLeast, type GrafanaRole } from '../../hooks/useGrafanaRole';

interface Props {
  role: GrafanaRole;
  children: ReactNode;
}

/**
 * Grafana checks `includes[].role` only on a full page load; moving between pages inside the app is client-side, so
 * each route checks the role again here.
 */
export function PermissionGuard({ role, children }: Props) {
  const actual = currentRole();
  if (roleAtLeast(actual, role)) {
    return <>{children}</>;
  }
  return (
    <PluginPage>
      <Alert severity="warning" title={t('permission.denied.title', 'You do not have access to this page')}>
        <Trans i18nKey="permission.denied.body" values={{ role, actual }}>
          This page needs the Grafana role {{ role }}; you are signed in as {{ actual }}. Ask an administrator of your
          organization for access.
        </Trans>
      </Alert>
    </PluginPage>
  );
}
