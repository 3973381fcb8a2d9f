/**
 * The requests sent with an `Idempotency-Key`, one document each in `http.idempotency`:
 * claimed by a unique `_id` insert when the request starts (one round trip when the key is
 * new), finished with one update holding the answer, forgotten by a TTL index
 * `retentionHours` after the answer (kept at least the 24 hours CONTRACTS.md promises).
 *
 * A running entry carries a lease: the time until which its runner is presumed alive. A
 * runner never renews it, so it must outlast any request; once it has run out (the process
 * died, or the request failed with a 5xx and released it) a retry takes the entry over.
 */
import type { Collection, Db } from "mongodb";
import { insertOnce } from "../../../utils/mongo-errors.ts";

export const idempotencyCollection = "http.idempotency";
/** How long an answer is kept for retries: the one figure `/docs` and README state. */
export const retentionHours = 25;
const retentionSeconds = retentionHours * 3600;

/** An answer as it is replayed: status, body text (null for none) and the headers worth repeating. */
export interface StoredAnswer {
  status: number;
  body: string | null;
  headers: Record<string, string>;
}

export interface IdempotencyEntry extends Partial<StoredAnswer> {
  /** A digest of caller and key (see key.ts). */
  _id: string;
  /** The request it was first used for (see fingerprint.ts). */
  fingerprint: string;
  state: "running" | "done";
  /** While running: who runs it and until when (a random id per attempt). */
  owner?: string;
  leaseUntil?: Date;
  /** When it was claimed, taken over or answered; the TTL counts from here. */
  at: Date;
}

export class IdempotencyStore {
  private readonly entries: Collection<IdempotencyEntry>;
  private indexed: Promise<void> | undefined;

  constructor(db: Db) {
    this.entries = db.collection<IdempotencyEntry>(idempotencyCollection);
  }

  /** Starts running the request unless its key is known: `claimed`, or the entry that stands (null if it just expired). */
  async claim(id: string, fingerprint: string, owner: string, leaseMs: number): Promise<{ claimed: boolean; stored: IdempotencyEntry | null }> {
    await this.ensureIndex();
    const now = new Date();
    const entry: IdempotencyEntry = { _id: id, fingerprint, state: "running", owner, leaseUntil: leaseEnd(now, leaseMs), at: now };
    const { inserted, stored } = await insertOnce(this.entries, entry);
    return { claimed: inserted, stored };
  }

  read(id: string): Promise<IdempotencyEntry | null> {
    return this.entries.findOne({ _id: id });
  }

  /** Takes over a running entry whose lease has run out; false when another retry was first or it finished. */
  async takeOver(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = new Date();
    const { modifiedCount } = await this.entries.updateOne(
      { _id: id, state: "running", leaseUntil: { $lte: now } },
      { $set: { owner, leaseUntil: leaseEnd(now, leaseMs), at: now } },
    );
    return modifiedCount === 1;
  }

  /** Records the final answer, unless a retry took the entry over meanwhile (it will record its own). */
  async finish(id: string, owner: string, answer: StoredAnswer): Promise<void> {
    await this.entries.updateOne(
      { _id: id, owner, state: "running" },
      { $set: { state: "done", ...answer, at: new Date() }, $unset: { owner: "", leaseUntil: "" } },
    );
  }

  /**
   * Forgets a request refused before it ran (see retries.ts): the key is as if never sent,
   * so a retry, or a corrected request with the same key, is judged anew.
   */
  async forget(id: string, owner: string): Promise<void> {
    await this.entries.deleteOne({ _id: id, owner, state: "running" });
  }

  /** Lets the next retry run the request again at once (after a 5xx), keeping its fingerprint. */
  async release(id: string, owner: string): Promise<void> {
    await this.entries.updateOne({ _id: id, owner, state: "running" }, { $set: { leaseUntil: new Date(0) } });
  }

  /** The TTL index, made once per store when the first key arrives: requests without one never wait for it. */
  private ensureIndex(): Promise<void> {
    this.indexed ??= this.entries.createIndex({ at: 1 }, { name: `forget_after_${retentionHours}h`, expireAfterSeconds: retentionSeconds }).then(
      () => undefined,
      (error: unknown) => {
        this.indexed = undefined;
        throw error;
      },
    );
    return this.indexed;
  }
}

function leaseEnd(now: Date, leaseMs: number): Date {
  return new Date(now.getTime() + leaseMs);
}
