/** TTL indexes: documents whose indexed date is older than `expireAfterSeconds` are deleted. */
import { getPath } from "../query/path.ts";
import type { JournalRecord } from "./persistence.ts";
import type { Store } from "./store.ts";

/** Deletes every expired document; returns the journal records of the deletions. */
export function sweepExpired(store: Store, now: number): JournalRecord[] {
  const log: JournalRecord[] = [];
  for (const db of store.databaseNames()) {
    for (const collection of store.collections(db)) {
      for (const index of collection.indexes.values()) {
        const seconds = index.spec.expireAfterSeconds;
        if (typeof seconds !== "number" || index.paths.length !== 1) continue;
        const filter = { [index.paths[0]!]: { $lt: new Date(now - seconds * 1000) } };
        const expired = [...collection.candidates(filter)].filter((doc) => expiredAt(doc, index.paths[0]!, now - seconds * 1000));
        for (const doc of expired) collection.remove(doc, log);
      }
    }
  }
  return log;
}

/** mongod expires a document when its field (or the earliest date of an array) is past. */
function expiredAt(doc: Record<string, unknown>, field: string, threshold: number): boolean {
  const value = getPath(doc, field);
  const dates = (Array.isArray(value) ? value : [value]).filter((v): v is Date => v instanceof Date);
  return dates.length > 0 && Math.min(...dates.map((d) => d.getTime())) < threshold;
}
