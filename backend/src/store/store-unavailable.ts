const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;

/**
 * PostgreSQL SQLSTATEs that mean "the server is going away or not there yet", not "this statement is wrong":
 * class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now) and 53300 (too
 * many connections).
 */
const PG_UNAVAILABLE = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** Socket errors of a connect, or of a connection dropped under a query. */
const SOCKET_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
]);

/** What node-postgres says when a connection dies or cannot be made (it sets no code on these). */
const PG_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/** MongoDB driver errors about reaching the deployment, not about the operation itself. */
const MONGO_UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
]);

/**
 * MongoDB server codes of a node shutting down or stepping down: InterruptedAtShutdown, ShutdownInProgress,
 * PrimarySteppedDown, NotWritablePrimary, NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary,
 * InterruptedDueToReplStateChange, HostUnreachable, HostNotFound, NetworkTimeout, SocketException.
 */
const MONGO_UNAVAILABLE_CODES = new Set([11600, 91, 189, 10107, 13435, 13436, 11602, 6, 7, 89, 9001]);

function isOwnUnavailable(e: Record<string, unknown>): boolean {
  const code = e.code;
  if (typeof code === 'string' && (PG_UNAVAILABLE.has(code) || SOCKET_UNAVAILABLE.has(code))) return true;
  // A Unix-socket store that is stopped has no socket file: ENOENT, but only from a connect.
  if (code === 'ENOENT' && e.syscall === 'connect') return true;
  if (typeof code === 'number' && MONGO_UNAVAILABLE_CODES.has(code)) return true;
  if (typeof e.name === 'string' && MONGO_UNAVAILABLE_NAMES.has(e.name)) return true;
  const labels = e.errorLabelSet instanceof Set ? e.errorLabelSet : undefined;
  if (labels?.has('ResetPool') || labels?.has('SystemOverloadedError')) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return PG_MESSAGES.some((re) => re.test(message));
}

/**
 * Whether `err` says the store could not be reached (refused, reset, shutting down, no server selected), as opposed
 * to an error of the statement itself. Looks through `cause` chains and aggregate errors.
 */
export function isStoreUnavailable(err: unknown): boolean {
  let e = asRecord(err);
  for (let depth = 0; e && depth < 6; depth++) {
    if (isOwnUnavailable(e)) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner) => isStoreUnavailable(inner))) return true;
    e = asRecord(e.cause ?? e.originalError);
  }
  return false;
}

/** Whether `err` is a unique-key violation: PostgreSQL 23505, MongoDB E11000 (11001 on very old servers). */
export function isDuplicateKeyViolation(err: unknown): boolean {
  const code = asRecord(err)?.code;
  return code === '23505' || code === 11000 || code === 11001;
}
