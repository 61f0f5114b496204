/** A problem with input a caller can fix; `path` names the offending field (`port`, `tls.mode`). */
export interface IssueDetail {
  path: string;
  message: string;
}

/** Base of every error a service may throw; the HTTP layer maps `code` to a status. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details: unknown;

  constructor(message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class InputError extends DomainError {
  readonly code = 'invalid_input';
  declare readonly details: IssueDetail[];

  constructor(issues: IssueDetail[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues);
  }

  static field(path: string, message: string): InputError {
    return new InputError([{ path, message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

export class UnavailableError extends DomainError {
  readonly code = 'unavailable';
}

/** The target database could not be reached (refused, timed out, TLS, authentication). */
export class TargetUnreachableError extends DomainError {
  readonly code = 'target_unreachable';
}

/** The store (PostgreSQL, MongoDB) cannot be reached right now; the caller may try again shortly (HTTP 503). */
export class StoreUnavailableError extends DomainError {
  readonly code = 'store_unavailable';
}

/**
 * A write hit a unique key that another writer took first (PostgreSQL 23505, MongoDB 11000), translated by the
 * store so that callers need not know database error codes.
 */
export class DuplicateKeyError extends ConflictError {}
