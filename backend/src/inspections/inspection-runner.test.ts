import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import type { Store } from '../store/store.js';
import type { Inspection, InstanceProgress } from './inspection.model.js';
import { finalState, runInspection } from './inspection-runner.js';
import type { InstanceInspector } from './instance-inspector.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A store that keeps one inspection in memory and delays "running" progress writes, the way a busy pool can let a
 * throttled write land after a later one if nothing orders them.
 */
function memoryStore(inspection: Inspection, runningWriteDelayMs: number) {
  let doc: Inspection = structuredClone(inspection);
  const inspections = {
    get: async () => structuredClone(doc),
    update: async (_id: string, attempt: number, patch: Partial<Inspection>) => {
      if (attempt !== doc.attempt) return false;
      doc = { ...doc, ...structuredClone(patch) };
      return true;
    },
    setProgress: async (_id: string, attempt: number, p: InstanceProgress) => {
      if (p.state === 'running') await sleep(runningWriteDelayMs);
      if (attempt !== doc.attempt) return false;
      doc = { ...doc, progress: doc.progress.map((x) => (x.instanceId === p.instanceId ? structuredClone(p) : x)) };
      return true;
    },
  };
  const store = {
    inspections,
    inventory: { getInstance: async (id: string) => ({ id, name: `name-${id}` }) },
  } as unknown as Store;
  return { store, read: () => doc };
}

function fakeInspector(checks: number): InstanceInspector {
  return {
    existingReport: async () => null,
    inspectInstance: async (instanceId: string, o: { onCheckDone?: (c: unknown, d: number, t: number) => void }) => {
      for (let i = 1; i <= checks; i++) o.onCheckDone?.({}, i, checks);
      return {
        id: `report-${instanceId}`,
        reachable: true,
        score: 90,
        checks: Array.from({ length: checks }, () => ({ status: 'pass' })),
      };
    },
  } as unknown as InstanceInspector;
}

const base: Inspection = {
  id: 'insp-1',
  trigger: { kind: 'manual', actor: 'admin' },
  tier: 'daily',
  window: { from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' },
  instanceIds: ['a', 'b'],
  state: 'queued',
  progress: [],
  cancelRequested: false,
  attempt: 1,
  createdAt: '2026-11-24T00:00:00Z',
};

describe('runInspection', () => {
  it('never lets a slow "running" progress write overwrite the final "done"', async () => {
    const { store, read } = memoryStore(base, 150);
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
    const state = await runInspection(
      base,
      { store, inspector: fakeInspector(3), logger, cancelPollMs: 50 },
      { worker: 'w1', heartbeat: async () => undefined },
    );
    expect(state).toBe('succeeded');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'inspection finished', inspectionId: 'insp-1', state: 'succeeded', instances: 2 }),
    ]);
    // Give any write that escaped ordering time to land before we look.
    await sleep(300);
    const doc = read();
    expect(doc.state).toBe('succeeded');
    expect(doc.progress.map((p) => [p.instanceId, p.state, p.checksDone, p.reportId])).toEqual([
      ['a', 'done', 3, 'report-a'],
      ['b', 'done', 3, 'report-b'],
    ]);
  });

  it.each([
    { states: ['done', 'done'], cancelled: false, expected: 'succeeded' },
    { states: ['done', 'failed'], cancelled: false, expected: 'partial' },
    { states: ['failed', 'failed'], cancelled: false, expected: 'failed' },
    { states: [], cancelled: false, expected: 'failed' },
    { states: ['done', 'done'], cancelled: true, expected: 'cancelled' },
  ] as const)('final state of $states (cancelled: $cancelled) is $expected', ({ states, cancelled, expected }) => {
    const progress = states.map((state, i) => ({
      instanceId: String(i),
      instanceName: String(i),
      state,
      checksDone: 0,
      checksTotal: 0,
    }));
    expect(finalState(progress, cancelled)).toBe(expected);
  });
});
