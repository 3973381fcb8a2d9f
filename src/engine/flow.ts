/**
 * The in-memory state of one running flow: its records, indexed by the operations some sync
 * watches, and the firings already made. It lives while any invocation in the flow is under
 * way and is dropped when the last one ends, so finished flows cost no memory.
 */
import type { ActionRecord, SyncFailure } from "./records.ts";

export class FlowState {
  readonly records: ActionRecord[] = [];
  /** Records by `concept.action`, only for operations some when-pattern names. */
  readonly byOperation = new Map<string, ActionRecord[]>();
  /** Firing keys (sync + matched records) already made: a sync fires once per set of records. */
  readonly fired = new Set<string>();
  readonly failures: SyncFailure[] = [];
  /**
   * Records a resumed flow would reproduce: written ahead, or planned without a where-clause
   * from replayable records (firing again plans them with the same keys).
   */
  readonly replayable = new Set<string>();
  /** Set when an invocation in the flow failed: the flow stays open in the log, for resuming. */
  abandoned = false;
  /** Invocations under way in this flow. */
  users = 0;
  /** When its retries and its waits for the log give up (epoch ms): a request is answered within a bound. */
  deadline = Number.POSITIVE_INFINITY;
  /** Its client can ask again with the same key (an Idempotency-Key) and learn the outcome. */
  keyed = false;
  /** An action written ahead has been started: the flow may have taken effect, so it must be finished. */
  begun = false;

  constructor(readonly id: string) {}

  add(record: ActionRecord, operation: string, watched: boolean): void {
    this.records.push(record);
    if (!watched) return;
    const list = this.byOperation.get(operation);
    if (list === undefined) this.byOperation.set(operation, [record]);
    else list.push(record);
  }

  recordsOf(operation: string): readonly ActionRecord[] {
    return this.byOperation.get(operation) ?? noRecords;
  }
}

const noRecords: readonly ActionRecord[] = [];
