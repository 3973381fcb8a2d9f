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
import { KeptEncodings, type EncodedDocuments } from "./kept-encodings.ts";

const encodedBatches = new WeakMap<readonly Document[], Uint8Array>();

/** The server's kept encodings of stored documents (kept-encodings.ts). */
const kept = new KeptEncodings();

/** The bytes of `stored[i]` shaped as `shaped[i]` (the shape named `shape`, `projectionKey`), kept ones copied. */
export function encodedStoredDocuments(stored: readonly Document[], shaped: readonly Document[], shape: string): EncodedDocuments {
  return kept.encode(stored, shaped, shape);
}

/**
 * Keeps, as the batch `docs`, the BSON array of the first `docs.length` encoded documents (as
 * `encodeBatch` would write it); answers its size.
 */
export function joinBatch(docs: Document[], { sources, starts, lengths }: EncodedDocuments): number {
  let size = 4 + 1;
  for (let i = 0; i < docs.length; i++) size += 1 + decimalDigits(i) + 1 + lengths[i]!;
  const batch = Buffer.allocUnsafe(size);
  batch.writeInt32LE(size, 0);
  let at = 4;
  for (let i = 0; i < docs.length; i++) {
    batch[at++] = embeddedDocument;
    at = writeDecimal(batch, at, i);
    batch[at++] = 0;
    batch.set(sources[i]!.subarray(starts[i], starts[i]! + lengths[i]!), at);
    at += lengths[i]!;
  }
  batch[at] = 0;
  encodedBatches.set(docs, batch);
  return size;
}

const embeddedDocument = 0x03;

/** Writes `n`'s decimal digits at `at` (a call into Buffer's write per document cost more than the copy of its bytes); answers where they end. */
function writeDecimal(bytes: Buffer, at: number, n: number): number {
  const end = at + decimalDigits(n);
  let rest = n;
  for (let digit = end - 1; digit >= at; digit--) {
    bytes[digit] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return end;
}

function decimalDigits(n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  return digits;
}

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
