import { config } from '@grafana/runtime';

/** Grafana's organisation roles, weakest first (None sees nothing). */
export type GrafanaRole = 'None' | 'Viewer' | 'Editor' | 'Admin';
const ORDER: readonly GrafanaRole[] = ['None', 'Viewer', 'Editor', 'Admin'];

/** The org role only: the proxy's reqRole check ignores Grafana server admin, so the UI does too. */
export function currentRole(): GrafanaRole {
  const role = config.bootData?.user?.orgRole as string | undefined;
  return ORDER.includes(role as GrafanaRole) ? (role as GrafanaRole) : 'None';
}

export function roleAtLeast(actual: GrafanaRole, required: GrafanaRole): boolean {
  return ORDER.indexOf(actual) >= ORDER.indexOf(required);
}

/**
 * What the signed-in user may do, by the same roles the proxy routes require (plugin.json `reqRole`): reads need
 * Viewer; runs, schedules and connection tests Editor; inventory, thresholds and tokens Admin.
 */
export function usePermissions() {
  const role = currentRole();
  return {
    role,
    canRead: roleAtLeast(role, 'Viewer'),
    canRun: roleAtLeast(role, 'Editor'),
    canTestConnection: roleAtLeast(role, 'Editor'),
    canEditSchedules: roleAtLeast(role, 'Editor'),
    canEditInventory: roleAtLeast(role, 'Admin'),
    canEditThresholds: roleAtLeast(role, 'Admin'),
  };
}
