import { Agenda, type Job, type JobParameters, type JobWithId, type NotificationChannel } from 'agenda';
import { DuplicateKeyError, StoreUnavailableError } from '../errors/domain-errors.js';
import type { Logger } from '../logging/logger.js';
import { withStoreRetries } from '../store/store-availability.js';
import type { Store } from '../store/store.js';
import type { Schedule } from './schedule.model.js';

export const OCCURRENCE_JOB = 'inspection:occurrence';
export const IMMEDIATE_JOB = 'inspection:immediate';
export const SNAPSHOT_JOB = 'snapshots:collect';

export interface SnapshotData {
  /** ISO UTC start of the collection slot; one job per slot across all workers. */
  slot: string;
}

export interface OccurrenceData {
  scheduleId: string;
  /** ISO UTC: the scheduled fire time; the window ends here, never at the actual start. */
  fireAt: string;
  version: number;
}

export interface ImmediateData {
  inspectionId: string;
  requestId: string;
}

export interface SchedulerOptions {
  /** Distinct per process: Agenda records it as the lock holder. */
  name: string;
  /** Poll interval in ms (numbers only: Agenda misreads "500 milliseconds"). */
  processEvery?: number;
  /** Inspections one worker runs at once (per job kind); lockLimit follows it so no worker hoards due jobs. */
  concurrency?: number;
  /** A lock older than this is presumed dead and the job re-runs elsewhere; running jobs renew it with touch(). */
  lockLifetimeMs?: number;
}

/** Agenda's job processor (a private field): what a poll does, and what `stop()` does to the jobs not started. */
interface JobProcessorInternals {
  process(): Promise<void>;
  stop(): JobWithId[];
}

// The store translates unique-key violations (an insert race lost to another process) into this.
const isDuplicate = (err: unknown): boolean => err instanceof DuplicateKeyError;

/** While the store is down every poll fails: say so once per this many ms, not at every poll. */
const OUTAGE_LOG_EVERY_MS = 30_000;

/** Agenda over the store's database: holds only the next occurrence of each active schedule, and immediate runs. */
export class Scheduler {
  readonly agenda: Agenda;
  readonly name: string;
  private readonly options: Required<SchedulerOptions>;
  private working = false;
  private started = false;
  private refill = { running: false, again: false };
  /** The store's cross-process channel (absent on MongoDB; in-memory for the single-process embedded store). */
  private readonly channel: NotificationChannel | undefined;
  private readonly multiProcess: boolean;
  private publisher: Promise<void> | undefined;

  constructor(
    store: Store,
    private readonly logger: Logger,
    options: SchedulerOptions,
  ) {
    this.options = {
      processEvery: store.singleProcess ? 1000 : 2000,
      concurrency: 4,
      lockLifetimeMs: 60_000,
      ...options,
    };
    this.name = options.name;
    const backend = store.agendaBackend();
    this.channel = backend.notificationChannel;
    this.multiProcess = !store.singleProcess;
    this.agenda = new Agenda({
      backend,
      name: this.options.name,
      processEvery: this.options.processEvery,
      maxConcurrency: this.options.concurrency * 2,
      defaultConcurrency: this.options.concurrency,
      defaultLockLimit: this.options.concurrency,
      defaultLockLifetime: this.options.lockLifetimeMs,
    });
    let outageLoggedAt = 0;
    let quiet = 0;
    this.agenda.on('error', (err: unknown) => {
      if (!(err instanceof StoreUnavailableError)) {
        this.logger.error({ err }, 'scheduler error');
        return;
      }
      if (Date.now() - outageLoggedAt < OUTAGE_LOG_EVERY_MS) {
        quiet++;
        return;
      }
      this.logger.warn({ suppressed: quiet }, 'scheduler cannot reach the store; taking no jobs until it answers');
      outageLoggedAt = Date.now();
      quiet = 0;
    });
  }

  get lockLifetimeMs(): number {
    return this.options.lockLifetimeMs;
  }

