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
 * The documents this process last wrote (or read), by id, at most `capacity` of them (the
 * oldest forgotten first). A guarded write may decide on a remembered document instead of
 * reading it: the revision check still refuses the write if anyone wrote since, and then the
 * document is read afresh. Only a write is trusted this way; a decision that writes nothing
 * (a refusal) is taken again on a fresh read, since a stale copy could refuse wrongly.
 */
export class RecentDocuments<D extends Revisioned> {
  private readonly docs = new Map<string, D>();

  constructor(private readonly capacity = 10_000) {}

  get(_id: string): D | undefined {
    return this.docs.get(_id);
  }

  set(doc: D): void {
    this.docs.delete(doc._id);
    this.docs.set(doc._id, doc);
    if (this.docs.size > this.capacity) this.docs.delete(this.docs.keys().next().value as string);
  }

  forget(_id: string): void {
    this.docs.delete(_id);
  }
}

/**
 * Decides on the document `_id` (null when it does not exist yet) and writes the decided
 * next state only if nobody wrote in between; otherwise decides again.
 * With `recent`, the first decision may be taken on the copy this process last saw, saving
 * the read when nobody else wrote since (the usual case: one process starts and ends a session).
 * Throws only when writers keep overtaking each other for `attempts` rounds.
 */
export async function guardedWrite<D extends Revisioned, R>(
  collection: Collection<D>,
  _id: string,
  decide: (current: D | null) => Decision<D, R>,
  { attempts = defaultAttempts, recent }: { attempts?: number; recent?: RecentDocuments<D> } = {},
): Promise<R> {
  let remembered = recent?.get(_id);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = remembered ?? ((await collection.findOne({ _id } as Filter<D>)) as D | null);
    const fromMemory = remembered !== undefined;
    remembered = undefined;
    const { result, next } = decide(current);
    if (next === undefined) {
      if (fromMemory) continue; // a refusal must rest on the stored state: read it
      if (current !== null) recent?.set(current);
      return result;
    }
    if (current === null) {
      try {
        const created = { ...next, _id, rev: 1 } as D;
        await collection.insertOne(created as OptionalUnlessRequiredId<D>);
        recent?.set(created);
        return result;
      } catch (error) {
        if (isDuplicateKeyError(error)) continue; // created meanwhile: decide again on it
        throw error;
      }
    }
    const { _id: _kept, ...fields } = next as Omit<D, "rev"> & { _id: string }; // a replacement keeps the stored _id
    const replacement = { ...fields, rev: current.rev + 1 };
    const written = await collection.replaceOne({ _id, rev: current.rev } as Filter<D>, replacement as unknown as WithoutId<D>);
    if (written.matchedCount === 1) {
      recent?.set({ ...replacement, _id } as unknown as D);
      return result;
    }
    recent?.forget(_id);
  }
  throw new Error(`${collection.collectionName} ${_id}: overtaken by concurrent writers ${attempts} times`);
}
