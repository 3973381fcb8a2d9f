/**
 * The journal's on-disk unit: a frame is `[u32 payload length][u32 CRC32 of payload][payload]`
 * (little-endian). One frame holds every record of one acknowledged write, so a crash keeps
 * the whole write or none of it: a frame that is cut short or fails its checksum is the torn
 * tail of an interrupted write.
 */
import { crc32 } from "node:zlib";

export const FRAME_HEADER_BYTES = 8;

export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export type FrameScan =
  /** A whole, checksum-valid frame; its payload is a view into the scanned buffer. */
  | { kind: "frame"; payload: Buffer; end: number }
  /** Not enough bytes yet: the frame (or its header) continues past the buffer's end. */
  | { kind: "incomplete"; needed: number }
  /**
   * Bytes that can never be a frame: a zero length (what a file extended with zeros by a
   * crash looks like) or a checksum mismatch.
   */
  | { kind: "corrupt"; reason: string };

/** Reads the frame starting at `offset` of `buffer`. */
export function scanFrame(buffer: Buffer, offset: number): FrameScan {
  if (buffer.length - offset < FRAME_HEADER_BYTES) {
    return { kind: "incomplete", needed: FRAME_HEADER_BYTES };
  }
  const length = buffer.readUInt32LE(offset);
  if (length === 0) return { kind: "corrupt", reason: "zero-length frame" };
  const end = offset + FRAME_HEADER_BYTES + length;
  if (end > buffer.length) return { kind: "incomplete", needed: FRAME_HEADER_BYTES + length };
  const payload = buffer.subarray(offset + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== buffer.readUInt32LE(offset + 4)) {
    return { kind: "corrupt", reason: "checksum mismatch" };
  }
  return { kind: "frame", payload, end };
}
