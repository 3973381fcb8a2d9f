/**
 * A snapshot is the store's whole state as journal records, in frames of about a mebibyte.
 * It is encoded in one synchronous pass, so it is the state at one instant, and written to a
 * temporary file that is synced and then renamed into place: a snapshot file that exists is
 * complete.
 */
import { open, rename } from "node:fs/promises";
import type { JournalRecord } from "../storage/persistence.ts";
import { encodeFrame } from "./frame.ts";
import type { RecordCodec } from "./record-codec.ts";
import { snapshotPath, snapshotTempPath, syncDirectory } from "./files.ts";
import { PRIVATE_FILE_MODE } from "./private-files.ts";

const FRAME_PAYLOAD_BYTES = 1024 * 1024;

export function encodeSnapshot(records: Iterable<JournalRecord>, codec: RecordCodec): Buffer[] {
  const frames: Buffer[] = [];
  let chunk: Uint8Array[] = [];
  let chunkBytes = 0;
  const closeFrame = (): void => {
    frames.push(encodeFrame(Buffer.concat(chunk, chunkBytes)));
    chunk = [];
    chunkBytes = 0;
  };
  for (const record of records) {
    const encoded = codec.encode(record);
    chunk.push(encoded);
    chunkBytes += encoded.length;
    if (chunkBytes >= FRAME_PAYLOAD_BYTES) closeFrame();
  }
  if (chunkBytes > 0) closeFrame();
  return frames;
}

/** Writes the snapshot of `generation` crash-safely; resolves with its size in bytes. */
export async function writeSnapshot(dir: string, generation: number, frames: Buffer[]): Promise<number> {
  const temp = snapshotTempPath(dir, generation);
  const handle = await open(temp, "w", PRIVATE_FILE_MODE);
  let bytes = 0;
  try {
    for (const frame of frames) {
      let written = 0;
      while (written < frame.length) {
        const result = await handle.write(frame, written, frame.length - written, bytes + written);
        written += result.bytesWritten;
      }
      bytes += frame.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, snapshotPath(dir, generation));
  await syncDirectory(dir);
  return bytes;
}
