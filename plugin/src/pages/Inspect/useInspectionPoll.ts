import { useCallback, useEffect, useState } from 'react';

import { inspectionsApi, type Inspection } from '../../api/inspections';
import { isFinished } from './inspect.utils';

interface Polled {
  id: string;
  run?: Inspection;
  error?: unknown;
}

/** Follows one inspection: polls GET /inspections/{id} every `intervalMs` until it finishes. */
export function useInspectionPoll(id: string | undefined, intervalMs: number) {
  const [polled, setPolled] = useState<Polled>();

  useEffect(() => {
    if (!id) {
      return;
    }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const run = await inspectionsApi.get(id);
        if (!live) {
          return;
        }
        setPolled({ id, run });
        if (isFinished(run)) {
          return;
        }
      } catch (error) {
        if (!live) {
          return;
        }
        setPolled((p) => ({ id, run: p?.id === id ? p.run : undefined, error }));
      }
      timer = setTimeout(tick, intervalMs);
    };
    tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id, intervalMs]);

  /** Shows an inspection the page already holds (the answer to a run or a cancel) without waiting for a poll. */
  const setRun = useCallback((run: Inspection) => setPolled({ id: run.id, run }), []);
  const current = polled && polled.id === id ? polled : undefined;
  return { run: current?.run, error: current?.error, setRun };
}
