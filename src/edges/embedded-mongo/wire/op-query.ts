/**
 * The legacy OP_QUERY / OP_REPLY pair. Drivers still open a connection with an OP_QUERY
 * `isMaster` on `admin.$cmd` and expect an OP_REPLY; nothing else uses it any more.
 */
import type { Document } from "bson";
import { decodeDocument, encodeDocument } from "./bson-codec.ts";
import { HEADER_SIZE, OP_REPLY, newRequestId, writeHeader } from "./header.ts";

export interface OpQueryRequest {
  fullCollectionName: string;
  query: Document;
}

export function parseOpQuery(frame: Buffer): OpQueryRequest {
  let offset = HEADER_SIZE + 4; // flags
  const nameEnd = frame.indexOf(0, offset);
  const fullCollectionName = frame.toString("utf8", offset, nameEnd);
  offset = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const size = frame.readInt32LE(offset);
  const query = decodeDocument(frame.subarray(offset, offset + size));
  return { fullCollectionName, query };
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
