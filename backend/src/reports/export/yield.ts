/** Lets queued I/O and timers run between chunks of a long export, so the API stays responsive. */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
