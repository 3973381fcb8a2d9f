/**
 * Cursor batches encoded as they are taken (cursors.ts): encoding a batch whole is how a
 * cursor learns it fits a reply, where measuring each document first and encoding it again
 * in the reply cost a long read a tenth of its time. A getMore's batch is taken ahead, while
 * the client reads the previous one; a reply then only splices the batch's bytes into its
 * envelope.
 *
 * The batch stays an ordinary array of documents (anything else reading the reply sees
 * that); its bytes are kept beside it, keyed by the array.
 */
import type { Document } from "bson";
import { encodeDocument } from "./bson-codec.ts";

const encodedBatches = new WeakMap<readonly Document[], Uint8Array>();

/** Encodes a batch of documents as a BSON array, kept for its reply; answers its size in bytes. Throws when it passes the encoder's 17 MiB. */
export function encodeBatch(docs: Document[]): number {
  // { a: docs } is int32 length, 0x04, "a\0", the array, 0x00: the array's bytes are in between.
  const wrapped = encodeDocument({ a: docs });
  const batch = wrapped.subarray(7, wrapped.length - 1);
  encodedBatches.set(docs, batch);
  return batch.length;
}

/**
 * The reply encoded as `encodeDocument` would, taking the bytes of an encoded batch as they
 * are: a reply whose first field is `cursor`, whose own first field is its `firstBatch` or
 * `nextBatch`, is encoded with an empty batch and the batch's bytes spliced in.
 */
export function encodeReply(reply: Document): Uint8Array {
  const cursor = reply.cursor as Document | undefined;
  const batchKey = cursor === undefined || Object.keys(reply)[0] !== "cursor" ? undefined : Object.keys(cursor)[0];
  const docs = batchKey === "firstBatch" || batchKey === "nextBatch" ? cursor![batchKey] : undefined;
  const batch = Array.isArray(docs) ? encodedBatches.get(docs as Document[]) : undefined;
  if (batch === undefined) return encodeDocument(reply);
  const envelope = encodeDocument({ ...reply, cursor: { ...cursor, [batchKey!]: [] } });
  // Layout: reply length (4), 0x03 "cursor\0" (8), cursor length (4), 0x04 key "\0", the empty array (5).
  const cursorAt = 4 + 8;
  const batchAt = cursorAt + 4 + 1 + batchKey!.length + 1;
  const grown = batch.length - 5;
  const bytes = Buffer.allocUnsafe(envelope.length + grown);
  bytes.set(envelope.subarray(0, batchAt), 0);
  bytes.set(batch, batchAt);
  bytes.set(envelope.subarray(batchAt + 5), batchAt + batch.length);
  bytes.writeInt32LE(envelope.length + grown, 0);
  bytes.writeInt32LE(bytes.readInt32LE(cursorAt) + grown, cursorAt);
  return bytes;
}
