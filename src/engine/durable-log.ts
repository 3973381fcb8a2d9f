/**
 * The durable action log in MongoDB: action records (`<prefix>.actions`), then-actions
 * persisted before they run (`<prefix>.pending`) and sync failures (`<prefix>.failures`).
 *
 * Writes are batched: everything queued while a write is in flight goes out in the next one
 * (one insertMany / bulkWrite per collection), so concurrent flows share round trips. Only
 * pending then-actions are waited for, because they must be durable before their effects;
 * records and settlements ride along with them or go out on a short timer.
 */
import type { AnyBulkWriteOperation, Collection, Db } from "mongodb";
import type { ActionRecord, SyncFailure } from "./records.ts";

/** A then-action as persisted before it runs. */
export interface PendingAction {
  /** Idempotency key: sync, matched records, frame and position; the document's `_id`. */
  readonly key: string;
  /** Sync and matched records: which firing the action belongs to. */
  readonly firing: string;
  readonly flow: string;
  readonly sync: string;
  readonly records: readonly string[];
  readonly concept: string;
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
  /**
   * Set for the invoked action of a flow: it has run already (its record is `records[0]`), and
   * the entry only keeps the flow open until the syncs it triggered have run.
   */
  readonly external?: true;
}

export interface DurableLogOptions {
  readonly prefix: string;
  readonly retentionSeconds: number;
  readonly leaseSeconds: number;
  /** Told about writes that failed (the log cannot throw at whoever queued them). */
  readonly onWriteError?: (error: unknown) => void;
}

type State = "pending" | "done" | "failed";

interface PendingDoc extends Omit<PendingAction, "key" | "records"> {
  _id: string;
  records: string[];
  state: State;
  seq: number;
  leaseUntil: Date;
  at: Date;
  settledAt?: Date;
  error?: string;
}

interface ActionDoc {
  _id: string;
  flow: string;
  concept: string;
  action: string;
  input: Record<string, unknown>;
  output: unknown;
  thrown?: string;
  cause?: { sync: string; records: string[]; key: string };
  /** The cause's idempotency key, uniquely indexed: a resumed action is never recorded twice. */
  key?: string;
  seq: number;
  at: Date;
}

interface FailureDoc extends Omit<SyncFailure, "records"> {
  records: string[];
}

interface Waiter {
  readonly keys: readonly string[];
  resolve(taken: Set<string>): void;
  reject(error: unknown): void;
}

const duplicateKey = 11000;
const lazyFlushMs = 50;
const eagerBatchSize = 1000;

export class DurableLog {
  private readonly actions: Collection<ActionDoc>;
  private readonly pending: Collection<PendingDoc>;
  private readonly failures: Collection<FailureDoc>;
  private queuedRecords: ActionDoc[] = [];
  private queuedPending: PendingDoc[] = [];
  private queuedSettles: { key: string; state: State; error?: string; at: Date }[] = [];
  private queuedFailures: FailureDoc[] = [];
  private waiters: Waiter[] = [];
  private chain: Promise<void> = Promise.resolve();
  private batchScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;

  constructor(
    db: Db,
    private readonly options: DurableLogOptions,
  ) {
    this.actions = db.collection<ActionDoc>(`${options.prefix}.actions`);
    this.pending = db.collection<PendingDoc>(`${options.prefix}.pending`);
    this.failures = db.collection<FailureDoc>(`${options.prefix}.failures`);
  }

  async prepare(): Promise<void> {
    const expireAfterSeconds = this.options.retentionSeconds;
    await Promise.all([
      this.actions.createIndex({ flow: 1, seq: 1 }),
      this.actions.createIndex({ key: 1 }, { unique: true, sparse: true }),
      this.actions.createIndex({ at: 1 }, { expireAfterSeconds }),
      this.pending.createIndex({ state: 1, leaseUntil: 1 }),
      this.pending.createIndex({ flow: 1 }),
      // Only settled actions carry settledAt, so pending work never expires.
      this.pending.createIndex({ settledAt: 1 }, { expireAfterSeconds }),
      this.failures.createIndex({ flow: 1 }),
      this.failures.createIndex({ at: 1 }, { expireAfterSeconds }),
    ]);
  }

