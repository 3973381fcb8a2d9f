/**
 * Opening a data directory: replay the newest complete snapshot, then every log of its
 * generation or later, in order. Only the newest log can end in a torn frame (the write a
 * crash interrupted, never acknowledged); it is cut off there. Files a finished compaction no
 * longer needs, or an interrupted one left behind, are removed.
 */
import { truncate } from "node:fs/promises";
import type { ReplayableStore } from "../storage/persistence.ts";
import { listDirectory, logPath, removeFilesBefore, snapshotPath } from "./files.ts";
import { readFrameFile } from "./frame-file.ts";
import { decodeRecords, type RecordCodec } from "./record-codec.ts";

export interface RecoveryReport {
  /** The generation whose log takes new writes. */
  generation: number;
  /** Valid bytes of that log: where the next frame goes. */
  logBytes: number;
  /** Size of the snapshot replayed (0 without one). */
  snapshotBytes: number;
  recordsReplayed: number;
  /** Bytes of torn tail cut from the newest log. */
  truncatedBytes: number;
  /**
   * Damage found in an older log (possible only after an OS crash lost unsynced writes):
   * replay skipped the rest of that file and went on with the next one.
   */
  damagedLogs: string[];
}

export async function recover(
  dir: string,
  store: ReplayableStore,
  codec: RecordCodec,
): Promise<RecoveryReport> {
  const listing = await listDirectory(dir);
  const base = listing.snapshots.at(-1);
  let recordsReplayed = 0;
  const replay = (payload: Buffer): void => {
    for (const record of decodeRecords(payload, codec)) {
      store.applyRecord(record);
      recordsReplayed += 1;
    }
  };

  let snapshotBytes = 0;
  if (base !== undefined) {
    const scan = await readFrameFile(snapshotPath(dir, base), replay);
    if (scan.damage !== undefined) {
      throw new Error(`snapshot ${snapshotPath(dir, base)} is damaged at byte ${scan.validBytes}: ${scan.damage}`);
    }
    snapshotBytes = scan.fileBytes;
  }

  const logs = listing.logs.filter((generation) => base === undefined || generation >= base);
  const generation = logs.at(-1) ?? base ?? 1;
  const report: RecoveryReport = {
    generation,
    logBytes: 0,
    snapshotBytes,
    recordsReplayed: 0,
    truncatedBytes: 0,
    damagedLogs: [],
  };
  for (const logGeneration of logs) {
    const path = logPath(dir, logGeneration);
    const scan = await readFrameFile(path, replay);
    if (logGeneration === generation) {
      report.logBytes = scan.validBytes;
      report.truncatedBytes = scan.fileBytes - scan.validBytes;
      if (report.truncatedBytes > 0) await truncate(path, scan.validBytes);
    } else if (scan.damage !== undefined) {
      report.damagedLogs.push(`${path} at byte ${scan.validBytes}: ${scan.damage}`);
    }
  }
  report.recordsReplayed = recordsReplayed;

  await removeFilesBefore(dir, base ?? 0);
  return report;
}
