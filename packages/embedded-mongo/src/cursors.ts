/**
 * Open cursors: the rest of a query's results waiting for getMore. Batches stop at the
 * requested count or when they would pass the reply size limit. A cursor holds its matches
 * as stored (references, not copies), shapes each batch (projection) only as it is sent, and
 * lets go of what it sent.
 * Bounded as mongod bounds them: an idle cursor is closed after `idleMs` (mongod's
 * cursorTimeoutMillis, 10 minutes) unless opened with `noCursorTimeout`, and no more than
 * `maxOpen` are open at once on the whole server.
 * Guarded as mongod guards them: an id is random (63 bits, positive), so no id can be guessed
 * from another; a cursor answers getMore only on its namespace and for the login that opened
 * it, and killCursors only on its namespace, from that login or one that may kill any cursor.
 */
import { randomBytes } from "node:crypto";
import { BSON, Long, type Document } from "bson";
import { MongoServerFailure } from "./errors.ts";
import { encodeBatch, encodedStoredDocuments, joinBatch } from "./wire/encoded-batches.ts";

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
  /** The documents to answer, or the first of them when `rest` finds the others. */
  docs: Document[];
  /** Finds the documents after `docs` as batches are taken (see `findDocuments`). */
  rest?: Iterator<Document> | undefined;
  /** Shapes each document as its batch is sent (a projection). */
  shape?: ((doc: Document) => Document) | undefined;
  /**
   * The name of `shape` (`projectionKey`) when `docs` and `rest` give stored documents and the
   * shape depends on the document alone: their encodings are then kept (wire/kept-encodings.ts).
   */
  storedShape?: string | undefined;
  /** Exempt from the idle timeout (find's `noCursorTimeout`). */
  noTimeout?: boolean;
  /** The login that opened it (absent on a server without logins): only it may read on. */
  owner?: string | undefined;
}

/** Who asks to kill cursors, and where: mongod's `killCursors` on a namespace. */
export interface KillRequest {
  ns: string;
  /** The login asking (absent on a server without logins). */
  user?: string | undefined;
  /** Whether it may kill any user's cursor (mongod's killAnyCursor, the administrator's). */
  anyOwner: boolean;
}

interface OpenCursor extends CursorSource {
  position: number;
  lastUsed: number;
  /** The next batch, gathered while the client was busy with the last one (see `prefetch`). */
  ready?: Gathered | undefined;
}

interface Gathered {
  docs: Document[];
  bytes: number;
  /** The batch size it was gathered for. */
  limit: number;
}

/**
 * Bytes of batches gathered ahead, at most, over all cursors: a cursor's next batch is
 * gathered (and shaped: a projection copies) while its client reads the last, but a thousand
 * cursors left unread must not hold a thousand batches.
 */
export const MAX_PREFETCHED_BYTES = 64 * 1024 * 1024;

export interface Batch {
  id: Long;
  docs: Document[];
}

