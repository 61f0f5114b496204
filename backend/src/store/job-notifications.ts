import type { NotificationChannel } from 'agenda';

/**
 * A notification channel that carries "a job is due" notices only, and connects once however often it is asked. Agenda also broadcasts every job's start, success
 * and complete to every process when the channel can, which costs three NOTIFYs per job and a parse in each other
 * worker; DB Patrol never listens to another process's job events (state lives in the store), so those are left out.
 */
export function dueNoticesOnly(inner: NotificationChannel): NotificationChannel {
  // Connecting twice would open a second LISTEN session and leak the first: an API process connects to publish, and
  // Agenda connects again if that process later starts working.
  let connecting: Promise<void> | undefined;
  const channel: NotificationChannel = {
    get state() {
      return inner.state;
    },
    connect: () => {
      if (inner.state === 'connected') return Promise.resolve();
      connecting ??= inner.connect().finally(() => {
        connecting = undefined;
      });
      return connecting;
    },
    disconnect: () => (inner.state === 'disconnected' ? Promise.resolve() : inner.disconnect()),
    subscribe: (handler) => inner.subscribe(handler),
    publish: (notification) => inner.publish(notification),
    on(event: 'stateChange' | 'error', listener: (arg: never) => void) {
      inner.on(event as 'error', listener as (error: Error) => void);
      return channel;
    },
    off(event: 'stateChange' | 'error', listener: (arg: never) => void) {
      inner.off(event as 'error', listener as (error: Error) => void);
      return channel;
    },
  } as NotificationChannel;
  return channel;
}
