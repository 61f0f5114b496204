import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** Paths of the app's pages below PLUGIN_BASE_URL; each also has an `includes` entry in plugin.json. */
export enum ROUTES {
  Overview = 'overview',
  Inventory = 'inventory',
  Inspect = 'inspect',
  Schedules = 'schedules',
  Reports = 'reports',
  Checks = 'checks',
}

export const prefixRoute = (route: string) => `${PLUGIN_BASE_URL}/${route}`;
