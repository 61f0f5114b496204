import { z } from 'zod';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must be ≥ 0')
  .max(65535, 'must be ≤ 65535');
const positiveMs = z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(100, 'must be ≥ 100');

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };
const durationMs = (v: string): number => Number(v.slice(0, -1)) * (UNIT_MS[v.slice(-1)] ?? NaN);

const envSchema = z.object({
  DBPATROL_PORT: port.default(8470),
  DBPATROL_HOST: z.string().min(1).default('127.0.0.1'),
  DBPATROL_DATA_DIR: z.string().min(1).default('./data'),
  DBPATROL_STORE_URL: z
    .string()
    .regex(
      /^(postgres|postgresql|mongodb|mongodb\+srv):\/\//,
      'must start with postgres://, postgresql:// or mongodb://',
    )
    .optional(),
  DBPATROL_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DBPATROL_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be the base64 encoding of exactly 32 bytes')
    .optional(),
  DBPATROL_LOG_LEVEL: z.enum(LEVELS).default('info'),
  DBPATROL_CONNECT_TIMEOUT_MS: positiveMs.default(5000),
  DBPATROL_STATEMENT_TIMEOUT_MS: positiveMs.default(15000),
  DBPATROL_LOCK_TIMEOUT_MS: positiveMs.default(3000),
  DBPATROL_WORKER_NAME: z.string().min(1).max(200).optional(),
  DBPATROL_WORKER_CONCURRENCY: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be ≥ 1')
    .max(64, 'must be ≤ 64')
    .default(4),
  DBPATROL_INSPECT_CONCURRENCY: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be ≥ 1')
    .max(256, 'must be ≤ 256')
    .default(8),
  DBPATROL_INSPECT_PER_SERVER: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be ≥ 1')
    .max(64, 'must be ≤ 64')
    .default(2),
  DBPATROL_POLL_MS: positiveMs.optional(),
  DBPATROL_LOCK_LIFETIME_MS: positiveMs.default(60_000),
  DBPATROL_SNAPSHOT_INTERVAL: z
    .string()
    .regex(/^\d+(s|m|h)$/, 'must be a duration like 900s, 15m or 1h')
    .refine((v) => durationMs(v) >= 10_000, 'must be at least 10s')
    .default('15m'),
  DBPATROL_SNAPSHOT_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be ≥ 1')
    .max(3660, 'must be ≤ 3660')
    .default(400),
  DBPATROL_PROMETHEUS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  DBPATROL_PROMETHEUS_TOKEN_FILE: z.string().min(1).optional(),
  DBPATROL_METRICS_PUBLIC: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly storeUrl?: string;
  readonly apiToken?: string;
  readonly secretKey?: Buffer;
  readonly logLevel: (typeof LEVELS)[number];
  readonly targets: {
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
    readonly lockTimeoutMs: number;
  };
  readonly snapshots: { readonly intervalMs: number; readonly retentionDays: number };
  /** `GET /metrics` without a token. */
  readonly metricsPublic: boolean;
  /** Host metrics source for the host checks: Prometheus over node_exporter (token read from a file, never logged). */
  readonly hostMetrics?: { readonly prometheusUrl: string; readonly tokenFile?: string };
  readonly worker: {
    readonly name?: string;
    readonly concurrency: number;
    /** Instances one worker process inspects at once, in all and per database server (host and port). */
    readonly inspectLimits: { readonly fleet: number; readonly perServer: number };
    readonly pollMs?: number;
    readonly lockLifetimeMs: number;
  };
}

/** Environment variables DB Patrol reads, with their defaults, for the README and `--help`. */
export const CONFIG_KEYS = Object.keys(envSchema.shape);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the whole environment once; every problem is listed, none is silently defaulted. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<string, string>> = {},
): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of CONFIG_KEYS) {
    const value = overrides[key] ?? env[key];
    raw[key] = value === '' ? undefined : value;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.DBPATROL_PORT,
    host: e.DBPATROL_HOST,
    dataDir: e.DBPATROL_DATA_DIR,
    ...(e.DBPATROL_STORE_URL ? { storeUrl: e.DBPATROL_STORE_URL } : {}),
    ...(e.DBPATROL_API_TOKEN ? { apiToken: e.DBPATROL_API_TOKEN } : {}),
    ...(e.DBPATROL_SECRET_KEY ? { secretKey: Buffer.from(e.DBPATROL_SECRET_KEY, 'base64') } : {}),
    logLevel: e.DBPATROL_LOG_LEVEL,
    targets: Object.freeze({
      connectTimeoutMs: e.DBPATROL_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DBPATROL_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: e.DBPATROL_LOCK_TIMEOUT_MS,
    }),
    snapshots: Object.freeze({
      intervalMs: durationMs(e.DBPATROL_SNAPSHOT_INTERVAL),
      retentionDays: e.DBPATROL_SNAPSHOT_RETENTION_DAYS,
    }),
    metricsPublic: e.DBPATROL_METRICS_PUBLIC === 'true',
    ...(e.DBPATROL_PROMETHEUS_URL
      ? {
          hostMetrics: Object.freeze({
            prometheusUrl: e.DBPATROL_PROMETHEUS_URL,
            ...(e.DBPATROL_PROMETHEUS_TOKEN_FILE ? { tokenFile: e.DBPATROL_PROMETHEUS_TOKEN_FILE } : {}),
          }),
        }
      : {}),
    worker: Object.freeze({
      ...(e.DBPATROL_WORKER_NAME ? { name: e.DBPATROL_WORKER_NAME } : {}),
      concurrency: e.DBPATROL_WORKER_CONCURRENCY,
      inspectLimits: Object.freeze({ fleet: e.DBPATROL_INSPECT_CONCURRENCY, perServer: e.DBPATROL_INSPECT_PER_SERVER }),
      ...(e.DBPATROL_POLL_MS ? { pollMs: e.DBPATROL_POLL_MS } : {}),
      lockLifetimeMs: e.DBPATROL_LOCK_LIFETIME_MS,
    }),
  });
}
