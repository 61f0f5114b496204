/**
 * The browser side of `npm run preview`: Grafana's frontend services, wired through their public setters, around the
 * BUILT plugin (dist/module.js) loaded as an AMD module the way Grafana's plugin loader does. The server put
 * window.grafanaBootData (role, language, theme) in its own script before this bundle.
 */
import * as emotionCss from '@emotion/css';
import * as grafanaData from '@grafana/data';
import { EventBusSrv, type AppPlugin, type AppPluginMeta, type GrafanaTheme2, type NavModelItem } from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import { config, FakeEchoSrv, locationService, setAppEvents, setEchoSrv } from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { GlobalStyles, Icon, LinkButton, ThemeContext, useStyles2 } from '@grafana/ui';
import { css, cx } from '@emotion/css';
import i18next from 'i18next';
import React, { useEffect, useMemo, useState, type ComponentType } from 'react';
import * as reactDom from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as reactJsx from 'react/jsx-runtime';
import * as reactRouter from 'react-router';
import { Route, Router, Routes, useLocation, useParams } from 'react-router';
import * as rxjs from 'rxjs';

import { installBackendSrv } from '../src/test/backendSrv';

interface PreviewBoot {
  pluginId: string;
  pluginBase: string;
  role: string;
  language: string;
}

declare global {
  interface Window {
    dbpatrolPreview: PreviewBoot;
    define?: ((deps: string[], factory: (...modules: unknown[]) => unknown) => void) & { amd?: boolean };
  }
}

const boot = window.dbpatrolPreview;
const PLUGIN_ID = boot.pluginId;

/** The modules Grafana shares with plugins (create-plugin's externals), by the names the AMD define asks for. */
const SHARED: Record<string, unknown> = {
  react: React,
  'react/jsx-runtime': reactJsx,
  'react-dom': reactDom,
  'react-router': reactRouter,
  rxjs,
  i18next,
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  '@grafana/runtime': grafanaRuntime,
};

