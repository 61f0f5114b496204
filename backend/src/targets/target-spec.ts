import { z } from 'zod';

import { InputError } from '../errors/domain-errors.js';

/** What the operator registered the instance as. */
export type Engine = 'mysql' | 'mariadb' | 'postgres';

/** What the server turned out to be (a `mysql` target may well be a MariaDB server). */
export type Flavor = 'mysql' | 'mariadb' | 'postgres';

/** TLS with libpq's mode names; `ca` is PEM text, not a path. */
export interface TlsOptions {
  mode: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
  ca?: string;
}

/** How to reach one database instance with the monitoring account. */
export interface TargetSpec {
  engine: Engine;
  host: string;
  port: number;
  user: string;
  password?: string;
  /** MySQL/MariaDB: default schema of every session; PostgreSQL: default database (`postgres` when absent). */
  database?: string;
  /** Absent means `prefer`. */
  tls?: TlsOptions;
  /** Default 5000. */
  connectTimeoutMs?: number;
  /** Default 15000. */
  statementTimeoutMs?: number;
  /** Default 3000. */
  lockTimeoutMs?: number;
  /** Connections per pool (PostgreSQL: per database). Default 2. */
  poolSize?: number;
  /** Default `dbpatrol`. */
  applicationName?: string;
}

/** Facts about the server, read once per target. */
export interface ServerFacts {
  /** The engine the target was registered with. */
  engine: Engine;
  /** The engine the server reports. */
  flavor: Flavor;
  /** `10.11.19`, `8.0.36`, `15.20`. */
  version: string;
  /** major*10000+minor*100+patch for MySQL/MariaDB (101119); `server_version_num` for PostgreSQL (150020). */
  versionNum: number;
  /** As the server reports it: `10.11.19-MariaDB-0+deb12u1`, `15.20 (Debian 15.20-0+deb12u1)`. */
  versionString: string;
  role: 'primary' | 'replica';
  uptimeSeconds: number;
  /** `@@hostname` on MySQL/MariaDB; PostgreSQL has no equivalent. */
  hostname?: string;
  /** MySQL/MariaDB `@@read_only`; PostgreSQL: in recovery. */
  readOnly: boolean;
}

/** Per-statement options. */
export interface QueryOptions {
  /** Check id; becomes the statement comment `/* dbpatrol:<tag> *\/` (default `/* dbpatrol *\/`). */
  tag?: string;
  /** Overrides the session's statement timeout for this statement only. */
  timeoutMs?: number;
}

/** One pooled, read-only connection; release it when done. */
export interface TargetSession {
  readonly database?: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<T[]>;
  /** Returns the connection to its pool; idempotent. */
  release(): Promise<void>;
}

/** A database instance (PostgreSQL: the whole cluster) reached through small read-only pools. */
export interface Target {
  readonly spec: Readonly<TargetSpec>;
  /** Cached after the first successful call. */
  facts(): Promise<ServerFacts>;
  /**
   * PostgreSQL: a session in `database` (one pool of `poolSize` per database).
   * MySQL/MariaDB: one pool per instance; the session `USE`s `database` (or the spec's default database).
   */
  session(database?: string): Promise<TargetSession>;
  /** A statement in the default database on a session taken and released around it. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<T[]>;
  /** Databases a check may visit: PostgreSQL those allowing connections except templates; MySQL schemata except system ones. */
  listDatabases(): Promise<string[]>;
  /** Ends every pool, releasing sessions still held. */
  close(): Promise<void>;
}

/** A spec with every default filled in. */
export type ResolvedTargetSpec = Required<Omit<TargetSpec, 'password' | 'database'>> &
  Pick<TargetSpec, 'password' | 'database'>;

export const TARGET_DEFAULTS = {
  connectTimeoutMs: 5000,
  statementTimeoutMs: 15000,
  lockTimeoutMs: 3000,
  poolSize: 2,
  applicationName: 'dbpatrol',
} as const;

export const DEFAULT_PORTS: Record<Engine, number> = { mysql: 3306, mariadb: 3306, postgres: 5432 };

const milliseconds = (max: number) => z.number().int().min(1).max(max);

export const tlsOptionsSchema = z.object({
  mode: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']),
  ca: z
    .string()
    .refine((s) => s.includes('-----BEGIN CERTIFICATE-----'), 'must be PEM text (-----BEGIN CERTIFICATE-----)')
    .optional(),
});

export const targetSpecSchema = z.object({
  engine: z.enum(['mysql', 'mariadb', 'postgres']),
  host: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9._:-]+$/, 'must be a host name or an IP address'),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1).max(128),
  password: z.string().max(1024).optional(),
  database: z.string().min(1).max(128).optional(),
  tls: tlsOptionsSchema.optional(),
  connectTimeoutMs: milliseconds(600_000).optional(),
  statementTimeoutMs: milliseconds(86_400_000).optional(),
  lockTimeoutMs: milliseconds(86_400_000).optional(),
  poolSize: z.number().int().min(1).max(32).optional(),
  applicationName: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII')
    .optional(),
}) satisfies z.ZodType<TargetSpec>;

/** A per-statement `timeoutMs` goes into SQL text, so it must be a plain positive integer. */
export function checkTimeoutMs(ms: number): number {
  if (!Number.isInteger(ms) || ms < 1 || ms > 86_400_000) {
    throw new RangeError(`timeoutMs must be an integer from 1 to 86400000, got ${ms}`);
  }
  return ms;
}

/** Validates untrusted input into a spec; throws an `InputError` naming each bad field. */
export function parseTargetSpec(input: unknown): TargetSpec {
  const result = targetSpecSchema.safeParse(input);
  if (!result.success) {
    throw new InputError(result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data;
}

/** Validates a spec and fills in the defaults. */
export function resolveTargetSpec(spec: TargetSpec): ResolvedTargetSpec {
  const valid = parseTargetSpec(spec);
  return {
    engine: valid.engine,
    host: valid.host,
    port: valid.port,
    user: valid.user,
    password: valid.password,
    database: valid.database,
    tls: valid.tls ?? { mode: 'prefer' },
    connectTimeoutMs: valid.connectTimeoutMs ?? TARGET_DEFAULTS.connectTimeoutMs,
    statementTimeoutMs: valid.statementTimeoutMs ?? TARGET_DEFAULTS.statementTimeoutMs,
    lockTimeoutMs: valid.lockTimeoutMs ?? TARGET_DEFAULTS.lockTimeoutMs,
    poolSize: valid.poolSize ?? TARGET_DEFAULTS.poolSize,
    applicationName: valid.applicationName ?? TARGET_DEFAULTS.applicationName,
  };
}

/** The spec without its password (and without the CA's text), for logs and JSON. */
export function describeSpec(spec: Readonly<TargetSpec>): Omit<TargetSpec, 'password'> {
  const copy: TargetSpec = { ...spec };
  delete copy.password;
  if (copy.tls?.ca) copy.tls = { mode: copy.tls.mode, ca: '[pem]' };
  return copy;
}
