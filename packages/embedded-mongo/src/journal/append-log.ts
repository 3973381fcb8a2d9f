/**
 * One open log file with group commit. Appends made in the same turn of the event loop are
 * written together by a single `write` (on the main thread: a small write to the page cache
 * costs less than a trip to the thread pool, and once written it survives a kill -9). Durable
 * appends then wait for one `fdatasync` shared by every durable append that arrived before it
 * started; the next sync starts as soon as it ends, so syncs batch under load.
 */
import { closeSync, fdatasync, ftruncateSync, writeSync } from "node:fs";
import { promisify } from "node:util";

const fdatasyncAsync = promisify(fdatasync);

interface PendingAppend {
  frame: Buffer;
  durable: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface AppendLogOptions {
  /** Called after every batch written, with the log's new size. */
  onWritten?: (size: number) => void;
  /**
   * Must settle before this log's first sync counts: a new generation's durable writes are
   * only durable once the previous log and this file's directory entry are on disk too.
   */
  durableAfter?: Promise<void>;
}

export class AppendLog {
  readonly #fd: number;
  #size: number;
  readonly #options: AppendLogOptions;
  #pending: PendingAppend[] = [];
  #flushScheduled = false;
  #awaitingSync: PendingAppend[] = [];
  #syncing: Promise<void> | undefined;
  #failure: Error | undefined;
  #closed: Promise<void> | undefined;
  #writes = 0;
  #syncs = 0;

  /** `fd` is open for writing; `size` is where the next frame goes (the end of valid frames). */
  constructor(fd: number, size: number, options: AppendLogOptions = {}) {
    this.#fd = fd;
    this.#size = size;
    this.#options = options;
  }

  get size(): number {
    return this.#size;
  }

  /** How many `write` and `fdatasync` calls this log made: group commit makes them few. */
  get counts(): { writes: number; syncs: number } {
    return { writes: this.#writes, syncs: this.#syncs };
  }

  /** Resolves once the frame is written (and, if `durable`, synced to disk). */
  append(frame: Buffer, durable: boolean): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error("journal log is closed"));
    return new Promise((resolve, reject) => {
      this.#pending.push({ frame, durable, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  /**
   * Writes what is pending, syncs, and closes the file. Later appends are refused at once; the
   * work starts on the next microtask, so a close requested from inside a flush (through
   * `onWritten`) never runs within it.
   */
  close(): Promise<void> {
    this.#closed ??= Promise.resolve().then(() => this.#closeOnce());
    return this.#closed;
  }

  async #closeOnce(): Promise<void> {
    this.#flush();
    // A finishing sync may start the next one for appends that arrived meanwhile.
    while (this.#syncing) await this.#syncing;
    try {
      if (!this.#failure) await this.#sync();
    } finally {
      closeSync(this.#fd);
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    if (this.#failure) {
      for (const append of batch) append.reject(this.#failure);
      return;
    }
    try {
      this.#writeAll(batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((a) => a.frame)));
    } catch (error) {
      this.#fail(asError(error), batch);
      return;
    }
    for (const append of batch) {
      if (append.durable) this.#awaitingSync.push(append);
      else append.resolve();
    }
    this.#startSync();
    this.#options.onWritten?.(this.#size);
  }

  #writeAll(bytes: Buffer): void {
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.#fd, bytes, written, bytes.length - written, this.#size + written);
    }
    this.#size += bytes.length;
    this.#writes += 1;
  }

  #startSync(): void {
    if (this.#syncing || this.#awaitingSync.length === 0) return;
    const waiting = this.#awaitingSync;
    this.#awaitingSync = [];
    this.#syncing = this.#sync()
      .then(
        () => waiting.forEach((append) => append.resolve()),
        (error: unknown) => this.#fail(asError(error), waiting),
      )
      .finally(() => {
        this.#syncing = undefined;
        this.#startSync();
      });
  }

  async #sync(): Promise<void> {
    await this.#options.durableAfter;
    this.#syncs += 1;
    await fdatasyncAsync(this.#fd);
  }

  /**
   * A failed write or sync leaves the file's tail unknown, and the storage has already applied
   * the write in memory: refuse every later append rather than acknowledge writes after a gap.
   */
  #fail(error: Error, batch: PendingAppend[]): void {
    this.#failure ??= new Error(`journal write failed: ${error.message}`, { cause: error });
    try {
      ftruncateSync(this.#fd, this.#size);
    } catch {
      // Best effort: a torn tail is dropped at the next open anyway.
    }
    for (const append of [...batch, ...this.#pending, ...this.#awaitingSync]) append.reject(this.#failure);
    this.#pending = [];
    this.#awaitingSync = [];
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
