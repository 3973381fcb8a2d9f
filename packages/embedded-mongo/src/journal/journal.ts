/**
 * The embedded server's `Persistence`: an append-only log of framed journal records in a data
 * directory, replayed into the store at open and compacted into a snapshot once it outgrows the
 * live data. It stores opaque records and knows nothing of commands.
 */
import { openSync } from "node:fs";
import type { JournalRecord, Persistence, ReplayableStore } from "../storage/persistence.ts";
import { AppendLog } from "./append-log.ts";
import { lockDirectory, type DirectoryLock } from "./dir-lock.ts";
import { listDirectory, logPath, removeFilesBefore, snapshotPath, syncDirectory } from "./files.ts";
import { narrowFiles, PRIVATE_FILE_MODE, privateDirectory } from "./private-files.ts";
import { encodeFrame } from "./frame.ts";
import { encodeRecords, wrappedNumbersCodec, type RecordCodec } from "./record-codec.ts";
import { recover, type RecoveryReport } from "./recovery.ts";
import { encodeSnapshot, writeSnapshot } from "./snapshot.ts";

export interface JournalOptions {
  /** The data directory; created if missing. */
  dir: string;
  /** Receives every record at open; provides the snapshot at compaction. */
  store: ReplayableStore;
  /** The log is compacted once it is at least this big (default 64 MiB)... */
  compactAfterBytes?: number;
  /** ...and at least this many times the last snapshot (default 1: write amplification <= 2). */
  compactRatio?: number;
  /** How one record becomes bytes and back (default: BSON, numbers kept as wrapper classes). */
  codec?: RecordCodec;
}

export interface JournalStatus {
  generation: number;
  logBytes: number;
  snapshotBytes: number;
  /** `write` and `fdatasync` calls on the current log since it was opened. */
  writes: number;
  syncs: number;
  /** What opening the directory found. */
  recovery: RecoveryReport;
  /** Why the last compaction failed, if it did (the journal keeps working without it). */
  compactionError?: Error;
}

const MiB = 1024 * 1024;

/** Replays `dir` into `options.store` and returns the journal that takes new writes. */
export async function openJournal(options: JournalOptions): Promise<Journal> {
  await privateDirectory(options.dir);
  const lock = await lockDirectory(options.dir);
  const codec = options.codec ?? wrappedNumbersCodec;
  try {
    const found = await listDirectory(options.dir);
    await narrowFiles([...found.logs.map((g) => logPath(options.dir, g)), ...found.snapshots.map((g) => snapshotPath(options.dir, g))]);
    const recovery = await recover(options.dir, options.store, codec);
    // An empty log may not exist yet: create it, and make its directory entry durable.
    const empty = recovery.logBytes === 0;
    const fd = openSync(logPath(options.dir, recovery.generation), empty ? "w" : "r+", PRIVATE_FILE_MODE);
    if (empty) await syncDirectory(options.dir);
    return new Journal({ ...options, codec }, lock, recovery, fd);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

export class Journal implements Persistence {
  readonly #dir: string;
  readonly #store: ReplayableStore;
  readonly #codec: RecordCodec;
  readonly #compactAfterBytes: number;
  readonly #compactRatio: number;
  readonly #lock: DirectoryLock;
  readonly #recovery: RecoveryReport;
  #log: AppendLog;
  #generation: number;
  #snapshotBytes: number;
  #compaction: Promise<void> | undefined;
  #compactionError: Error | undefined;
  #closed: Promise<void> | undefined;

  /** Use `openJournal`. */
  constructor(options: JournalOptions & { codec: RecordCodec }, lock: DirectoryLock, recovery: RecoveryReport, fd: number) {
    this.#dir = options.dir;
    this.#store = options.store;
    this.#codec = options.codec;
    this.#compactAfterBytes = options.compactAfterBytes ?? 64 * MiB;
    this.#compactRatio = options.compactRatio ?? 1;
    this.#lock = lock;
    this.#recovery = recovery;
    this.#generation = recovery.generation;
    this.#snapshotBytes = recovery.snapshotBytes;
    this.#log = this.#openLog(fd, recovery.logBytes);
  }

  get status(): JournalStatus {
    const status: JournalStatus = {
      generation: this.#generation,
      logBytes: this.#log.size,
      snapshotBytes: this.#snapshotBytes,
      ...this.#log.counts,
      recovery: this.#recovery,
    };
    if (this.#compactionError) status.compactionError = this.#compactionError;
    return status;
  }

  append(records: JournalRecord[], options: { durable: boolean }): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("journal is closed"));
    if (records.length === 0) return Promise.resolve();
    // Encoded now: the storage may change these documents in place once the call returns.
    return this.#log.append(encodeFrame(Buffer.concat(encodeRecords(records, this.#codec))), options.durable);
  }

  /**
   * Compacts now (or joins the compaction under way). It starts on the next microtask: the
   * promise is in place before any of its work runs, so nothing it triggers starts another.
   */
  compact(): Promise<void> {
    this.#compaction ??= Promise.resolve()
      .then(() => this.#compact())
      .finally(() => {
        this.#compaction = undefined;
      });
    return this.#compaction;
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#compaction;
      try {
        await this.#log.close();
      } finally {
        await this.#lock.release();
      }
    })();
    return this.#closed;
  }

  #openLog(fd: number, size: number, durableAfter?: Promise<void>): AppendLog {
    return new AppendLog(fd, size, {
      onWritten: (logBytes) => {
        if (this.#shouldCompact(logBytes)) void this.compact();
      },
      ...(durableAfter && { durableAfter }),
    });
  }

  #shouldCompact(logBytes: number): boolean {
    return (
      this.#compaction === undefined &&
      this.#closed === undefined &&
      logBytes >= Math.max(this.#compactAfterBytes, this.#compactRatio * this.#snapshotBytes)
    );
  }

  /**
   * Starts generation g+1: new writes go to a fresh log from this instant, and the snapshot of
   * g+1 is the store's state at the same instant (taken synchronously, right after the switch).
   * Every write the snapshot misses is in the new log; writes it already holds and that also
   * reach the new log replay idempotently. Until the snapshot is renamed into place, an open
   * replays snapshot g, log g and log g+1; afterwards snapshot g+1 and log g+1.
   */
  async #compact(): Promise<void> {
    const next = this.#generation + 1;
    const previous = this.#log;
    try {
      const fd = openSync(logPath(this.#dir, next), "wx", PRIVATE_FILE_MODE);
      const previousDurable = previous.close().then(() => syncDirectory(this.#dir));
      // Its failure reaches the new log's durable appends and this compaction, not the process.
      previousDurable.catch(() => {});
      this.#log = this.#openLog(fd, 0, previousDurable);
      this.#generation = next;
      const frames = encodeSnapshot(this.#store.snapshotRecords(), this.#codec);
      this.#snapshotBytes = await writeSnapshot(this.#dir, next, frames);
      await previousDurable;
      await removeFilesBefore(this.#dir, next);
      this.#compactionError = undefined;
    } catch (error) {
      this.#compactionError = error instanceof Error ? error : new Error(String(error));
    }
  }
}
