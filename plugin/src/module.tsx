import React, { lazy, Suspense } from 'react';
import { AppPlugin, type AppPluginMeta, type AppRootProps, type PluginConfigPageProps } from '@grafana/data';
import { initPluginTranslations } from '@grafana/i18n';
import { LoadingPlaceholder } from '@grafana/ui';

import type { AppSettings } from './components/AppConfig/AppConfig';
import pluginJson from './plugin.json';

// Translations load before any page: t() called at render time then already sees the user's language.
const translationsReady = initPluginTranslations(pluginJson.id);

const LazyApp = lazy(async () => {
  await translationsReady;
  const { App } = await import('./components/App/App');
  return { default: App };
});

const LazyAppConfig = lazy(async () => {
  await translationsReady;
  const { AppConfig } = await import('./components/AppConfig/AppConfig');
  return { default: AppConfig };
});

const App = (props: AppRootProps<AppSettings>) => <LazyApp {...props} />;

const AppConfig = (props: PluginConfigPageProps<AppPluginMeta<AppSettings>>) => (
  <Suspense fallback={<LoadingPlaceholder text="" />}>
    <LazyAppConfig {...props} />
  </Suspense>
);

export const plugin = new AppPlugin<AppSettings>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
