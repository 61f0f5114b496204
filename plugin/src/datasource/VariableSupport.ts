import {
  CustomVariableSupport,
  FieldType,
  createDataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
} from '@grafana/data';
import { from, map, type Observable } from 'rxjs';

import type { DataSource } from './DataSource';
import type { VariableQuery } from './types';
import { VariableQueryEditor } from './VariableQueryEditor';

/** Query variables (business, host, instance, check, tier, severity) with their own editor. */
export class DBPatrolVariableSupport extends CustomVariableSupport<DataSource, VariableQuery> {
  constructor(private readonly datasource: DataSource) {
    super();
  }

  editor = VariableQueryEditor;

  query(request: DataQueryRequest<VariableQuery>): Observable<DataQueryResponse> {
    const [query] = request.targets;
    if (!query?.kind) {
      return from([{ data: [] }]);
    }
    return from(this.datasource.variableValues(query, request.scopedVars)).pipe(
      map((values) => ({
        data: [
          createDataFrame({
            refId: query.refId,
            fields: [
              { name: 'text', type: FieldType.string, values: values.map((v) => v.text) },
              { name: 'value', type: FieldType.string, values: values.map((v) => v.value) },
            ],
          }),
        ],
      }))
    );
  }
}
