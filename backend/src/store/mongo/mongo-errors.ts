import { ConflictError } from '../../errors/domain-errors.js';

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;

const messageOf = (e: Record<string, unknown>): string => {
  const m = e.errmsg ?? e.message;
  return typeof m === 'string' ? m : '';
};

/** Whether `err` is MongoDB's duplicate-key error (E11000; 11001 on very old servers). */
export function isDuplicateKey(err: unknown): boolean {
  const code = asRecord(err)?.code;
  return code === 11000 || code === 11001;
}

/** Our unique indexes by name, for messages that name the index but not the field. */
const INDEX_FIELDS: Readonly<Record<string, string>> = {
  _id_: '_id',
  name_unique: 'name',
  hash_unique: 'hash',
  live_name_unique: 'name',
  request_unique: 'requestId',
  occurrence_unique: 'scheduleId',
  inspection_instance_unique: 'inspectionId',
};

/**
 * The field a duplicate-key error is about (`name`, `hash`, `_id`; the first field for compound keys), or `undefined`
 * when `err` is not a duplicate-key error or does not say.
 */
export function duplicateKeyField(err: unknown): string | undefined {
  const e = asRecord(err);
  if (!e || !isDuplicateKey(e)) return undefined;
  for (const source of [e.keyPattern, e.keyValue, asRecord(e.errorResponse)?.keyPattern]) {
    const first = Object.keys(asRecord(source) ?? {})[0];
    if (first !== undefined) return first;
  }
  // Without keyPattern only the message tells: `... index: name_unique dup key: { name: "x" }`.
  const message = messageOf(e);
  const keyed = /dup key: \{ *"?([A-Za-z_$][\w.$]*)"? *:/.exec(message)?.[1];
  if (keyed !== undefined) return keyed;
  const index = /index: (\S+)/.exec(message)?.[1];
  return index !== undefined ? INDEX_FIELDS[index] : undefined;
}

/**
 * Rethrows a write error as the domain error the other adapters throw: a duplicate `name` becomes the usual
 * `ConflictError`, a duplicate token `hash` a `ConflictError` too; anything else is rethrown unchanged.
 */
export function translateWriteError(err: unknown, what: { kind: string; name: string }): never {
  const field = duplicateKeyField(err);
  if (field === 'name') {
    throw new ConflictError(`a ${what.kind} named "${what.name}" already exists`, { field: 'name' });
  }
  if (field === 'hash' && what.kind === 'token') {
    throw new ConflictError('a token with this hash already exists', { field: 'hash' });
  }
  throw err;
}

/** Whether `err` says an identical index is being built right now (by another starter), i.e. try again shortly. */
export function isIndexBuildInProgress(err: unknown): boolean {
  const e = asRecord(err);
  return e?.code === 285 || e?.codeName === 'IndexBuildAlreadyInProgress';
}

const NO_TRANSACTIONS = [
  // The server's answer on a standalone mongod (code 20, IllegalOperation); older wording ends "on storage engines ...".
  /Transaction numbers are only allowed on/i,
  // The driver rewords that same code-20 error when the failing command is a write, keeping it as `originalError`.
  /does not support retryable writes/i,
  /does not support sessions/i,
];

/**
 * Whether `err`, raised while running a transaction, means the deployment cannot run transactions at all (a
 * standalone mongod) rather than that this transaction failed.
 */
export function isTransactionsUnsupported(err: unknown): boolean {
  let e = asRecord(err);
  for (let depth = 0; e && depth < 5; depth++) {
    const message = messageOf(e);
    if (NO_TRANSACTIONS.some((re) => re.test(message))) return true;
    e = asRecord(e.originalError ?? e.cause);
  }
  return false;
}
