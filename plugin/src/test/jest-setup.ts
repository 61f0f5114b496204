import { configure } from '@testing-library/react';
import { config } from '@grafana/runtime';

// findBy*/waitFor give up after 1 s by default: too short for @grafana/ui trees on a busy 2-core CI machine.
configure({ asyncUtilTimeout: 5000 });

// Every test starts as a signed-in Viewer unless it says otherwise (see setGrafanaRole in render.tsx).
beforeEach(() => {
  config.bootData.user.orgRole = 'Viewer' as typeof config.bootData.user.orgRole;
  config.bootData.user.isGrafanaAdmin = false;
});

// jsdom lacks ResizeObserver, which @grafana/ui's truncating Text and drawers use.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
Object.assign(window, { ResizeObserver: window.ResizeObserver ?? NoopResizeObserver });

// @grafana/ui's Combobox measures option text on a canvas; jsdom has none.
HTMLCanvasElement.prototype.getContext = (() => ({
  measureText: (text: string) => ({ width: text.length * 7 }),
})) as unknown as typeof HTMLCanvasElement.prototype.getContext;

class NoopIntersectionObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
Object.assign(window, { IntersectionObserver: window.IntersectionObserver ?? NoopIntersectionObserver });
