/**
 * Group commit for inserts: the documents concepts insert into one collection during one turn
 * of the event loop go to the database as one `insert` command (unordered), and each caller
 * still learns its own document's outcome. Under load (many requests reaching the same step at
 * once) this saves a round trip, a socket write and the server's per-command work for all but
 * one of them; alone, an insert is one command as before, sent without waiting.
 *
 * Unordered, one document's refusal (a duplicate key) fails that document's caller only; an
 * error of the whole command (a lost connection) fails every caller of the batch, each of whom
 * may retry alone (an insert that did land then answers a duplicate key, as it would have).
 */
import { MongoBulkWriteError, MongoServerError, type Collection, type Document, type OptionalUnlessRequiredId } from "mongodb";

interface Waiting {
  readonly doc: Document;
  resolve(): void;
  reject(error: unknown): void;
}

const pendingByCollection = new WeakMap<Collection<never>, Waiting[]>();

/** Inserts `doc` with the other documents inserted into `collection` in this turn; rejects with the document's own error. */
export function insertGrouped<T extends Document>(collection: Collection<T>, doc: OptionalUnlessRequiredId<T>): Promise<void> {
  const key = collection as unknown as Collection<never>;
  return new Promise<void>((resolve, reject) => {
    let pending = pendingByCollection.get(key);
    if (pending === undefined) {
      pending = [];
      pendingByCollection.set(key, pending);
      // After the I/O callbacks of this turn: every request that reached an insert in it joins.
      setImmediate(() => {
        pendingByCollection.delete(key);
        void flush(collection as unknown as Collection<Document>, pending!);
      });
    }
    pending.push({ doc, resolve, reject });
  });
}

async function flush(collection: Collection<Document>, batch: readonly Waiting[]): Promise<void> {
  try {
    if (batch.length === 1) await collection.insertOne(batch[0]!.doc);
    else await collection.insertMany(batch.map((waiting) => waiting.doc), { ordered: false });
    for (const waiting of batch) waiting.resolve();
  } catch (error) {
    const refused = error instanceof MongoBulkWriteError && error.writeConcernError === undefined ? [error.writeErrors].flat() : [];
    if (refused.length === 0) {
      // The command failed as a whole (the database away): each caller sees what a lone
      // insert would have thrown, not the driver's bulk wrapper around it.
      const cause = error instanceof MongoBulkWriteError && error.errorResponse instanceof Error ? error.errorResponse : error;
      for (const waiting of batch) waiting.reject(cause);
      return;
    }
    const byIndex = new Map(refused.map((writeError) => [writeError.index, writeError]));
    batch.forEach((waiting, index) => {
      const own = byIndex.get(index);
      if (own === undefined) waiting.resolve();
      else waiting.reject(new MongoServerError({ message: own.errmsg ?? "write error", code: own.code, errmsg: own.errmsg, keyValue: (own.errInfo as Document | undefined)?.keyValue }));
    });
  }
}
