import { DataSourcePlugin } from '@grafana/data';
import { initPluginTranslations } from '@grafana/i18n';

import { ConfigEditor } from './ConfigEditor';
import { DataSource } from './DataSource';
import pluginJson from './plugin.json';
import { QueryEditor } from './QueryEditor';
import type { DBPatrolOptions, DBPatrolQuery } from './types';

// The nested datasource is its own plugin with its own translation namespace.
void initPluginTranslations(pluginJson.id);

export const plugin = new DataSourcePlugin<DataSource, DBPatrolQuery, DBPatrolOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
