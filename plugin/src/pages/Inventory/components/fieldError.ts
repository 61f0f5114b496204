import { toApiError } from '../../../api/client';

/** Props for a `Field` from a failed save: the backend's message on the field it names. */
export function fieldError(error: unknown, path: string): { invalid: boolean; error?: string } {
  if (error === undefined) {
    return { invalid: false };
  }
  const message = toApiError(error).fieldMessage(path);
  return message ? { invalid: true, error: message } : { invalid: false };
}

/** Whether the failed save has problems the form could not place on one of its fields. */
export function hasUnplacedError(error: unknown, placed: string[]): boolean {
  if (error === undefined) {
    return false;
  }
  const err = toApiError(error);
  return err.fields.length === 0 || err.fields.some((f) => !placed.includes(f.path));
}