  append(record: ActionRecord): void {
    this.queuedRecords.push(toDoc(record, this.nextSeq()));
    this.scheduleLazy();
  }

  appendFailure(failure: SyncFailure): void {
    this.queuedFailures.push({ ...failure, records: [...failure.records] });
    this.scheduleLazy();
  }

  /** Persists then-actions before they run; answers the keys already present (handled elsewhere). */
  persistPending(actions: readonly PendingAction[]): Promise<Set<string>> {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + this.options.leaseSeconds * 1000);
    for (const action of actions) {
      const { key, records, ...rest } = action;
      this.queuedPending.push({ ...rest, _id: key, records: [...records], state: "pending", seq: this.nextSeq(), leaseUntil, at: now });
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ keys: actions.map((action) => action.key), resolve, reject });
      void this.drain();
    });
  }

  settle(key: string, state: "done" | "failed", error?: string): void {
    this.queuedSettles.push({ key, state, at: new Date(), ...(error === undefined ? {} : { error }) });
    this.scheduleLazy();
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.queued() > 0 || this.batchScheduled) await this.drain();
    await this.chain;
  }

  /**
   * Claims the pending actions whose lease has run out (their engine stopped), oldest first,
   * except those of flows `isRunning` says are still under way here.
   */
  async claimDue(isRunning: (flow: string) => boolean): Promise<PendingAction[]> {
    const now = new Date();
    const due = await this.pending.find({ state: "pending", leaseUntil: { $lte: now } }).sort({ seq: 1 }).toArray();
    const leaseUntil = new Date(now.getTime() + this.options.leaseSeconds * 1000);
    const claimed: PendingAction[] = [];
    for (const doc of due) {
      if (isRunning(doc.flow)) continue;
      const { modifiedCount } = await this.pending.updateOne({ _id: doc._id, state: "pending", leaseUntil: { $lte: now } }, { $set: { leaseUntil } });
      if (modifiedCount === 1) claimed.push(fromPendingDoc(doc));
    }
    return claimed;
  }

  /** A flow's logged records and the firings it has made (pending or settled). */
  async loadFlow(flow: string): Promise<{ records: ActionRecord[]; firings: string[] }> {
    const [records, firings] = await Promise.all([
      this.flowRecords(flow),
      this.pending.find({ flow }, { projection: { firing: 1 } }).toArray(),
    ]);
    return { records, firings: [...new Set(firings.map((doc) => doc.firing))] };
  }

  async flowRecords(flow: string): Promise<ActionRecord[]> {
    return (await this.actions.find({ flow }).sort({ seq: 1 }).toArray()).map(fromDoc);
  }

  async findRecord(id: string): Promise<ActionRecord | undefined> {
    const doc = await this.actions.findOne({ _id: id });
    return doc === null ? undefined : fromDoc(doc);
  }

  async findRecords(ids: readonly string[]): Promise<ActionRecord[]> {
    if (ids.length === 0) return [];
    return (await this.actions.find({ _id: { $in: [...ids] } }).toArray()).map(fromDoc);
  }

  async flowFailures(flow: string): Promise<SyncFailure[]> {
    return (await this.failures.find({ flow }).toArray()).map(({ flow: id, sync, records, error, at }) => ({ flow: id, sync, records, error, at }));
  }

  private nextSeq(): number {
    // Time first, so records of a flow resumed by another engine still sort after earlier ones.
    return Date.now() * 1000 + (this.sequence++ % 1000);
  }

  private queued(): number {
    return this.queuedRecords.length + this.queuedPending.length + this.queuedSettles.length + this.queuedFailures.length;
  }

  private scheduleLazy(): void {
    if (this.queued() >= eagerBatchSize) {
      void this.drain();
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, lazyFlushMs);
    this.timer.unref();
  }

  /** Schedules one batch after the one in flight; whatever is queued when it starts goes in it. */
  private drain(): Promise<void> {
    if (!this.batchScheduled) {
      this.batchScheduled = true;
      this.chain = this.chain.then(() => {
        this.batchScheduled = false;
        return this.writeBatch();
      });
    }
    return this.chain;
  }

  private async writeBatch(): Promise<void> {
    const records = this.queuedRecords;
    const pending = this.queuedPending;
    const settles = this.queuedSettles;
    const failures = this.queuedFailures;
    const waiters = this.waiters;
    this.queuedRecords = [];
    this.queuedPending = [];
    this.queuedSettles = [];
    this.queuedFailures = [];
    this.waiters = [];
    if (records.length + pending.length + settles.length + failures.length === 0) return;
    const operations: AnyBulkWriteOperation<PendingDoc>[] = [
      ...pending.map((document) => ({ insertOne: { document } })),
      ...settles.map(({ key, state, error, at }) => ({
        updateOne: { filter: { _id: key }, update: { $set: { state, settledAt: at, ...(error === undefined ? {} : { error }) } } },
      })),
    ];
    const [recordsWritten, pendingWritten, failuresWritten] = await Promise.allSettled([
      records.length > 0 ? this.actions.insertMany(records, { ordered: false }) : undefined,
      operations.length > 0 ? this.pending.bulkWrite(operations, { ordered: false }) : undefined,
      failures.length > 0 ? this.failures.insertMany(failures, { ordered: false }) : undefined,
    ]);
    for (const outcome of [recordsWritten, failuresWritten]) {
      if (outcome.status === "rejected" && duplicateIndexes(outcome.reason) === undefined) this.options.onWriteError?.(outcome.reason);
    }
    if (pendingWritten.status === "fulfilled") {
      for (const waiter of waiters) waiter.resolve(new Set());
      return;
    }
    const duplicates = duplicateIndexes(pendingWritten.reason);
    if (duplicates === undefined) {
      this.options.onWriteError?.(pendingWritten.reason);
      for (const waiter of waiters) waiter.reject(pendingWritten.reason);
      return;
    }
    const taken = new Set([...duplicates].filter((index) => index < pending.length).map((index) => (pending[index] as PendingDoc)._id));
    for (const waiter of waiters) waiter.resolve(new Set(waiter.keys.filter((key) => taken.has(key))));
  }
}