/** A same-origin fetch: the preview server plays Grafana's plugin proxy (route match, reqRole, token injection). */
function installFetchBackendSrv() {
  installBackendSrv(async (request) => {
    const url = new URL(request.url.replace(/^\/*/, '/'), window.location.origin);
    for (const [key, value] of Object.entries(request.params ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null) {
          url.searchParams.append(key, String(item));
        }
      }
    }
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    let body: BodyInit | undefined;
    if (request.data !== undefined) {
      if (typeof request.data === 'string' || request.data instanceof Blob || request.data instanceof FormData) {
        body = request.data;
      } else {
        body = JSON.stringify(request.data);
        headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
      }
    }
    const res = await fetch(url, { method: request.method ?? 'GET', headers, body, credentials: 'same-origin' });
    const type = res.headers.get('content-type') ?? '';
    let data: unknown;
    if (request.responseType === 'blob') {
      data = await res.blob();
    } else if (request.responseType === 'arraybuffer') {
      data = await res.arrayBuffer();
    } else {
      const text = await res.text();
      data = request.responseType !== 'text' && type.includes('json') && text ? JSON.parse(text) : text;
    }
    const answerHeaders: Record<string, string> = {};
    res.headers.forEach((value, key) => (answerHeaders[key] = value));
    return { status: res.status, data, headers: answerHeaders };
  });
}

/** Grafana loads plugins with SystemJS; an AMD define that hands out the shared modules behaves the same for one. */
function loadPluginModule(): Promise<{ plugin: AppPlugin }> {
  const moduleUrl = `${boot.pluginBase}/module.js`;
  return new Promise((resolve, reject) => {
    const define = (deps: string[], factory: (...modules: unknown[]) => unknown) => {
      try {
        const modules = deps.map((name) => {
          if (name === 'module') {
            // grafana-public-path reads module.uri to find its chunks next to module.js.
            return { uri: moduleUrl };
          }
          if (!(name in SHARED)) {
            throw new Error(`the plugin imports ${name}, which the preview does not share`);
          }
          return SHARED[name];
        });
        resolve(factory(...modules) as { plugin: AppPlugin });
      } catch (err) {
        reject(err);
      }
    };
    define.amd = true;
    window.define = define;
    const script = document.createElement('script');
    script.src = moduleUrl;
    script.onerror = () => reject(new Error(`could not load ${moduleUrl}`));
    document.head.appendChild(script);
  });
}

/** What Grafana does for plugins that declare `languages`: their catalogue joins the shared i18next instance. */
async function initTranslations(language: string) {
  await i18next.init({
    resources: {},
    lng: language,
    fallbackLng: 'en-US',
    supportedLngs: ['en-US', 'zh-Hans'],
    returnEmptyString: false,
    partialBundledLanguages: true,
  });
  const res = await fetch(`${boot.pluginBase}/locales/${language}/${PLUGIN_ID}.json`);
  if (res.ok) {
    i18next.addResourceBundle(language, PLUGIN_ID, await res.json(), true, true);
  }
}

async function loadMeta(): Promise<AppPluginMeta> {
  const res = await fetch(`/api/plugins/${PLUGIN_ID}/settings`, { credentials: 'same-origin' });
  if (!res.ok) {
    throw new Error(`plugin settings: HTTP ${res.status}`);
  }
  return (await res.json()) as AppPluginMeta;
}

function useLocationFromService() {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useEffect(() => history.listen((next: typeof history.location) => setLocation(next)), [history]);
  return { history, location };
}

interface NavEntry {
  text: string;
  url: string;
  role: string;
  icon?: string;
}

const ROLE_ORDER = ['Viewer', 'Editor', 'Admin'];

function navEntries(meta: AppPluginMeta): NavEntry[] {
  return (meta.includes ?? [])
    .filter((inc) => inc.type === 'page' && inc.addToNav && inc.path)
    .map((inc) => ({ text: inc.name, url: inc.path!, role: String(inc.role ?? 'Viewer'), icon: inc.icon }))
    .filter((entry) => ROLE_ORDER.indexOf(boot.role) >= ROLE_ORDER.indexOf(entry.role));
}

function switchUrl(param: 'role' | 'lang', value: string, pathname: string) {
  const search = new URLSearchParams(window.location.search);
  search.set(param, value);
  return `${pathname}?${search.toString()}`;
}

function Chrome({ meta, children }: { meta: AppPluginMeta; children: React.ReactNode }) {
  const styles = useStyles2(getStyles);
  const { pathname } = useLocation();
  const entries = navEntries(meta);
  const active = entries.find((e) => pathname === e.url || pathname.startsWith(`${e.url}/`));
  return (
    <div className={styles.shell}>
      <header className={styles.topbar}>
        <img src={`${boot.pluginBase}/img/logo.svg`} alt="" className={styles.logo} />
        <span className={styles.brand}>{meta.name}</span>
        <span className={styles.crumb}>{active ? `› ${active.text}` : ''}</span>
        <span className={styles.spacer} />
        <span className={styles.badge} data-testid="preview-role">
          <Icon name="user" /> {boot.role}
        </span>
        {ROLE_ORDER.map((role) => (
          <LinkButton
            key={role}
            size="sm"
            fill="text"
            variant={role === boot.role ? 'primary' : 'secondary'}
            href={switchUrl('role', role, pathname)}
          >
            {role}
          </LinkButton>
        ))}
        {['en-US', 'zh-Hans'].map((lang) => (
          <LinkButton
            key={lang}
            size="sm"
            fill="text"
            variant={lang === boot.language ? 'primary' : 'secondary'}
            href={switchUrl('lang', lang, pathname)}
          >
            {lang}
          </LinkButton>
        ))}
      </header>
      <div className={styles.body}>
        <nav className={styles.nav} aria-label="DB Patrol pages">
          {entries.map((entry) => (
            <a
              key={entry.url}
              href={entry.url}
              className={cx(styles.navItem, entry === active && styles.navActive)}
              onClick={(event) => {
                event.preventDefault();
                locationService.push(entry.url);
              }}
            >
              {entry.icon ? <Icon name={entry.icon as 'cog'} /> : null} {entry.text}
            </a>
          ))}
        </nav>
        <main className={styles.main}>
          {active ? <h1 className={styles.title}>{active.text}</h1> : null}
          {children}
        </main>
      </div>
    </div>
  );
}

function AppRoot({ plugin, meta }: { plugin: AppPlugin; meta: AppPluginMeta }) {
  const location = useLocation();
  const Root = plugin.root as ComponentType<Record<string, unknown>> | undefined;
  const query = useMemo(() => Object.fromEntries(new URLSearchParams(location.search)), [location.search]);
  if (!Root) {
    return <p>The plugin has no root page.</p>;
  }
  return (
    <Root
      meta={meta}
      basename={`/a/${PLUGIN_ID}`}
      path={location.pathname}
      query={query}
      onNavChanged={(_nav: NavModelItem) => undefined}
    />
  );
}

function ConfigPage({ plugin }: { plugin: AppPlugin }) {
  const { pluginId } = useParams();
  const page = plugin.configPages?.[0];
  if (pluginId !== PLUGIN_ID || !page) {
    return <p>Unknown plugin {pluginId}</p>;
  }
  const Body = page.body;
  return <Body plugin={plugin} query={{}} />;
}

function Harness({ plugin, meta }: { plugin: AppPlugin; meta: AppPluginMeta }) {
  const { history, location } = useLocationFromService();
  return (
    <ThemeContext.Provider value={config.theme2}>
      <GlobalStyles />
      <Router location={location} navigator={history}>
        <Chrome meta={meta}>
          <Routes>
            <Route path={`/a/${PLUGIN_ID}/*`} element={<AppRoot plugin={plugin} meta={meta} />} />
            <Route path="/plugins/:pluginId" element={<ConfigPage plugin={plugin} />} />
            <Route path="*" element={<p>Not a DB Patrol page: {location.pathname}</p>} />
          </Routes>
        </Chrome>
      </Router>
    </ThemeContext.Provider>
  );
}

/** Grafana's interceptLinkClicks: a click on a link inside Grafana navigates in place instead of reloading. */
function interceptLinkClicks() {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    const anchor = (event.target as HTMLElement | null)?.closest?.('a');
    const href = anchor?.getAttribute('href');
    if (!anchor || !href || anchor.target === '_blank' || anchor.hasAttribute('download')) {
      return;
    }
    const url = new URL(href, window.location.href);
    if (
      url.origin !== window.location.origin ||
      url.pathname.startsWith('/api/') ||
      url.pathname.startsWith('/public/')
    ) {
      return;
    }
    event.preventDefault();
    locationService.push(url.pathname + url.search + url.hash);
  });
}

async function main() {
  interceptLinkClicks();
  setAppEvents(new EventBusSrv());
  setEchoSrv(new FakeEchoSrv());
  installFetchBackendSrv();
  await initTranslations(boot.language);
  const [meta, exports] = await Promise.all([loadMeta(), loadPluginModule()]);
  const plugin = exports.plugin;
  plugin.init(meta);
  plugin.meta = meta;
  const container = document.getElementById('reactRoot')!;
  createRoot(container).render(<Harness plugin={plugin} meta={meta} />);
  container.setAttribute('data-preview-ready', 'true');
}

main().catch((err: unknown) => {
  const container = document.getElementById('reactRoot')!;
  container.textContent = `The preview failed to start: ${err instanceof Error ? err.message : String(err)}`;
  container.setAttribute('data-preview-error', 'true');
  console.error(err);
});

const getStyles = (theme: GrafanaTheme2) => ({
  shell: css`
    min-height: 100vh;
    display: flex;
    flex-direction: column;
  `,
  topbar: css`
    display: flex;
    align-items: center;
    gap: ${theme.spacing(1)};
    height: 48px;
    padding: ${theme.spacing(0, 2)};
    background: ${theme.colors.background.primary};
    border-bottom: 1px solid ${theme.colors.border.weak};
  `,
  logo: css`
    width: 24px;
    height: 24px;
  `,
  brand: css`
    font-weight: ${theme.typography.fontWeightMedium};
  `,
  crumb: css`
    color: ${theme.colors.text.secondary};
  `,
  spacer: css`
    flex: 1;
  `,
  badge: css`
    color: ${theme.colors.text.secondary};
    margin-right: ${theme.spacing(1)};
  `,
  body: css`
    display: flex;
    flex: 1;
  `,
  nav: css`
    width: 220px;
    flex-shrink: 0;
    padding: ${theme.spacing(2, 1)};
    background: ${theme.colors.background.primary};
    border-right: 1px solid ${theme.colors.border.weak};
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(0.5)};
  `,
  navItem: css`
    padding: ${theme.spacing(1, 2)};
    border-radius: ${theme.shape.radius.default};
    color: ${theme.colors.text.secondary};
    &:hover {
      background: ${theme.colors.action.hover};
      color: ${theme.colors.text.primary};
    }
  `,
  navActive: css`
    background: ${theme.colors.action.selected};
    color: ${theme.colors.text.primary};
    border-left: 3px solid ${theme.colors.primary.main};
  `,
  main: css`
    flex: 1;
    min-width: 0;
    padding: ${theme.spacing(3)};
    background: ${theme.colors.background.canvas};
  `,
  title: css`
    margin-bottom: ${theme.spacing(2)};
  `,
});
