/**
 * Reads a file of frames front to back in large chunks (a snapshot may be far bigger than we
 * want to hold at once) and stops at the first frame that is torn or corrupt.
 */
import { open } from "node:fs/promises";
import { scanFrame } from "./frame.ts";

const CHUNK_BYTES = 8 * 1024 * 1024;

export interface FrameFileScan {
  /** Bytes from the start of the file that are whole, valid frames. */
  validBytes: number;
  fileBytes: number;
  /** Why reading stopped before the end of the file, if it did. */
  damage?: string;
}

export async function readFrameFile(
  path: string,
  onPayload: (payload: Buffer) => void,
): Promise<FrameFileScan> {
  const handle = await open(path, "r");
  try {
    const fileBytes = (await handle.stat()).size;
    let buffer = Buffer.alloc(0);
    let bufferStart = 0; // file offset of buffer[0]
    let offset = 0; // scan position within buffer
    let fileOffset = 0; // next byte to read from the file
    for (;;) {
      const scan = scanFrame(buffer, offset);
      if (scan.kind === "frame") {
        onPayload(scan.payload);
        offset = scan.end;
        continue;
      }
      const validBytes = bufferStart + offset;
      if (scan.kind === "corrupt") return { validBytes, fileBytes, damage: scan.reason };
      if (fileOffset >= fileBytes) {
        const damage = validBytes < fileBytes ? "frame cut short by the end of the file" : undefined;
        return damage === undefined ? { validBytes, fileBytes } : { validBytes, fileBytes, damage };
      }
      // Keep the unread rest and read at least enough for the frame being scanned.
      const rest = buffer.subarray(offset);
      const toRead = Math.min(Math.max(CHUNK_BYTES, scan.needed - rest.length), fileBytes - fileOffset);
      const next = Buffer.allocUnsafe(rest.length + toRead);
      rest.copy(next, 0);
      const { bytesRead } = await handle.read(next, rest.length, toRead, fileOffset);
      fileOffset += bytesRead;
      bufferStart = validBytes;
      buffer = next.subarray(0, rest.length + bytesRead);
      offset = 0;
      if (bytesRead === 0) fileOffset = fileBytes;
    }
  } finally {
    await handle.close();
  }
}
