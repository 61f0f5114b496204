import type { Collection, Filter } from 'mongodb';
import { ConflictError, NotFoundError, type InputError } from '../../errors/domain-errors.js';

/* Checking an inventory import plan against the stored names before writing it without a transaction, and undoing. */

export interface Named {
  id: string;
  name: string;
}

/** The stored documents a plan's checks need: those it updates and those holding a name it uses. */
export const relevantTo = (changes: { create: Named[]; update: Named[] }) => ({
  $or: [
    { _id: { $in: changes.update.map((x) => x.id) } },
    { name: { $in: [...changes.update, ...changes.create].map((x) => x.name) } },
  ],
});

/**
 * Replays one kind of a plan against the stored names, in the order the writes will run, and throws the first error
 * those writes would throw.
 */
export function checkChanges<I extends Named>(
  kind: string,
  stored: { _id: string; name: string }[],
  changes: { create: I[]; update: I[] },
  missingParent: (item: I) => InputError | undefined,
): void {
  const holderOf = new Map(stored.map((d) => [d.name, d._id]));
  const nameOf = new Map(stored.map((d) => [d._id, d.name]));
  const take = (item: I) => {
    const holder = holderOf.get(item.name);
    if (holder !== undefined && holder !== item.id) {
      throw new ConflictError(`a ${kind} named "${item.name}" already exists`, { field: 'name' });
    }
    const previous = nameOf.get(item.id);
    if (previous !== undefined) holderOf.delete(previous);
    holderOf.set(item.name, item.id);
    nameOf.set(item.id, item.name);
    const missing = missingParent(item);
    if (missing) throw missing;
  };
  for (const u of changes.update) {
    if (!nameOf.has(u.id)) throw new NotFoundError(`no ${kind} with id ${u.id}`);
    take(u);
  }
  for (const c of changes.create) take(c);
}

export function restore<D extends { _id: string }>(coll: Collection<D>, doc: D | undefined): Promise<unknown> {
  if (!doc) return Promise.resolve();
  const { _id, ...rest } = doc;
  return coll.replaceOne({ _id } as Filter<D>, rest);
}

export const remove = <D extends { _id: string }>(coll: Collection<D>, id: string): Promise<unknown> =>
  coll.deleteOne({ _id: id } as Filter<D>);

export const byId = <D extends { _id: string }>(docs: D[]) => new Map(docs.map((d) => [d._id, d]));
