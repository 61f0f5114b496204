import { useEffect, useState } from 'react';

import { schedulesApi, type Occurrence, type ScheduleInput } from '../../api/schedules';

export interface PreviewState {
  items?: Occurrence[];
  error?: unknown;
  loading: boolean;
}

/**
 * The next fire times of an unsaved form, asked of the backend `delayMs` after the last change; an answer to an
 * older form never replaces a newer one.
 */
export function useDebouncedPreview(input: ScheduleInput, delayMs: number): PreviewState {
  const key = JSON.stringify(input);
  const [state, setState] = useState<PreviewState & { key?: string }>({ loading: true });

  useEffect(() => {
    let live = true;
    const timer = setTimeout(async () => {
      try {
        const items = await schedulesApi.previewUnsaved(JSON.parse(key) as ScheduleInput, 5);
        if (live) {
          setState({ key, items, loading: false });
        }
      } catch (error) {
        if (live) {
          setState({ key, error, loading: false });
        }
      }
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, delayMs]);

  return { items: state.items, error: state.error, loading: state.key !== key };
}
