/**
 * Open cursors: the rest of a query's results waiting for getMore. Batches stop at the
 * requested count or when they would pass the reply size limit.
 */
import { BSON, Long, type Document } from "bson";
import { MongoServerFailure } from "./errors.ts";

/** Replies stay under mongod's 16 MiB document limit with room for the envelope. */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
export const DEFAULT_FIRST_BATCH = 101;
/** mongod's cursorTimeoutMillis: a cursor left alone this long is closed. */
export const CURSOR_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

export interface Batch {
  id: Long;
  docs: Document[];
}

export class CursorRegistry {
  private readonly open = new Map<string, OpenCursor>();
  private next = BigInt(Date.now()) * 1000n;

  /** Takes the first batch; keeps a cursor open only if documents remain. */
  start(ns: string, docs: Document[], batchSize: number | undefined, singleBatch = false): Batch {
    const cursor: OpenCursor = { ns, docs, position: 0, lastUsed: Date.now() };
    const batch = takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    if (singleBatch || cursor.position >= docs.length) return { id: Long.ZERO, docs: batch };
    this.next += 1n;
    const id = Long.fromBigInt(this.next);
    this.open.set(id.toString(), cursor);
    return { id, docs: batch };
  }

  more(id: Long, ns: string, batchSize: number | undefined): Batch {
    const key = id.toString();
    const cursor = this.open.get(key);
    if (!cursor) throw new MongoServerFailure(43, "CursorNotFound", `cursor id ${key} not found`);
    if (cursor.ns !== ns) {
      throw new MongoServerFailure(13, "Unauthorized", `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    }
    cursor.lastUsed = Date.now();
    const docs = takeBatch(cursor, batchSize ?? Number.MAX_SAFE_INTEGER);
    if (cursor.position >= cursor.docs.length) {
      this.open.delete(key);
      return { id: Long.ZERO, docs };
    }
    return { id, docs };
  }

  /** Closes cursors; returns which ids were open and which were not. */
  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.open.delete(id.toString()) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  /** Closes cursors idle since before `now - idleMs`, as mongod's cursor timeout does. */
  closeIdle(now: number, idleMs = CURSOR_IDLE_TIMEOUT_MS): void {
    for (const [id, cursor] of this.open) if (now - cursor.lastUsed > idleMs) this.open.delete(id);
  }

  get size(): number {
    return this.open.size;
  }
}

function takeBatch(cursor: OpenCursor, limit: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  while (cursor.position < cursor.docs.length && batch.length < limit) {
    const doc = cursor.docs[cursor.position]!;
    bytes += BSON.calculateObjectSize(doc);
    if (bytes > MAX_BATCH_BYTES && batch.length > 0) break;
    batch.push(doc);
    cursor.position += 1;
  }
  return batch;
}
