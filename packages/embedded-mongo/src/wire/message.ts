/**
 * One whole frame (header included, as the FrameReader cuts them) to the request it carries.
 * The only opcodes spoken are OP_MSG and the legacy OP_QUERY handshake; anything else, and any
 * frame that does not parse, throws MalformedMessageError, upon which the connection closes.
 */
import type { Document } from "bson";
import { HEADER_SIZE, MAX_MESSAGE_SIZE, OP_MSG, OP_QUERY, readHeader } from "./header.ts";
import { malformed, MalformedMessageError } from "./malformed.ts";
import { parseOpMsg } from "./op-msg.ts";
import { parseOpQuery } from "./op-query.ts";

export type WireRequest =
  | { opCode: typeof OP_MSG; requestId: number; flags: number; command: Document }
  | { opCode: typeof OP_QUERY; requestId: number; fullCollectionName: string; query: Document };

export function parseMessage(frame: Buffer): WireRequest {
  malformed(frame.length >= HEADER_SIZE && frame.length <= MAX_MESSAGE_SIZE, `message of ${frame.length} bytes`);
  const header = readHeader(frame);
  malformed(header.messageLength === frame.length, `messageLength ${header.messageLength} for a frame of ${frame.length} bytes`);
  if (header.opCode === OP_MSG) return { opCode: OP_MSG, requestId: header.requestId, ...parseOpMsg(frame) };
  if (header.opCode === OP_QUERY) return { opCode: OP_QUERY, requestId: header.requestId, ...parseOpQuery(frame) };
  // Compression is never advertised and legacy CRUD opcodes are gone since MongoDB 6.
  throw new MalformedMessageError(`unsupported opCode ${header.opCode}`);
}
