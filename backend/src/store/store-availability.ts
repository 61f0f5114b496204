import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../logging/logger.js';

export type AvailabilityLogger = Pick<Logger, 'warn' | 'info'>;

const retrying = new AsyncLocalStorage<true>();

/**
 * Runs `work` so that every store call made inside it, however deep, waits out an outage of the store and is
 * retried instead of failing: a worker keeps what its inspection found until it can write it. Outside such a scope a
 * store call fails at once with `StoreUnavailableError` (an API request answers 503 rather than hanging).
 */
export function withStoreRetries<T>(work: () => Promise<T>): Promise<T> {
  return retrying.run(true, work);
}

export const retriesStoreCalls = (): boolean => retrying.getStore() === true;

export interface AvailabilityFigures {
  available: boolean;
  /** Outages seen since start. */
  outages: number;
  /** Store calls that failed because the store could not be reached. */
  unavailableErrors: number;
  /** How long the last finished outage lasted, from the first failed call to the first answer after it. */
  lastOutageMs?: number;
}

/**
 * Whether the store answers, learned from the calls that go through it. After the first call that cannot reach it,
 * one probe per process checks it with growing pauses (250 ms up to 2 s) until it answers; callers that wait for
 * it share that probe instead of each hammering a server that is starting.
 */
export class StoreAvailability {
  private down: { since: number; waiters: (() => void)[]; timer?: NodeJS.Timeout } | undefined;
  private closed = false;
  private readonly counts = { outages: 0, unavailableErrors: 0, lastOutageMs: undefined as number | undefined };

  constructor(
    private readonly probe: () => Promise<void>,
    private readonly logger?: AvailabilityLogger,
    private readonly pauses = { firstMs: 250, maxMs: 2000 },
  ) {}

  get available(): boolean {
    return this.down === undefined;
  }

  figures(): AvailabilityFigures {
    return {
      available: this.available,
      outages: this.counts.outages,
      unavailableErrors: this.counts.unavailableErrors,
      ...(this.counts.lastOutageMs !== undefined ? { lastOutageMs: this.counts.lastOutageMs } : {}),
    };
  }

  /** A call could not reach the store. */
  markDown(err: unknown): void {
    this.counts.unavailableErrors++;
    if (this.down || this.closed) return;
    this.counts.outages++;
    this.down = { since: Date.now(), waiters: [] };
    this.logger?.warn(
      { err: summary(err) },
      'store unavailable: API requests answer 503, workers hold their results and retry',
    );
    this.scheduleProbe(this.pauses.firstMs);
  }

  /** A call got an answer. */
  markUp(): void {
    const down = this.down;
    if (!down) return;
    this.down = undefined;
    if (down.timer) clearTimeout(down.timer);
    this.counts.lastOutageMs = Date.now() - down.since;
    this.logger?.info({ outageMs: this.counts.lastOutageMs }, 'store available again');
    for (const wake of down.waiters) wake();
  }

  /** Resolves at once while the store is up, else when it answers again (or when this is closed). */
  whenAvailable(): Promise<void> {
    if (!this.down || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.down!.waiters.push(resolve));
  }

  /** Stops probing and releases every waiter (their retry then fails on the closed store). */
  close(): void {
    this.closed = true;
    const down = this.down;
    this.down = undefined;
    if (down?.timer) clearTimeout(down.timer);
    for (const wake of down?.waiters ?? []) wake();
  }

  private scheduleProbe(pauseMs: number): void {
    const down = this.down;
    if (!down) return;
    down.timer = setTimeout(() => {
      this.probe().then(
        () => this.markUp(),
        () => this.scheduleProbe(Math.min(pauseMs * 2, this.pauses.maxMs)),
      );
    }, pauseMs);
    // A CLI command that met an outage must still be able to exit.
    down.timer.unref();
  }
}

/** The parts of a driver error worth a log line (never the connection string). */
export function summary(err: unknown): Record<string, unknown> {
  const e = typeof err === 'object' && err !== null ? (err as Record<string, unknown>) : {};
  return {
    ...(typeof e.name === 'string' ? { name: e.name } : {}),
    ...(e.code !== undefined ? { code: e.code } : {}),
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}
