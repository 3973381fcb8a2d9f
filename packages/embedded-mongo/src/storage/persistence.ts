/**
 * The storage layer's only view of durability. The storage records every acknowledged
 * mutation as plain BSON-serialisable journal records; an implementation (the journal in
 * `../journal/`, or none for in-memory mode) makes them durable. The journal knows nothing of
 * commands: it stores, replays and compacts records.
 */
import type { Document } from "bson";

/** A namespace: `<database>.<collection>`. */
export type Namespace = string;

/**
 * One mutation, idempotent on replay: a "put" carries the whole document as it is after the
 * write, so replaying a record twice leaves the same state.
 *
 * Documents are BSON documents as decoded with `promoteValues: false` semantics preserved
 * (Int32, Double, Long and Decimal128 keep their types once serialised by `bson`).
 */
export type JournalRecord =
  /** Insert or replace the document whose `_id` is `doc._id`. */
  | { t: "put"; ns: Namespace; doc: Document }
  /** Remove the document with this `_id` (absent ids are ignored). */
  | { t: "del"; ns: Namespace; id: unknown }
  /** Create the collection if it does not exist (options as given to `create`). */
  | { t: "createCollection"; ns: Namespace; options: Document }
  /** Drop the collection with its documents and indexes. */
  | { t: "dropCollection"; ns: Namespace }
  /** Drop every collection of a database. */
  | { t: "dropDatabase"; db: string }
  /** Create a secondary index (spec as stored by listIndexes: `{ v, key, name, unique?, ... }`). */
  | { t: "createIndex"; ns: Namespace; spec: Document }
  /** Drop a secondary index by name. */
  | { t: "dropIndex"; ns: Namespace; name: string }
  /** Rename a collection (documents and indexes follow). */
  | { t: "renameCollection"; from: Namespace; to: Namespace }
  /** Replace a collection's options (collMod: validator, a view's pipeline...). */
  | { t: "collMod"; ns: Namespace; options: Document };

export interface Persistence {
  /**
   * Records of one acknowledged write, appended atomically (all or none survive a crash);
   * resolves once durable enough: fsynced when `durable` is true, written to the OS otherwise.
   * Calls from one caller are appended in call order; concurrent calls may be group-committed.
   */
  append(records: JournalRecord[], options: { durable: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** What the journal needs from the storage: replay at open, a full snapshot for compaction. */
export interface ReplayableStore {
  applyRecord(record: JournalRecord): void;
  snapshotRecords(): Iterable<JournalRecord>;
}

/** In-memory mode: nothing to make durable. */
export const noPersistence: Persistence = {
  append: async () => {},
  close: async () => {},
};
