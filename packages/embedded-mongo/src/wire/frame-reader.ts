/** Cuts a TCP byte stream into whole wire messages (header included). */
import { HEADER_SIZE, MAX_MESSAGE_SIZE } from "./header.ts";

export class FrameTooLargeError extends Error {}

export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Adds received bytes; returns every message completed by them, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: Buffer[] = [];
    while (this.pendingBytes >= 4) {
      const head = this.peekHead();
      const length = head.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
        throw new FrameTooLargeError(`invalid message length ${length}`);
      }
      if (this.pendingBytes < length) break;
      frames.push(this.take(length));
    }
    return frames;
  }

  private peekHead(): Buffer {
    const first = this.pending[0]!;
    if (first.length >= 4) return first;
    this.pending = [Buffer.concat(this.pending)];
    return this.pending[0]!;
  }

  private take(length: number): Buffer {
    const first = this.pending[0]!;
    if (first.length === length) {
      this.pending.shift();
      this.pendingBytes -= length;
      return first;
    }
    if (first.length > length) {
      this.pending[0] = first.subarray(length);
      this.pendingBytes -= length;
      return first.subarray(0, length);
    }
    const all = Buffer.concat(this.pending);
    this.pending = all.length > length ? [all.subarray(length)] : [];
    this.pendingBytes -= length;
    return all.subarray(0, length);
  }
}
