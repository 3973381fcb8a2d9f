/**
 * OP_MSG: flag bits, one kind-0 section (the command body) and any number of kind-1
 * document sequences, which we fold into the command under their identifier
 * (`documents` of insert, `updates` of update, `deletes` of delete).
 */
import type { Document } from "bson";
import { decodeDocument, encodeDocument } from "./bson-codec.ts";
import { HEADER_SIZE, OP_MSG, newRequestId, writeHeader } from "./header.ts";

export const CHECKSUM_PRESENT = 1 << 0;
export const MORE_TO_COME = 1 << 1;
export const EXHAUST_ALLOWED = 1 << 16;

export interface OpMsgRequest {
  flags: number;
  command: Document;
}

export class MalformedMessageError extends Error {}

export function parseOpMsg(frame: Buffer): OpMsgRequest {
  const flags = frame.readUInt32LE(HEADER_SIZE);
  const end = flags & CHECKSUM_PRESENT ? frame.length - 4 : frame.length;
  let offset = HEADER_SIZE + 4;
  let command: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = frame[offset];
    offset += 1;
    const size = frame.readInt32LE(offset);
    if (kind === 0) {
      command = decodeDocument(frame.subarray(offset, offset + size));
    } else if (kind === 1) {
      sequences.push(parseSequence(frame.subarray(offset, offset + size)));
    } else {
      throw new MalformedMessageError(`unknown OP_MSG section kind ${String(kind)}`);
    }
    offset += size;
  }
  if (!command) throw new MalformedMessageError("OP_MSG without a body section");
  for (const [identifier, documents] of sequences) command[identifier] = documents;
  return { flags, command };
}

function parseSequence(section: Buffer): [string, Document[]] {
  const nameEnd = section.indexOf(0, 4);
  const identifier = section.toString("utf8", 4, nameEnd);
  const documents: Document[] = [];
  let offset = nameEnd + 1;
  while (offset < section.length) {
    const size = section.readInt32LE(offset);
    documents.push(decodeDocument(section.subarray(offset, offset + size)));
    offset += size;
  }
  return [identifier, documents];
}

/** A reply: header, flags 0, one kind-0 section. */
export function encodeOpMsg(responseTo: number, reply: Document): Buffer {
  const body = encodeDocument(reply);
  const frame = Buffer.allocUnsafe(HEADER_SIZE + 4 + 1 + body.length);
  writeHeader(frame, { messageLength: frame.length, requestId: newRequestId(), responseTo, opCode: OP_MSG });
  frame.writeUInt32LE(0, HEADER_SIZE);
  frame[HEADER_SIZE + 4] = 0;
  frame.set(body, HEADER_SIZE + 5);
  return frame;
}
