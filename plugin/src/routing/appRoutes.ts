import { lazy, type ComponentType } from 'react';

import { ROUTES } from '../constants';
import type { GrafanaRole } from '../hooks/useGrafanaRole';

export interface AppRoute {
  path: ROUTES;
  /** The least Grafana role that may open the page; keep it equal to the page's `includes[].role` in plugin.json. */
  role: GrafanaRole;
  component: ComponentType;
}

const Overview = lazy(async () => ({ default: (await import('../pages/Overview/Overview')).Overview }));
const Inventory = lazy(async () => ({ default: (await import('../pages/Inventory/Inventory')).Inventory }));
const Inspect = lazy(async () => ({ default: (await import('../pages/Inspect/Inspect')).Inspect }));
const Schedules = lazy(async () => ({ default: (await import('../pages/Schedules/Schedules')).Schedules }));
const Reports = lazy(async () => ({ default: (await import('../pages/Reports/Reports')).Reports }));
const Checks = lazy(async () => ({ default: (await import('../pages/Checks/Checks')).Checks }));

/** The app's pages: adding one is a folder under pages/, an entry here and an `includes` entry in plugin.json. */
export const APP_ROUTES: AppRoute[] = [
  { path: ROUTES.Overview, role: 'Viewer', component: Overview },
  { path: ROUTES.Inventory, role: 'Viewer', component: Inventory },
  { path: ROUTES.Inspect, role: 'Viewer', component: Inspect },
  { path: ROUTES.Schedules, role: 'Viewer', component: Schedules },
  { path: ROUTES.Reports, role: 'Viewer', component: Reports },
  { path: ROUTES.Checks, role: 'Viewer', component: Checks },
];
