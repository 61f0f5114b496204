import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import { setTemplateSrv, type TemplateSrv } from '@grafana/runtime';

/** A dashboard variable as far as interpolation cares: its current value, or All with its options and allValue. */
export interface FakeVariable {
  current: string | string[];
  options?: string[];
  allValue?: string;
}

const ALL_SELECTED = '$__all';

/**
 * Grafana's TemplateSrv.replace as documented for datasources: `$name` and `${name}`; scoped vars first; a multi
 * value goes through the format function (or becomes `{a,b}` without one); "All" is the variable's custom allValue,
 * returned unformatted, or else every option.
 */
export function installTemplateSrv(variables: Record<string, FakeVariable>): void {
  const srv: TemplateSrv = {
    getVariables: () =>
      Object.keys(variables).map((name) => ({ name, type: 'query' }) as unknown as TypedVariableModel),
    containsTemplate: (target) => Boolean(target && /\$\w|\$\{/.test(target)),
    updateTimeRange: () => {},
    replace(target?: string, scopedVars?: ScopedVars, format?: string | Function) {
      return (target ?? '').replace(/\$(\w+)|\$\{(\w+)\}/g, (match, plain?: string, braced?: string) => {
        const name = (plain ?? braced)!;
        const scoped = scopedVars?.[name];
        const variable = variables[name];
        if (scoped === undefined && variable === undefined) {
          return match;
        }
        let value: unknown = scoped !== undefined ? scoped.value : variable!.current;
        if (scoped === undefined && (value === ALL_SELECTED || (Array.isArray(value) && value[0] === ALL_SELECTED))) {
          if (variable!.allValue !== undefined) {
            return variable!.allValue;
          }
          value = variable!.options ?? [];
        }
        if (typeof format === 'function') {
          return String(format(value));
        }
        return Array.isArray(value)
          ? value.length > 1
            ? `{${value.join(',')}}`
            : String(value[0] ?? '')
          : String(value);
      });
    },
  };
  setTemplateSrv(srv);
}