  async ready(): Promise<void> {
    await this.agenda.ready;
  }

  /** Registers the job handlers and starts taking due jobs (workers only; API-only processes just enqueue). */
  async startWorking(handlers: {
    occurrence: (job: Job<OccurrenceData>) => Promise<void>;
    immediate: (job: Job<ImmediateData>) => Promise<void>;
    snapshots?: (job: Job<SnapshotData>) => Promise<void>;
  }): Promise<void> {
    const def = {
      concurrency: this.options.concurrency,
      lockLimit: this.options.concurrency,
      lockLifetime: this.options.lockLifetimeMs,
    };
    // A job's store calls wait out an outage of the store and are retried, so what a running inspection found is
    // written when the store returns instead of being lost with a failed job.
    const resilient =
      <D>(handler: (job: Job<D>) => Promise<void>) =>
      (job: Job<D>): Promise<void> =>
        withStoreRetries(() => handler(job));
    this.agenda.define<OccurrenceData>(OCCURRENCE_JOB, resilient(handlers.occurrence), def);
    this.agenda.define<ImmediateData>(IMMEDIATE_JOB, resilient(handlers.immediate), def);
    if (handlers.snapshots)
      this.agenda.define<SnapshotData>(SNAPSHOT_JOB, resilient(handlers.snapshots), {
        concurrency: 1,
        lockLimit: 1,
        lockLifetime: this.options.lockLifetimeMs,
      });
    this.started = true;
    await this.agenda.start();
    this.working = true;
    if (!this.usesAgendaInternals()) {
      this.logger.error(
        'this Agenda version lacks the job processor DB Patrol reaches into: bursts drain one poll at a time and a ' +
          'draining worker keeps the jobs it locked ahead until their locks expire',
      );
    }
    this.agenda.on('complete', (_job: unknown, remote?: boolean) => {
      if (remote !== true) this.refillNow();
    });
  }

  /**
   * Agenda locks new jobs only at each poll (at most lockLimit per job name and process) or when told of a job due
   * before the next poll, so a burst of occurrences due at once would drain at lockLimit per poll interval, however
   * fast each one runs. When one of ours finishes, its slot is filled at once instead. One refill at a time.
   */
  private refillNow(): void {
    if (this.refill.running) {
      this.refill.again = true;
      return;
    }
    this.refill.running = true;
    setImmediate(() => {
      void (async () => {
        try {
          do {
            this.refill.again = false;
            const processor = this.processor();
            if (!this.working || !processor) return;
            await processor.process();
          } while (this.refill.again);
        } catch (err) {
          this.logger.error({ err }, 'scheduler refill failed');
        } finally {
          this.refill.running = false;
        }
      })();
    });
  }

  /**
   * Agenda connects its notification channel only when it starts working, so a process that only queues jobs (the
   * API of `serve --no-worker`) would leave workers to find them at their next poll. Connect it for publishing.
   */
  private async canPublish(): Promise<void> {
    if (this.started || !this.multiProcess || !this.channel) return;
    this.publisher ??= this.channel.connect().catch((err: unknown) => {
      this.publisher = undefined;
      this.logger.warn({ err }, 'cannot notify workers of queued jobs; they will find them at their next poll');
    });
    await this.publisher;
  }

