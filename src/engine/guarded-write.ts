/**
 * Read, decide, write, without locks: a document carries a revision number, a write only
 * lands on the revision it was decided from, and a decision overtaken by another writer is
 * taken again on fresh data. Concurrent requests on one record thus serialise, and each
 * sees the state the previous one left (e.g. of twenty concurrent "end"s exactly one wins).
 */
import type { Collection, Filter, OptionalUnlessRequiredId, WithoutId } from "mongodb";
import { isDuplicateKeyError } from "./mongo-errors.ts";

/** A document whose writes are guarded by `rev`, bumped on every guarded write. */
export interface Revisioned {
  _id: string;
  rev: number;
}

/** What to answer, and the next state of the document (absent: write nothing). */
export interface Decision<D extends Revisioned, R> {
  result: R;
  next?: Omit<D, "rev">;
}

const defaultAttempts = 64;

/**
 * Decides on the document `_id` (null when it does not exist yet) and writes the decided
 * next state only if nobody wrote in between; otherwise decides again.
 * Throws only when writers keep overtaking each other for `attempts` rounds.
 */
export async function guardedWrite<D extends Revisioned, R>(
  collection: Collection<D>,
  _id: string,
  decide: (current: D | null) => Decision<D, R>,
  attempts = defaultAttempts,
): Promise<R> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = (await collection.findOne({ _id } as Filter<D>)) as D | null;
    const { result, next } = decide(current);
    if (next === undefined) return result;
    if (current === null) {
      try {
        await collection.insertOne({ ...next, _id, rev: 1 } as OptionalUnlessRequiredId<D>);
        return result;
      } catch (error) {
        if (isDuplicateKeyError(error)) continue; // created meanwhile: decide again on it
        throw error;
      }
    }
    const { _id: _kept, ...fields } = next as Omit<D, "rev"> & { _id: string }; // a replacement keeps the stored _id
    const replacement = { ...fields, rev: current.rev + 1 };
    const written = await collection.replaceOne({ _id, rev: current.rev } as Filter<D>, replacement as unknown as WithoutId<D>);
    if (written.matchedCount === 1) return result;
  }
  throw new Error(`${collection.collectionName} ${_id}: overtaken by concurrent writers ${attempts} times`);
}
