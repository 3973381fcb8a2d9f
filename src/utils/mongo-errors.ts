/**
 * Recognising the database errors concepts expect: a unique index refusing a second
 * document is how a concept learns, atomically, that something already exists.
 */
import type { Collection, Filter, OptionalUnlessRequiredId } from "mongodb";
import type { ErrorOutput } from "../engine/concept.ts";
import { insertGrouped } from "./grouped-inserts.ts";

const duplicateKeyCode = 11000;

/** True for a unique index violation, whether reported alone or inside a bulk write. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === duplicateKeyCode;
}

/**
 * Runs `write`; a duplicate key becomes `{ error, reason: "conflict" }`, any other failure
 * stays an exception (an outage or a bug, not the client's mistake).
 */
export async function conflictOnDuplicate<T>(write: () => Promise<T>, message: string): Promise<T | ErrorOutput> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKeyError(error)) return { error: message, reason: "conflict" };
    throw error;
  }
}

/**
 * Inserts `doc` unless a document with its `_id` exists: `inserted` tells which, `stored` is
 * the document that now stands (null only if it was deleted in between). Concurrent calls
 * share one insert command (see grouped-inserts.ts).
 */
export async function insertOnce<T extends { _id: string }>(
  collection: Collection<T>,
  doc: OptionalUnlessRequiredId<T> & T,
): Promise<{ inserted: boolean; stored: T | null }> {
  try {
    await insertGrouped(collection, doc);
    return { inserted: true, stored: doc };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const stored = (await collection.findOne({ _id: doc._id } as Filter<T>)) as T | null;
    return { inserted: false, stored };
  }
}
