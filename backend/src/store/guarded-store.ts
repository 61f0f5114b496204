import type { AgendaBackend, JobRepository, NotificationChannel } from 'agenda';
import { DuplicateKeyError, StoreUnavailableError } from '../errors/domain-errors.js';
import type { Logger } from '../logging/logger.js';
import { retriesStoreCalls, StoreAvailability, summary } from './store-availability.js';
import { isDuplicateKeyViolation, isStoreUnavailable } from './store-unavailable.js';
import type { Store } from './store.js';

export interface GuardedStore extends Store {
  readonly availability: StoreAvailability;
}

export interface GuardOptions {
  logger?: Pick<Logger, 'warn' | 'info' | 'debug'>;
  /** Pauses between probes of a store that is down (tests shorten them). */
  probePauses?: { firstMs: number; maxMs: number };
}

type Policy = 'scoped' | 'always';

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof (v as { then?: unknown } | null)?.then === 'function';

function unavailable(err: unknown): StoreUnavailableError {
  const e = new StoreUnavailableError('the store is unavailable; try again shortly');
  (e as Error).cause = err;
  return e;
}

/**
 * The store every process uses: an error that means "cannot reach the store" becomes `StoreUnavailableError` (503),
 * and inside `withStoreRetries` (a worker's job) the call waits until the store answers again and is retried.
 * Agenda's job writes get the same treatment, and its unique-key violations become `DuplicateKeyError`.
 */
export function guardStore(inner: Store, options: GuardOptions = {}): GuardedStore {
  const logger = options.logger;
  const availability = new StoreAvailability(() => inner.ping(), logger, options.probePauses);

  const settle = async <T>(first: PromiseLike<T>, again: () => PromiseLike<T>, policy: Policy): Promise<T> => {
    let attempt = first;
    for (;;) {
      try {
        const result = await attempt;
        availability.markUp();
        return result;
      } catch (err) {
        if (!isStoreUnavailable(err)) throw isDuplicateKeyViolation(err) ? duplicate(err) : err;
        availability.markDown(err);
        if (policy === 'scoped' && !retriesStoreCalls()) throw unavailable(err);
        await availability.whenAvailable();
        attempt = again();
      }
    }
  };

  const guard = <R extends object>(target: R, policyOf: (method: string) => Policy = () => 'scoped'): R => {
    const wrapped = new Map<PropertyKey, unknown>();
    return new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop, t);
        if (typeof value !== 'function') return value;
        if (!wrapped.has(prop)) {
          const fn = value as (...args: unknown[]) => unknown;
          const policy = policyOf(String(prop));
          wrapped.set(prop, (...args: unknown[]) => {
            const first = fn.apply(t, args);
            return isThenable(first) ? settle(first, () => fn.apply(t, args) as PromiseLike<unknown>, policy) : first;
          });
        }
        return wrapped.get(prop);
      },
    });
  };

  // Every repository the store has, present and future, goes through the guard: a proxy, not a list to keep in step.
  const own: Partial<Record<keyof GuardedStore, unknown>> = {
    availability,
    ping: () => settle(inner.ping(), () => inner.ping(), 'scoped'),
    agendaBackend: () => guardAgendaBackend(inner.agendaBackend(), guard, logger),
    close: async () => {
      availability.close();
      await inner.close();
    },
  };
  const repositories = new Map<PropertyKey, unknown>();
  return new Proxy(inner, {
    get(t, prop) {
      if (Object.prototype.hasOwnProperty.call(own, prop)) return own[prop as keyof GuardedStore];
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value === 'function') return (value as (...args: unknown[]) => unknown).bind(t);
      if (typeof value !== 'object' || value === null) return value;
      if (!repositories.has(prop)) repositories.set(prop, guard(value));
      return repositories.get(prop);
    },
  }) as GuardedStore;
}

function duplicate(err: unknown): DuplicateKeyError {
  const e = new DuplicateKeyError('a record with the same unique key exists');
  (e as Error).cause = err;
  return e;
}

/**
 * Agenda's view of the store. A job's state writes (`saveJobState`: its start, its `touch()` heartbeats, its end)
 * and the lock releases Agenda fires without awaiting wait out an outage wherever they are called from: a job
 * locked before the outage then starts or finishes once the store is back, instead of failing and keeping its lock
 * until the lock expires. Polls (`getNextJobToRun`) fail fast, so a worker takes no job while the store is down.
 */
function guardAgendaBackend(
  backend: AgendaBackend,
  guard: <R extends object>(target: R, policyOf?: (method: string) => Policy) => R,
  logger: GuardOptions['logger'],
): AgendaBackend {
  const repository: JobRepository = guard(backend.repository, (method) =>
    method === 'saveJobState' || method === 'unlockJob' ? 'always' : 'scoped',
  );
  // unlockJob is called without await or catch by Agenda's job processor: it must never reject.
  const unlockJob = repository.unlockJob.bind(repository);
  const safeRepository = new Proxy(repository, {
    get(t, prop) {
      if (prop === 'unlockJob')
        return (...args: Parameters<JobRepository['unlockJob']>) =>
          unlockJob(...args).catch((err: unknown) =>
            logger?.warn({ err: summary(err) }, 'could not release a job lock; it expires on its own'),
          );
      return Reflect.get(t, prop, t) as unknown;
    },
  });
  const channel = backend.notificationChannel;
  if (channel) watchChannel(channel, logger);
  return {
    name: backend.name,
    repository: safeRepository,
    ...(channel ? { notificationChannel: channel } : {}),
    ...(backend.logger ? { logger: backend.logger } : {}),
    ownsConnection: backend.ownsConnection ?? false,
    connect: () => backend.connect(),
    disconnect: () => backend.disconnect(),
  };
}

/**
 * A notification channel emits 'error' when its LISTEN session dies (57P01 on a store restart) and on each failed
 * reconnect; with no listener that would end the process. Log the loss once and the reconnection once.
 */
function watchChannel(channel: NotificationChannel, logger: GuardOptions['logger']): void {
  let lostAt: number | undefined;
  let retry: NodeJS.Timeout | undefined;
  channel.on('error', (err: Error) => {
    if (!isStoreUnavailable(err)) {
      logger?.warn({ err: summary(err) }, 'store notification channel error');
      return;
    }
    if (lostAt === undefined) {
      lostAt = Date.now();
      logger?.warn({ err: summary(err) }, 'store notification channel lost; reconnecting');
    } else {
      logger?.debug({ err: summary(err) }, 'store notification channel still reconnecting');
    }
  });
  channel.on('stateChange', (state) => {
    if (state === 'connected' && lostAt !== undefined) {
      logger?.info({ afterMs: Date.now() - lostAt }, 'store notification channel reconnected');
      lostAt = undefined;
    }
    // The channel gives up after its own attempts: keep trying, slowly, for as long as the process runs.
    if (state === 'error' && !retry) {
      retry = setTimeout(() => {
        retry = undefined;
        channel.connect().catch(() => undefined);
      }, 5000);
      retry.unref();
    }
  });
}
