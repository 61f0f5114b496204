import { InMemoryNotificationChannel, type JobId } from 'agenda';
import { describe, expect, it } from 'vitest';
import { dueNoticesOnly } from './job-notifications.js';

/** An in-memory channel that counts how often it is connected. */
class CountingChannel extends InMemoryNotificationChannel {
  connects = 0;
  override async connect(): Promise<void> {
    this.connects++;
    await new Promise((r) => setTimeout(r, 10));
    await super.connect();
  }
}

describe('dueNoticesOnly', () => {
  it('connects once however often and however concurrently it is asked, and again after a disconnect', async () => {
    const inner = new CountingChannel();
    const channel = dueNoticesOnly(inner);
    await Promise.all([channel.connect(), channel.connect()]);
    await channel.connect();
    expect(inner.connects).toBe(1);
    expect(channel.state).toBe('connected');
    await channel.disconnect();
    await channel.disconnect();
    expect(channel.state).toBe('disconnected');
    await channel.connect();
    expect(inner.connects).toBe(2);
  });

  it('carries due notices and leaves job-state broadcasts out', async () => {
    const inner = new CountingChannel();
    const channel = dueNoticesOnly(inner);
    expect(channel.publishState).toBeUndefined();
    expect(channel.subscribeState).toBeUndefined();
    await channel.connect();
    const seen: string[] = [];
    channel.subscribe((n) => {
      seen.push(n.jobName);
    });
    await channel.publish({
      jobId: '1' as JobId,
      jobName: 'inspection:immediate',
      nextRunAt: new Date(),
      priority: 0,
      timestamp: new Date(),
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(['inspection:immediate']);
  });
});