  /** Enqueues one occurrence; a row for the same (schedule, fire time) already there is kept unless its version is stale. */
  async enqueueOccurrence(schedule: Pick<Schedule, 'id' | 'version'>, fireAt: Date): Promise<void> {
    const data: OccurrenceData = { scheduleId: schedule.id, fireAt: fireAt.toISOString(), version: schedule.version };
    await this.agenda.ready;
    for (let attempt = 0; attempt < 2; attempt++) {
      const job = this.agenda
        .create(OCCURRENCE_JOB, data)
        .schedule(fireAt)
        .unique({ 'data.scheduleId': data.scheduleId, 'data.fireAt': data.fireAt }, { insertOnly: true });
      // The repository's save answers with the row inserted or the one already there, data included, so the version
      // check needs no second query (Job.save() keeps only its id).
      let rows: JobParameters[];
      try {
        rows = [await this.agenda.db.saveJob(job.toJson(true), { lastModifiedBy: this.name })];
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        // An insert race was lost: read the winner.
        rows = (
          await this.agenda.queryJobs({
            name: OCCURRENCE_JOB,
            data: { scheduleId: data.scheduleId, fireAt: data.fireAt },
          })
        ).jobs;
      }
      const stale = rows.filter((j) => (j.data as OccurrenceData).version !== data.version && !j.lastFinishedAt);
      if (stale.length === 0) {
        // Other workers find it at their next poll; tell them now only if it is due before then.
        const row = rows[0];
        if (row?._id && fireAt.getTime() - Date.now() < this.options.processEvery) {
          await this.canPublish();
          job.attrs._id = row._id;
          job.attrs.nextRunAt = row.nextRunAt ?? fireAt;
          await this.agenda.publishJobNotification(job);
        }
        return;
      }
      // An edit raced with a chaining handler: replace the old version's row so the occurrence is not fenced away.
      await this.agenda.cancel({ ids: stale.map((j) => String(j._id)) });
    }
  }

  /** Removes every pending occurrence of a schedule; a running one's next touch() then fails and it stops. */
  async cancelOccurrences(scheduleId: string): Promise<number> {
    return this.agenda.cancel({ name: OCCURRENCE_JOB, data: { scheduleId } });
  }

  async enqueueImmediate(data: ImmediateData): Promise<void> {
    await this.canPublish();
    try {
      await this.agenda
        .create(IMMEDIATE_JOB, data)
        .schedule(new Date())
        .unique({ 'data.requestId': data.requestId }, { insertOnly: true })
        .save();
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
  }

  /** Queues the snapshot collection of one slot (the first enqueuer wins; the others are no-ops). */
  async enqueueSnapshot(slot: Date): Promise<void> {
    try {
      await this.agenda
        .create(SNAPSHOT_JOB, { slot: slot.toISOString() })
        .schedule(slot)
        .unique({ 'data.slot': slot.toISOString() }, { insertOnly: true })
        .save();
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
  }

  /** Pending occurrences of a schedule (for the reconciler and tests). */
  async pendingOccurrences(scheduleId: string): Promise<OccurrenceData[]> {
    const { jobs } = await this.agenda.queryJobs({ name: OCCURRENCE_JOB, data: { scheduleId } });
    return jobs.filter((j) => j.nextRunAt && !j.lastFinishedAt).map((j) => j.data as OccurrenceData);
  }

  /** Whether the private parts of Agenda this class uses (refill, hand-back on drain) are there once it started. */
  usesAgendaInternals(): boolean {
    const p = this.processor();
    return typeof p?.process === 'function' && typeof p.stop === 'function';
  }

  private processor(): JobProcessorInternals | undefined {
    return (this.agenda as unknown as { jobProcessor?: JobProcessorInternals }).jobProcessor;
  }

  /** Stops taking jobs and waits for running ones (SIGTERM); what does not finish re-runs elsewhere after its lock expires. */
  async drain(timeoutMs: number): Promise<void> {
    this.working = false;
    // Agenda's drain keeps the locks of jobs this process took ahead of their fire time but has not started, so no
    // other worker could run them before the lock expires (lockLifetime, a minute by default). Stop starting jobs and
    // hand those back first; the running ones still finish.
    const notStarted = this.processor()?.stop() ?? [];
    if (notStarted.length > 0) await this.agenda.db.unlockJobs(notStarted.map((j) => j.attrs._id));
    await this.agenda.drain(timeoutMs);
  }

  async stop(): Promise<void> {
    this.working = false;
    await this.agenda.stop();
    // Agenda disconnects the channel only if it started; a queue-only process connected it itself.
    if (!this.started && this.publisher) await this.channel?.disconnect();
  }
}
