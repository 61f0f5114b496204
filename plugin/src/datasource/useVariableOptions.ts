import { useEffect, useState } from 'react';
import type { ComboboxOption } from '@grafana/ui';
import { getTemplateSrv } from '@grafana/runtime';

import type { DataSource } from './DataSource';
import type { VariableKind } from './types';

export interface VariableOptions {
  options: Array<ComboboxOption<string>>;
  loading: boolean;
  error?: string;
}

/** The dashboard's own variables first (`$business`), then the backend's values of that kind. */
export function useVariableOptions(
  datasource: DataSource,
  kind: VariableKind,
  businessId?: string,
  hostId?: string,
  enabled = true
): VariableOptions {
  const key = JSON.stringify([kind, businessId, hostId, enabled]);
  const [settled, setSettled] = useState<VariableOptions & { key: string }>({ key: '', options: [], loading: false });
  useEffect(() => {
    if (!enabled) {
      return;
    }
    let live = true;
    const dashboardVariables = getTemplateSrv()
      .getVariables()
      .map((v) => ({ label: `$${v.name}`, value: `$${v.name}` }));
    datasource.variableValues({ refId: kind, kind, businessId, hostId }).then(
      (values) => {
        const fromBackend = values.map((v) => ({ label: v.text, value: v.value }));
        if (live) {
          setSettled({ key, options: [...dashboardVariables, ...fromBackend], loading: false });
        }
      },
      (err: { data?: { error?: { message?: string } }; message?: string }) => {
        const error = err.data?.error?.message ?? err.message ?? String(err);
        if (live) {
          setSettled({ key, options: dashboardVariables, loading: false, error });
        }
      }
    );
    return () => {
      live = false;
    };
    // `key` captures kind, businessId, hostId and enabled.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasource, key]);
  return enabled && settled.key !== key ? { options: settled.options, loading: true } : settled;
}

/** A Combobox value that may not be among the options (a typed `$variable`, an id not loaded yet). */
export function optionFor(options: Array<ComboboxOption<string>>, value: string): ComboboxOption<string> {
  return options.find((o) => o.value === value) ?? { label: value, value };
}