/** The indexes of the documents a bulk write refused as duplicates, or undefined for any other failure. */
function duplicateIndexes(error: unknown): Set<number> | undefined {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  if (writeErrors === undefined) return undefined;
  const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as { index: number; code: number }[];
  if (list.some((writeError) => writeError.code !== duplicateKey)) return undefined;
  return new Set(list.map((writeError) => writeError.index));
}

function toDoc(record: ActionRecord, seq: number): ActionDoc {
  const doc: ActionDoc = {
    _id: record.id,
    flow: record.flow,
    concept: record.concept,
    action: record.action,
    input: record.input as Record<string, unknown>,
    output: record.output,
    seq,
    at: record.at,
  };
  if (record.thrown !== undefined) doc.thrown = record.thrown;
  if (record.cause !== undefined) {
    doc.cause = { ...record.cause, records: [...record.cause.records] };
    doc.key = record.cause.key;
  }
  return doc;
}

function fromDoc(doc: ActionDoc): ActionRecord {
  return {
    id: doc._id,
    flow: doc.flow,
    concept: doc.concept,
    action: doc.action,
    input: doc.input,
    output: doc.thrown === undefined ? doc.output : undefined,
    ...(doc.thrown === undefined ? {} : { thrown: doc.thrown }),
    ...(doc.cause === undefined ? {} : { cause: doc.cause }),
    at: doc.at,
  };
}

function fromPendingDoc(doc: PendingDoc): PendingAction {
  const { _id, firing, flow, sync, records, concept, action, input, external } = doc;
  return { key: _id, firing, flow, sync, records, concept, action, input, ...(external === true ? { external } : {}) };
}
