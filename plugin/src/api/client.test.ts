import { ApiError, toApiError } from './client';

describe('toApiError', () => {
  const fetchError = (status: number, data: unknown) => ({ status, statusText: `HTTP ${status}`, data, config: {} });

  it.each([
    [
      'a backend 400 with field paths',
      fetchError(400, {
        error: {
          code: 'invalid_input',
          message: 'port: must be ≤ 65535',
          details: [{ path: 'port', message: 'must be ≤ 65535' }, { bad: true }],
        },
      }),
      {
        status: 400,
        kind: 'invalid_input',
        message: 'port: must be ≤ 65535',
        fields: [{ path: 'port', message: 'must be ≤ 65535' }],
      },
    ],
    [
      'a backend 403',
      fetchError(403, { error: { code: 'forbidden', message: 'this needs the admin role' } }),
      { status: 403, kind: 'forbidden', message: 'this needs the admin role', fields: [] },
    ],
    [
      "Grafana's route refusal",
      fetchError(403, { message: 'plugin proxy route access denied' }),
      { status: 403, kind: 'grafana_forbidden', message: 'plugin proxy route access denied', fields: [] },
    ],
    [
      'a store outage',
      fetchError(503, { error: { code: 'store_unavailable', message: 'store is down' } }),
      { status: 503, kind: 'unavailable', message: 'store is down', fields: [] },
    ],
    [
      'an unreachable backend behind Grafana',
      fetchError(502, { message: 'Bad Gateway' }),
      { status: 502, kind: 'network', message: 'Bad Gateway', fields: [] },
    ],
    [
      'an unknown backend code',
      fetchError(418, { error: { code: 'teapot', message: 'short and stout' } }),
      { status: 418, kind: 'server', message: 'short and stout', fields: [] },
    ],
    ['a thrown Error', new Error('offline'), { status: 0, kind: 'network', message: 'offline', fields: [] }],
  ])('maps %s', (_name, input, expected) => {
    const err = toApiError(input);
    expect(err).toBeInstanceOf(ApiError);
    expect({ status: err.status, kind: err.kind, message: err.message, fields: err.fields }).toEqual(expected);
  });

  it('finds the message of a field', () => {
    const err = new ApiError(400, 'invalid_input', 'x', [{ path: 'tls.mode', message: 'must be one of …' }]);
    expect(err.fieldMessage('tls.mode')).toBe('must be one of …');
    expect(err.fieldMessage('tls')).toBeUndefined();
  });
});
