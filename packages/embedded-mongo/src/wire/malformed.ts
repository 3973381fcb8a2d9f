/**
 * What every parser of a frame uses to read within it: sizes are checked against the bytes
 * that are there before anything is read or allocated, so nothing a frame says can make a
 * parser loop, read past the frame, or allocate more than the frame holds.
 */
import type { Document } from "bson";
import { decodeDocument } from "./bson-codec.ts";

/** A frame that does not parse; the connection that sent it is closed. */
export class MalformedMessageError extends Error {}

export function malformed(condition: boolean, message: string): asserts condition {
  if (!condition) throw new MalformedMessageError(message);
}

/** The smallest BSON document: its int32 length and the terminating 0. */
export const MIN_DOCUMENT_SIZE = 5;

/**
 * The BSON document at `offset`, which must lie wholly before `limit`; answers it and its
 * size. Its length field must be what the BSON parser consumes.
 */
export function readDocument(frame: Buffer, offset: number, limit: number): { document: Document; size: number } {
  malformed(limit - offset >= MIN_DOCUMENT_SIZE, `a document needs ${MIN_DOCUMENT_SIZE} bytes, ${limit - offset} left`);
  const size = frame.readInt32LE(offset);
  malformed(size >= MIN_DOCUMENT_SIZE && size <= limit - offset, `document size ${size} does not fit in ${limit - offset} bytes`);
  let document: Document;
  try {
    document = decodeDocument(frame.subarray(offset, offset + size));
  } catch (error) {
    // BSONError, or RangeError from a document nested too deep for the stack.
    throw new MalformedMessageError(`invalid BSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { document, size };
}

/** The NUL-terminated string starting at `offset`, which must end before `limit`. */
export function readCString(frame: Buffer, offset: number, limit: number): { value: string; next: number } {
  const nul = frame.subarray(offset, limit).indexOf(0);
  malformed(nul >= 0, "unterminated string");
  return { value: frame.toString("utf8", offset, offset + nul), next: offset + nul + 1 };
}
