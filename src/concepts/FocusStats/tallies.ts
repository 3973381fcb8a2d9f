/**
 * Running tallies (a user's totals, a user's day) that each focus session counts towards
 * exactly once. A tally document lists the sessions it counts, and every change is one
 * conditional update on that list: adding a session already counted, or retracting one
 * not counted, matches nothing. Replays after a crash and concurrent duplicates are thus
 * harmless, and no read comes before a write.
 */
import { randomUUID } from "node:crypto";
import type { Collection, Filter, UpdateFilter } from "mongodb";
import { isDuplicateKeyError } from "../../engine/mongo-errors.ts";

export interface Tally {
  _id: string;
  focusSessionIds: string[];
}

/** Adds `amounts` to the tally identified by `key` (created if missing), unless it already counts `session`. */
export async function countOnce<T extends Tally>(
  tallies: Collection<T>,
  key: Partial<T>,
  session: string,
  amounts: Record<string, number>,
): Promise<void> {
  const notYetCounted = { ...key, focusSessionIds: { $ne: session } } as Filter<T>;
  const update = {
    $push: { focusSessionIds: session },
    $inc: amounts,
    $setOnInsert: { _id: randomUUID() },
  } as unknown as UpdateFilter<T>;
  try {
    await tallies.updateOne(notYetCounted, update, { upsert: true });
  } catch (error) {
    // The tally exists (already counting the session, or created meanwhile): count without creating.
    if (!isDuplicateKeyError(error)) throw error;
    const { $setOnInsert: _creation, ...counting } = update;
    await tallies.updateOne(notYetCounted, counting);
  }
}

/** Takes `amounts` back out of the tally identified by `key`, if it counts `session`. */
export async function uncount<T extends Tally>(
  tallies: Collection<T>,
  key: Partial<T>,
  session: string,
  amounts: Record<string, number>,
): Promise<void> {
  const negated = Object.fromEntries(Object.entries(amounts).map(([field, amount]) => [field, -amount]));
  await tallies.updateOne({ ...key, focusSessionIds: session } as Filter<T>, {
    $pull: { focusSessionIds: session },
    $inc: negated,
  } as unknown as UpdateFilter<T>);
}
