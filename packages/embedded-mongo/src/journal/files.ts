/**
 * The data directory's layout. Generation `g` is `snapshot-<g>.bson` (the whole state when log
 * `g` began; absent for the first generation) plus `journal-<g>.log` (every write since).
 * Compaction moves to generation `g + 1`; until it finishes, older generations stay and are
 * replayed too, so the directory is consistent at every step.
 */
import { open, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

const DIGITS = 8;
const LOG = /^journal-(\d+)\.log$/;
const SNAPSHOT = /^snapshot-(\d+)\.bson$/;
const SNAPSHOT_TEMP = /^snapshot-(\d+)\.bson\.tmp$/;

const generationPart = (generation: number): string => String(generation).padStart(DIGITS, "0");

export const logPath = (dir: string, generation: number): string =>
  join(dir, `journal-${generationPart(generation)}.log`);

export const snapshotPath = (dir: string, generation: number): string =>
  join(dir, `snapshot-${generationPart(generation)}.bson`);

export const snapshotTempPath = (dir: string, generation: number): string =>
  `${snapshotPath(dir, generation)}.tmp`;

export const lockPath = (dir: string): string => join(dir, "LOCK");

export interface DirectoryListing {
  /** Generations with a log file, ascending. */
  logs: number[];
  /** Generations with a complete (renamed into place) snapshot, ascending. */
  snapshots: number[];
  /** Generations with a snapshot that was still being written: never trusted. */
  snapshotTemps: number[];
}

export async function listDirectory(dir: string): Promise<DirectoryListing> {
  const listing: DirectoryListing = { logs: [], snapshots: [], snapshotTemps: [] };
  for (const name of await readdir(dir)) {
    collect(name, LOG, listing.logs);
    collect(name, SNAPSHOT, listing.snapshots);
    collect(name, SNAPSHOT_TEMP, listing.snapshotTemps);
  }
  for (const generations of [listing.logs, listing.snapshots, listing.snapshotTemps]) {
    generations.sort((a, b) => a - b);
  }
  return listing;
}

function collect(name: string, pattern: RegExp, into: number[]): void {
  const match = pattern.exec(name);
  if (match?.[1] !== undefined) into.push(Number(match[1]));
}

/** Makes creations, renames and deletions in `dir` survive an OS crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Deletes what generation `generation` no longer needs: older snapshots and logs, and any
 * snapshot an interrupted compaction left half written. Call it only when no compaction runs.
 */
export async function removeFilesBefore(dir: string, generation: number): Promise<void> {
  const listing = await listDirectory(dir);
  const obsolete = [
    ...listing.snapshotTemps.map((g) => snapshotTempPath(dir, g)),
    ...listing.snapshots.filter((g) => g < generation).map((g) => snapshotPath(dir, g)),
    ...listing.logs.filter((g) => g < generation).map((g) => logPath(dir, g)),
  ];
  if (obsolete.length === 0) return;
  await Promise.all(obsolete.map((path) => rm(path, { force: true })));
  await syncDirectory(dir);
}
