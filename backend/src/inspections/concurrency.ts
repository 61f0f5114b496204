/** A counting semaphore: at most `limit` holders at once, the rest wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** A fleet-wide limit plus a limit per key (a database server's address): both must admit a run. */
export class FleetLimiter {
  private readonly fleet: Semaphore;
  private readonly perKey = new Map<string, Semaphore>();

  constructor(
    fleetLimit: number,
    private readonly keyLimit: number,
  ) {
    this.fleet = new Semaphore(fleetLimit);
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let sem = this.perKey.get(key);
    if (!sem) {
      sem = new Semaphore(this.keyLimit);
      this.perKey.set(key, sem);
    }
    const keySem = sem;
    return keySem.run(() => this.fleet.run(work));
  }
}