export class CursorRegistry {
  private readonly open = new Map<string, OpenCursor>();
  /** Bytes of the batches gathered ahead and not yet sent. */
  private prefetched = 0;
  /** Batches to gather ahead, one per turn (see `gatherNext`). */
  private readonly toGather: (() => void)[] = [];
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
    const batch = takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH).docs;
    if (singleBatch || exhausted(cursor)) return { id: Long.ZERO, docs: batch };
    if (this.open.size >= this.maxOpen) {
      throw new MongoServerFailure(146, "ExceededMemoryLimit", `too many open cursors: the server keeps at most ${this.maxOpen}; exhaust or close (killCursors) the ones you have`);
    }
    const id = this.unusedId();
    this.open.set(id.toString(), cursor);
    this.prefetch(id.toString(), cursor, batchSize ?? Number.MAX_SAFE_INTEGER);
    return { id, docs: batch };
  }

  /** The next batch, for `user` (the login asking; absent on a server without logins), as mongod's getMore. */
  more(id: Long, ns: string, batchSize: number | undefined, user?: string): Batch {
    const key = id.toString();
    const cursor = this.open.get(key);
    if (!cursor) throw new MongoServerFailure(43, "CursorNotFound", `cursor id ${key} not found`);
    if (cursor.ns !== ns) {
      throw new MongoServerFailure(13, "Unauthorized", `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    }
    if (cursor.owner !== user) throw new MongoServerFailure(13, "Unauthorized", `cursor id ${key} was not created by the authenticated user`);
    cursor.lastUsed = Date.now();
    const limit = batchSize ?? Number.MAX_SAFE_INTEGER;
    // A batch gathered ahead for the size asked now is sent as it is; otherwise its documents
    // go back (the cursor's list is only trimmed when nothing is gathered ahead).
    const ready = this.takeReady(cursor);
    if (ready !== undefined && ready.limit !== limit) cursor.position -= ready.docs.length;
    const docs = ready?.limit === limit ? ready.docs : takeBatch(cursor, limit).docs;
    if (exhausted(cursor)) {
      this.open.delete(key);
      return { id: Long.ZERO, docs };
    }
    release(cursor);
    this.prefetch(key, cursor, limit);
    return { id, docs };
  }

  /**
   * Closes the cursors the request may close; the others, as those that are not open, are
   * reported not found (and left open): whether another login's cursor exists is not told.
   */
  kill(ids: Long[], request: KillRequest): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) {
      const cursor = this.open.get(id.toString());
      const allowed = cursor !== undefined && cursor.ns === request.ns && (request.anyOwner || cursor.owner === request.user);
      (allowed && this.close(id.toString()) ? killed : notFound).push(id);
    }
    return { killed, notFound };
  }

  /** A random positive 63-bit id no open cursor has (0 means "no cursor" on the wire). */
  private unusedId(): Long {
    for (;;) {
      const id = randomBytes(8).readBigUInt64BE() >> 1n;
      if (id !== 0n && !this.open.has(id.toString())) return Long.fromBigInt(id);
    }
  }

  /** Closes cursors idle since before `now - idleMs`, as mongod's cursor timeout does. */
  closeIdle(now: number, idleMs = this.idleMs): void {
    for (const [id, cursor] of this.open) if (!cursor.noTimeout && now - cursor.lastUsed > idleMs) this.close(id);
  }

  private close(key: string): boolean {
    const cursor = this.open.get(key);
    if (cursor === undefined) return false;
    this.takeReady(cursor);
    this.open.delete(key);
    return true;
  }

  /**
   * Gathers the cursor's next batch once this turn's work is done, while the client reads the
   * last one, so that its getMore finds it ready: a long read in batches then costs its client
   * the encoding of each batch, not the search and shaping as well. Within the budget only.
   */
  private prefetch(key: string, cursor: OpenCursor, limit: number): void {
    if (this.prefetched >= MAX_PREFETCHED_BYTES) return;
    this.toGather.push(() => {
      if (this.open.get(key) !== cursor || cursor.ready !== undefined || this.prefetched >= MAX_PREFETCHED_BYTES) return;
      // Encoded as taken: the getMore's reply then only copies the bytes (encoded-batches.ts).
      const { docs, bytes } = takeBatch(cursor, limit);
      cursor.ready = { docs, bytes, limit };
      this.prefetched += bytes;
    });
    if (this.toGather.length === 1) setImmediate(this.gatherNext);
  }

  /**
   * Gathers one batch ahead per turn of the event loop: eight cursors read at once would
   * otherwise gather eight batches in every turn, and a ping arriving meanwhile wait for all.
   */
  private readonly gatherNext = (): void => {
    this.toGather.shift()?.();
    if (this.toGather.length > 0) setImmediate(this.gatherNext);
  };

  private takeReady(cursor: OpenCursor): Gathered | undefined {
    const ready = cursor.ready;
    if (ready === undefined) return undefined;
    cursor.ready = undefined;
    this.prefetched -= ready.bytes;
    return ready;
  }

  get size(): number {
    return this.open.size;
  }
}

/**
 * A long batch also stops once it took this long to gather (ms): encoding and sending it costs
 * about as much again, on the thread every connection shares. A shorter batch is within the
 * protocol (mongod's stop at 16 MiB); the client's next getMore takes the rest.
 */
const BATCH_GATHER_MS = 3;
/**
 * Documents a batch always holds before the clock may stop it (when asked for as many): a
 * batch of a few hundred gathers in well under a millisecond, and a client asking for one
 * gets it whatever the load (a loaded machine once stopped a batch of 100 at 63).
 */
const MIN_TIMED_BATCH = 1024;

/**
 * Takes the next batch from the cursor's list (without trimming it: see `release`), encoded
 * (encoded-batches.ts): encoded whole, it is known to fit a reply without measuring each
 * document; a batch that does not is measured and cut, its rest left for the next.
 */
function takeBatch(cursor: OpenCursor, limit: number): { docs: Document[]; bytes: number } {
  const first = cursor.position;
  const batch = gather(cursor, limit);
  if (cursor.storedShape !== undefined) {
    // `gather` only moves the position along the cursor's list: the stored documents are there.
    const encoded = encodedStoredDocuments(cursor.docs.slice(first, cursor.position), batch, cursor.storedShape);
    if (encoded.bytes <= MAX_BATCH_BYTES) return { docs: batch, bytes: joinBatch(batch, encoded) };
    const { lengths } = encoded;
    let kept = 0;
    for (let size = 0; kept < lengths.length && (kept === 0 || size + lengths[kept]! <= MAX_BATCH_BYTES); kept++) size += lengths[kept]!;
    cursor.position = first + kept;
    const docs = batch.slice(0, kept);
    return { docs, bytes: joinBatch(docs, encoded) };
  }
  try {
    const bytes = encodeBatch(batch);
    if (bytes <= MAX_BATCH_BYTES) return { docs: batch, bytes };
  } catch (error) {
    // Past the encoder's 17 MiB: measured below.
    if (!(error instanceof RangeError)) throw error;
  }
  let bytes = 0;
  let kept = 0;
  for (; kept < batch.length; kept++) {
    const size = BSON.calculateObjectSize(batch[kept]!);
    if (bytes + size > MAX_BATCH_BYTES && kept > 0) break;
    bytes += size;
  }
  cursor.position = first + kept;
  const docs = batch.slice(0, kept);
  return { docs, bytes: encodeBatch(docs) };
}

/** The next documents, shaped, up to `limit`, or fewer once gathering took `BATCH_GATHER_MS` (past `MIN_TIMED_BATCH`). */
function gather(cursor: OpenCursor, limit: number): Document[] {
  const batch: Document[] = [];
  const started = performance.now();
  while (batch.length < limit && !exhausted(cursor)) {
    if (batch.length >= MIN_TIMED_BATCH && (batch.length & 63) === 0 && performance.now() - started > BATCH_GATHER_MS) break;
    const stored = cursor.docs[cursor.position]!;
    batch.push(cursor.shape ? cursor.shape(stored) : stored);
    cursor.position += 1;
  }
  return batch;
}

/**
 * Whether the cursor has given every document. Documents its `rest` finds join its list one
 * ahead, so that this knows, and so that a batch gathered ahead and not sent can go back
 * (`more`).
 */
function exhausted(cursor: OpenCursor): boolean {
  if (cursor.position < cursor.docs.length) return false;
  if (cursor.rest === undefined) return true;
  const next = cursor.rest.next();
  if (next.done === true) {
    cursor.rest = undefined;
    return true;
  }
  cursor.docs.push(next.value);
  return false;
}

/**
 * Lets go of what was sent once it is most of what the cursor holds (amortized: each document
 * is copied at most once more), so a long read in batches holds only what is left.
 */
function release(cursor: OpenCursor): void {
  if (cursor.position > 1024 && cursor.position * 2 > cursor.docs.length) {
    cursor.docs = cursor.docs.slice(cursor.position);
    cursor.position = 0;
  }
}
