/**
 * The legacy OP_QUERY / OP_REPLY pair. Drivers still open a connection with an OP_QUERY
 * `isMaster` on `admin.$cmd` and expect an OP_REPLY; nothing else uses it any more.
 */
import type { Document } from "bson";
import { encodeDocument } from "./bson-codec.ts";
import { HEADER_SIZE, OP_REPLY, newRequestId, writeHeader } from "./header.ts";
import { malformed, MIN_DOCUMENT_SIZE, readCString, readDocument } from "./malformed.ts";

export interface OpQueryRequest {
  fullCollectionName: string;
  query: Document;
}

/** Flags, a one-character name and its NUL, numberToSkip and numberToReturn, the smallest query. */
const MIN_OP_QUERY = HEADER_SIZE + 4 + 2 + 8 + MIN_DOCUMENT_SIZE;

/**
 * Parses a whole OP_QUERY frame: flags, the collection's full name, skip and limit, the query
 * and an optional field selector, which must fill the frame exactly. Anything else throws
 * MalformedMessageError.
 */
export function parseOpQuery(frame: Buffer): OpQueryRequest {
  malformed(frame.length >= MIN_OP_QUERY, `OP_QUERY of ${frame.length} bytes is too short`);
  const name = readCString(frame, HEADER_SIZE + 4, frame.length);
  malformed(name.value.length > 0, "OP_QUERY without a collection name");
  let offset = name.next + 8; // numberToSkip, numberToReturn
  malformed(offset <= frame.length, "OP_QUERY ends inside its skip and limit");
  const { document: query, size } = readDocument(frame, offset, frame.length);
  offset += size;
  if (offset < frame.length) offset += readDocument(frame, offset, frame.length).size; // returnFieldsSelector
  malformed(offset === frame.length, `${frame.length - offset} bytes after the OP_QUERY's documents`);
  return { fullCollectionName: name.value, query };
}

const REPLY_PREFIX = 4 + 8 + 4 + 4; // responseFlags, cursorID, startingFrom, numberReturned

export function encodeOpReply(responseTo: number, reply: Document): Buffer {
  const body = encodeDocument(reply);
  const frame = Buffer.alloc(HEADER_SIZE + REPLY_PREFIX + body.length);
  writeHeader(frame, { messageLength: frame.length, requestId: newRequestId(), responseTo, opCode: OP_REPLY });
  frame.writeInt32LE(1, HEADER_SIZE + 16); // numberReturned; flags, cursor id and start stay 0
  frame.set(body, HEADER_SIZE + REPLY_PREFIX);
  return frame;
}
