/**
 * Running tallies (a user's totals, a user's day) that each focus session changes exactly
 * once, without transactions.
 *
 * A change is one conditional update that both adds the amounts and writes a marker for the
 * change into the tally's `recent` list: repeating it (a replay after a crash, a concurrent
 * duplicate) matches nothing while the marker is there. A tally keeps either every marker
 * (a day: it only ever sees that day's sessions, so the list stays short, and the marker is
 * a durable proof that the change was made) or the latest `recentMarkers` (the totals, which
 * see every session of the user: there the marker only guards the short window until the
 * caller has made the change durable some other way; see FocusStats.spec.md).
 */
import { randomUUID } from "node:crypto";
import type { Collection, Filter, UpdateFilter, WithId } from "mongodb";
import { isDuplicateKeyError } from "../../utils/mongo-errors.ts";

export interface Tally {
  _id: string;
  /** Markers of the changes applied (all of them, or the latest `recentMarkers`). */
  recent: string[];
}

/** How many markers the totals keep: the latest 200 changes. */
export const recentMarkers = 200;

/** Which markers a tally keeps: every one, or only the latest `recentMarkers`. */
export type Keep = "every" | "latest";

/**
 * Adds `amounts` to the tally identified by `key` (created if missing), unless `marker` is
 * among its markers: one command. Answers the tally after the change (without its markers),
 * or null when the marker was there already and nothing changed.
 */
export async function applyOnce<T extends Tally>(
  tallies: Collection<T>,
  key: Partial<T>,
  marker: string,
  amounts: Record<string, number>,
  keep: Keep,
): Promise<WithId<T> | null> {
  const notYetApplied = { ...key, recent: { $ne: marker } } as Filter<T>;
  const markers = keep === "every" ? { recent: marker } : { recent: { $each: [marker], $slice: -recentMarkers } };
  const applying = { $push: markers, $inc: amounts } as unknown as UpdateFilter<T>;
  const options = { returnDocument: "after", projection: { recent: 0 } } as const;
  try {
    return await tallies.findOneAndUpdate(notYetApplied, { ...applying, $setOnInsert: { _id: randomUUID() } } as UpdateFilter<T>, { ...options, upsert: true });
  } catch (error) {
    // The tally exists: it holds the marker (so the upsert tried to create a second one), or
    // another change created it meanwhile. Apply without creating: null means the former.
    if (!isDuplicateKeyError(error)) throw error;
    return await tallies.findOneAndUpdate(notYetApplied, applying, options);
  }
}

export function negated(amounts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(amounts).map(([field, amount]) => [field, -amount]));
}
