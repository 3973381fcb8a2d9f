/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids made later
 * sort later, so an index on them stays append-mostly, as the template's `freshID` promises.
 */
import { randomFillSync } from "node:crypto";

let lastMs = 0;
let sequence = 0;

export function uuidV7(nowMs: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  randomFillSync(bytes);
  // Within one millisecond a 12-bit counter (rand_a) keeps ids in creation order (RFC 9562, method 1).
  if (nowMs <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    sequence = bytes[7]! & 0x7f;
  }
  const ms = BigInt(nowMs);
  for (let index = 0; index < 6; index++) bytes[index] = Number((ms >> BigInt(8 * (5 - index))) & 0xffn);
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
