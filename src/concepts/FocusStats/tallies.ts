/**
 * Running tallies (a user's totals, a user's day) that each focus session changes exactly
 * once, without transactions and without state that grows with the history.
 *
 * A change is one conditional update that both adds the amounts and writes a marker for the
 * session into the tally's `recent` list: repeating it (a replay after a crash, a concurrent
 * duplicate) matches nothing while the marker is there. The caller then records on the
 * session's own document that the change is done, which guards every later retry; the list
 * only has to cover the short window in between, so it keeps the latest `recentMarkers`
 * markers and forgets older ones (a duplicate delayed past that many newer changes of the
 * same tally would count twice: far beyond any real retry).
 */
import { randomUUID } from "node:crypto";
import type { Collection, Filter, UpdateFilter } from "mongodb";
import { isDuplicateKeyError } from "../../engine/mongo-errors.ts";

export interface Tally {
  _id: string;
  /** Markers of the latest changes applied. */
  recent: string[];
}

export const recentMarkers = 200;

/** Adds `amounts` to the tally identified by `key` (created if missing), unless `marker` is among its recent changes. */
export async function applyOnce<T extends Tally>(
  tallies: Collection<T>,
  key: Partial<T>,
  marker: string,
  amounts: Record<string, number>,
): Promise<void> {
  const notYetApplied = { ...key, recent: { $ne: marker } } as Filter<T>;
  const update = {
    $push: { recent: { $each: [marker], $slice: -recentMarkers } },
    $inc: amounts,
    $setOnInsert: { _id: randomUUID() },
  } as unknown as UpdateFilter<T>;
  try {
    await tallies.updateOne(notYetApplied, update, { upsert: true });
  } catch (error) {
    // The tally exists (holding the marker already, or created meanwhile): apply without creating.
    if (!isDuplicateKeyError(error)) throw error;
    const { $setOnInsert: _creation, ...applying } = update;
    await tallies.updateOne(notYetApplied, applying);
  }
}

export function negated(amounts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(amounts).map(([field, amount]) => [field, -amount]));
}
