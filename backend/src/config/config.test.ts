import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8470, host: '127.0.0.1', dataDir: './data', logLevel: 'info' });
    expect(c.storeUrl).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lets explicit overrides (CLI options) win over the environment', () => {
    expect(loadConfig({ DBPATROL_PORT: '9000' }, { DBPATROL_PORT: '9100' }).port).toBe(9100);
  });

  it('lists every problem at once, each naming its variable', () => {
    let error: unknown;
    try {
      loadConfig({
        DBPATROL_PORT: '70000',
        DBPATROL_STORE_URL: 'mysql://x',
        DBPATROL_SECRET_KEY: 'c2hvcnQ=',
        DBPATROL_LOG_LEVEL: 'loud',
        DBPATROL_API_TOKEN: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems).toEqual(
      expect.arrayContaining([
        'DBPATROL_PORT: must be ≤ 65535',
        'DBPATROL_STORE_URL: must start with postgres://, postgresql:// or mongodb://',
        'DBPATROL_SECRET_KEY: must be the base64 encoding of exactly 32 bytes',
        'DBPATROL_API_TOKEN: must be at least 16 characters',
      ]),
    );
    expect(problems.some((p) => p.startsWith('DBPATROL_LOG_LEVEL:'))).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DBPATROL_STORE_URL: '', DBPATROL_PORT: '' }).port).toBe(8470);
  });
});

describe('DBPATROL_METRICS_PUBLIC', () => {
  it.each([
    { value: undefined, metricsPublic: false },
    { value: 'false', metricsPublic: false },
    { value: 'true', metricsPublic: true },
  ])('$value → $metricsPublic', ({ value, metricsPublic }) => {
    expect(loadConfig(value === undefined ? {} : { DBPATROL_METRICS_PUBLIC: value }).metricsPublic).toBe(metricsPublic);
  });

  it('refuses anything but true or false, naming the variable', () => {
    expect(() => loadConfig({ DBPATROL_METRICS_PUBLIC: 'yes' })).toThrow(
      /DBPATROL_METRICS_PUBLIC: must be true or false/,
    );
  });
});

describe('DBPATROL_PROMETHEUS_URL', () => {
  it('is absent by default and sets the host metrics source with an optional token file', () => {
    expect(loadConfig({}).hostMetrics).toBeUndefined();
    expect(loadConfig({ DBPATROL_PROMETHEUS_URL: 'http://prom:9090' }).hostMetrics).toEqual({
      prometheusUrl: 'http://prom:9090',
    });
    expect(
      loadConfig({ DBPATROL_PROMETHEUS_URL: 'https://prom/', DBPATROL_PROMETHEUS_TOKEN_FILE: '/run/secrets/prom' })
        .hostMetrics,
    ).toEqual({ prometheusUrl: 'https://prom/', tokenFile: '/run/secrets/prom' });
  });

  it('refuses a URL that is not http(s), naming the variable', () => {
    expect(() => loadConfig({ DBPATROL_PROMETHEUS_URL: 'ftp://prom' })).toThrow(/DBPATROL_PROMETHEUS_URL: /);
    expect(() => loadConfig({ DBPATROL_PROMETHEUS_URL: 'not a url' })).toThrow(/DBPATROL_PROMETHEUS_URL: /);
  });
});

describe('inspection limits per worker process', () => {
  it.each([
    [{}, { fleet: 8, perServer: 2 }],
    [
      { DBPATROL_INSPECT_CONCURRENCY: '32', DBPATROL_INSPECT_PER_SERVER: '4' },
      { fleet: 32, perServer: 4 },
    ],
  ])('%j → %j', (env, limits) => {
    expect(loadConfig(env).worker.inspectLimits).toEqual(limits);
  });

  it.each([
    ['DBPATROL_INSPECT_CONCURRENCY', '0', 'must be ≥ 1'],
    ['DBPATROL_INSPECT_CONCURRENCY', 'many', 'must be a number'],
    ['DBPATROL_INSPECT_PER_SERVER', '1.5', 'must be an integer'],
    ['DBPATROL_INSPECT_PER_SERVER', '65', 'must be ≤ 64'],
  ])('%s=%s is refused: %s', (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(`${key}: ${message}`);
  });
});
