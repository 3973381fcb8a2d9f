/**
 * A minimal `ReplayableStore` for testing the journal alone: documents by namespace and `_id`,
 * enough to tell whether every acknowledged record came back, in order.
 */
import { EJSON, type Document } from "bson";
import type { JournalRecord, ReplayableStore } from "../../src/storage/persistence.ts";

export class ModelStore implements ReplayableStore {
  readonly collections = new Map<string, Map<string, Document>>();

  applyRecord(record: JournalRecord): void {
    switch (record.t) {
      case "put":
        this.#collection(record.ns).set(idKey(record.doc._id), record.doc);
        break;
      case "del":
        this.collections.get(record.ns)?.delete(idKey(record.id));
        break;
      case "createCollection":
        this.#collection(record.ns);
        break;
      case "dropCollection":
        this.collections.delete(record.ns);
        break;
      default:
        throw new Error(`the model store does not model ${record.t}`);
    }
  }

  *snapshotRecords(): Iterable<JournalRecord> {
    for (const [ns, documents] of this.collections) {
      yield { t: "createCollection", ns, options: {} };
      for (const doc of documents.values()) yield { t: "put", ns, doc };
    }
  }

  /** The documents of `ns`, or undefined when there is no such collection. */
  documents(ns: string): Document[] | undefined {
    const documents = this.collections.get(ns);
    return documents && [...documents.values()];
  }

  #collection(ns: string): Map<string, Document> {
    let documents = this.collections.get(ns);
    if (!documents) this.collections.set(ns, (documents = new Map()));
    return documents;
  }

  /** Applies records as the server would: to memory first, then to the journal. */
  write(records: JournalRecord[]): JournalRecord[] {
    for (const record of records) this.applyRecord(record);
    return records;
  }

  /** Every document as canonical Extended JSON, for comparing states including BSON types. */
  dump(): Record<string, string[]> {
    const dump: Record<string, string[]> = {};
    for (const [ns, documents] of [...this.collections].sort(([a], [b]) => a.localeCompare(b))) {
      dump[ns] = [...documents.values()].map((doc) => EJSON.stringify(doc, { relaxed: false })).sort();
    }
    return dump;
  }
}

function idKey(id: unknown): string {
  return EJSON.stringify({ id }, { relaxed: false });
}
