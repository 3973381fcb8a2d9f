/**
 * Cursor batches encoded ahead of their reply. A getMore's batch is gathered (and encoded)
 * while the client reads the previous one (cursors.ts); its reply then only splices those
 * bytes into the envelope instead of encoding every document on the client's time.
 *
 * The batch stays an ordinary array of documents (anything else reading the reply sees
 * that); its bytes are kept beside it, keyed by the array.
 */
import type { Document } from "bson";
import { encodeDocument } from "./bson-codec.ts";

const encodedBatches = new WeakMap<readonly Document[], Uint8Array>();

/** A batch of documents with their encoding as a BSON array, made once. */
export function encodeBatch(docs: Document[]): Document[] {
  // { a: docs } is int32 length, 0x04, "a\0", the array, 0x00: the array's bytes are in between.
  const wrapped = encodeDocument({ a: docs });
  encodedBatches.set(docs, wrapped.subarray(7, wrapped.length - 1));
  return docs;
}

/**
 * The reply encoded as `encodeDocument` would, taking the bytes of an encoded `cursor.nextBatch`
 * as they are: the reply is encoded with an empty batch and the batch's bytes spliced in.
 */
export function encodeReply(reply: Document): Uint8Array {
  const cursor = reply.cursor as { nextBatch?: unknown } | undefined;
  const batch = Array.isArray(cursor?.nextBatch) ? encodedBatches.get(cursor.nextBatch as Document[]) : undefined;
  if (batch === undefined || Object.keys(reply)[0] !== "cursor" || Object.keys(cursor!)[0] !== "nextBatch") return encodeDocument(reply);
  const envelope = encodeDocument({ ...reply, cursor: { ...cursor, nextBatch: [] } });
  // Layout: reply length (4), 0x03 "cursor\0" (8), cursor length (4), 0x04 "nextBatch\0" (11), the empty array (5).
  const cursorAt = 4 + 8;
  const batchAt = cursorAt + 4 + 11;
  const grown = batch.length - 5;
  const bytes = Buffer.allocUnsafe(envelope.length + grown);
  bytes.set(envelope.subarray(0, batchAt), 0);
  bytes.set(batch, batchAt);
  bytes.set(envelope.subarray(batchAt + 5), batchAt + batch.length);
  bytes.writeInt32LE(envelope.length + grown, 0);
  bytes.writeInt32LE(bytes.readInt32LE(cursorAt) + grown, cursorAt);
  return bytes;
}
