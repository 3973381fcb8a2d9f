/**
 * Open cursors: the rest of a query's results waiting for getMore. Batches stop at the
 * requested count or when they would pass the reply size limit. A cursor holds its matches
 * as stored (references, not copies), shapes each batch (projection) only as it is sent, and
 * lets go of what it sent.
 * Bounded as mongod bounds them: an idle cursor is closed after `idleMs` (mongod's
 * cursorTimeoutMillis, 10 minutes) unless opened with `noCursorTimeout`, and no more than
 * `maxOpen` are open at once on the whole server.
 */
import { BSON, Long, type Document } from "bson";
import { MongoServerFailure } from "./errors.ts";

/** Replies stay under mongod's 16 MiB document limit with room for the envelope. */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
export const DEFAULT_FIRST_BATCH = 101;
/** mongod's cursorTimeoutMillis: a cursor left alone this long is closed. */
export const CURSOR_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** Open cursors the server keeps at most (mongod has no such cap; its memory is the bound). */
export const MAX_OPEN_CURSORS = 1000;

export interface CursorLimits {
  /** Idle time after which a cursor is closed (ms). */
  idleMs?: number;
  /** Open cursors at most, server-wide. */
  maxOpen?: number;
}

export interface CursorSource {
  ns: string;
  docs: Document[];
  /** Shapes each document as its batch is sent (a projection). */
  shape?: ((doc: Document) => Document) | undefined;
  /** Exempt from the idle timeout (find's `noCursorTimeout`). */
  noTimeout?: boolean;
}

interface OpenCursor extends CursorSource {
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
  readonly idleMs: number;
  readonly maxOpen: number;

  constructor(limits: CursorLimits = {}) {
    this.idleMs = limits.idleMs ?? CURSOR_IDLE_TIMEOUT_MS;
    this.maxOpen = limits.maxOpen ?? MAX_OPEN_CURSORS;
  }

  /**
   * Takes the first batch; keeps a cursor open only if documents remain. Refuses (146
   * ExceededMemoryLimit) when that would pass the cap on open cursors.
   */
  start(source: CursorSource, batchSize: number | undefined, singleBatch = false): Batch {
    const cursor: OpenCursor = { ...source, position: 0, lastUsed: Date.now() };
    const batch = takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    if (singleBatch || cursor.position >= cursor.docs.length) return { id: Long.ZERO, docs: batch };
    if (this.open.size >= this.maxOpen) {
      throw new MongoServerFailure(146, "ExceededMemoryLimit", `too many open cursors: the server keeps at most ${this.maxOpen}; exhaust or close (killCursors) the ones you have`);
    }
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
  closeIdle(now: number, idleMs = this.idleMs): void {
    for (const [id, cursor] of this.open) if (!cursor.noTimeout && now - cursor.lastUsed > idleMs) this.open.delete(id);
  }

  get size(): number {
    return this.open.size;
  }
}

/**
 * A batch also stops once it took this long to gather (ms): encoding and sending it costs
 * about as much again, on the thread every connection shares. A shorter batch is within the
 * protocol (mongod's stop at 16 MiB); the client's next getMore takes the rest.
 */
const BATCH_GATHER_MS = 3;

function takeBatch(cursor: OpenCursor, limit: number): Document[] {
  const batch: Document[] = [];
  const started = performance.now();
  let bytes = 0;
  while (cursor.position < cursor.docs.length && batch.length < limit) {
    if ((batch.length & 63) === 63 && performance.now() - started > BATCH_GATHER_MS) break;
    const stored = cursor.docs[cursor.position]!;
    const doc = cursor.shape ? cursor.shape(stored) : stored;
    bytes += BSON.calculateObjectSize(doc);
    if (bytes > MAX_BATCH_BYTES && batch.length > 0) break;
    batch.push(doc);
    cursor.position += 1;
  }
  // What was sent is let go of once it is most of what the cursor holds (amortized: each
  // document is copied at most once more), so a long read in batches holds only what is left.
  if (cursor.position > 1024 && cursor.position * 2 > cursor.docs.length) {
    cursor.docs = cursor.docs.slice(cursor.position);
    cursor.position = 0;
  }
  return batch;
}
