/**
 * OP_MSG: flag bits, one kind-0 section (the command body) and any number of kind-1
 * document sequences, which we fold into the command under their identifier
 * (`documents` of insert, `updates` of update, `deletes` of delete).
 */
import type { Document } from "bson";
import { encodeReply } from "./encoded-batches.ts";
import { HEADER_SIZE, OP_MSG, newRequestId, writeHeader } from "./header.ts";
import { MalformedMessageError, malformed, MIN_DOCUMENT_SIZE, readCString, readDocument } from "./malformed.ts";

export const CHECKSUM_PRESENT = 1 << 0;
export const MORE_TO_COME = 1 << 1;
export const EXHAUST_ALLOWED = 1 << 16;

export interface OpMsgRequest {
  flags: number;
  command: Document;
}

export { MalformedMessageError };

/** Flag bits 0-15 are required: a receiver must refuse a message with one it does not know. */
const REQUIRED_FLAGS_MASK = 0xffff;
const KNOWN_REQUIRED_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME;
/** A section's kind byte and the smallest document. */
const MIN_BODY_SECTION = 1 + MIN_DOCUMENT_SIZE;
/** A sequence's size field, a one-character identifier and its NUL. */
const MIN_SEQUENCE_SIZE = 4 + 2;

/**
 * Parses a whole OP_MSG frame (header included, `frame.length` its messageLength). Every size
 * is checked against the bytes left before it is used; any frame that does not parse throws
 * MalformedMessageError.
 */
export function parseOpMsg(frame: Buffer): OpMsgRequest {
  malformed(frame.length >= HEADER_SIZE + 4 + MIN_BODY_SECTION, `OP_MSG of ${frame.length} bytes is too short`);
  const flags = frame.readUInt32LE(HEADER_SIZE);
  malformed((flags & REQUIRED_FLAGS_MASK & ~KNOWN_REQUIRED_FLAGS) === 0, `unknown required OP_MSG flags ${flags}`);
  // The checksum is skipped, not verified: it is never asked for (no driver sends one unasked).
  const end = flags & CHECKSUM_PRESENT ? frame.length - 4 : frame.length;
  let offset = HEADER_SIZE + 4;
  malformed(end - offset >= MIN_BODY_SECTION, "OP_MSG too short for its checksum");
  let command: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = frame[offset];
    offset += 1;
    if (kind === 0) {
      malformed(command === undefined, "OP_MSG with two body sections");
      const body = readDocument(frame, offset, end);
      command = body.document;
      offset += body.size;
    } else if (kind === 1) {
      malformed(end - offset >= 4, "document sequence header past the end of the message");
      const size = frame.readInt32LE(offset);
      malformed(size >= MIN_SEQUENCE_SIZE && size <= end - offset, `document sequence size ${size} does not fit in ${end - offset} bytes`);
      sequences.push(parseSequence(frame, offset, offset + size));
      offset += size;
    } else {
      throw new MalformedMessageError(`unknown OP_MSG section kind ${String(kind)}`);
    }
  }
  malformed(command !== undefined, "OP_MSG without a body section");
  for (const [identifier, documents] of sequences) {
    malformed(!Object.prototype.hasOwnProperty.call(command, identifier), `duplicate field ${identifier} in OP_MSG`);
    // defineProperty, not assignment: an identifier such as __proto__ stays a plain field.
    Object.defineProperty(command, identifier, { value: documents, enumerable: true, writable: true, configurable: true });
  }
  return { flags, command };
}

/** A kind-1 section from its size field at `start` to `stop`: identifier, then documents filling it exactly. */
function parseSequence(frame: Buffer, start: number, stop: number): [string, Document[]] {
  const { value: identifier, next } = readCString(frame, start + 4, stop);
  malformed(identifier.length > 0, "document sequence without an identifier");
  const documents: Document[] = [];
  let offset = next;
  while (offset < stop) {
    const { document, size } = readDocument(frame, offset, stop);
    documents.push(document);
    offset += size;
  }
  return [identifier, documents];
}

/** A reply: header, flags 0, one kind-0 section. */
export function encodeOpMsg(responseTo: number, reply: Document): Buffer {
  const body = encodeReply(reply);
  const frame = Buffer.allocUnsafe(HEADER_SIZE + 4 + 1 + body.length);
  writeHeader(frame, { messageLength: frame.length, requestId: newRequestId(), responseTo, opCode: OP_MSG });
  frame.writeUInt32LE(0, HEADER_SIZE);
  frame[HEADER_SIZE + 4] = 0;
  frame.set(body, HEADER_SIZE + 5);
  return frame;
}
