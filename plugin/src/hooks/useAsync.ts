import { useCallback, useEffect, useState } from 'react';

export interface AsyncState<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  /** Loads again (after a mutation); the previous data stays visible meanwhile. */
  reload: () => void;
}

interface Settled<T> {
  key: string;
  data?: T;
  error?: unknown;
}

/** Runs `load` on mount and whenever `deps` (JSON-serialisable) change; a stale answer never overwrites a newer one. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [generation, setGeneration] = useState(0);
  const [settled, setSettled] = useState<Settled<T>>({ key: '' });
  const key = JSON.stringify([generation, ...deps]);

  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setSettled({ key, data }),
      (error: unknown) => live && setSettled((s) => ({ key, data: s.data, error }))
    );
    return () => {
      live = false;
    };
    // `load` is a new closure on every render; `key` captures what it depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: settled.data, error: settled.error, loading: settled.key !== key, reload };
}
