import { config } from '@grafana/runtime';

// Every test starts as a signed-in Viewer unless it says otherwise (see setGrafanaRole in render.tsx).
beforeEach(() => {
  config.bootData.user.orgRole = 'Viewer' as typeof config.bootData.user.orgRole;
  config.bootData.user.isGrafanaAdmin = false;
});
