import React, { Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';

import { ROUTES } from '../../constants';
import { APP_ROUTES } from '../../routing/appRoutes';
import { PermissionGuard } from '../PermissionGuard/PermissionGuard';

export function App(_props: AppRootProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <Routes>
        {APP_ROUTES.map(({ path, role, component: Page }) => (
          <Route
            key={path}
            path={`${path}/*`}
            element={
              <PermissionGuard role={role}>
                <Page />
              </PermissionGuard>
            }
          />
        ))}
        <Route path="*" element={<Navigate to={ROUTES.Overview} replace />} />
      </Routes>
    </Suspense>
  );
}
