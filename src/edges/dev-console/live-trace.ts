/**
 * The live trace's hub: while at least one page watches, it observes the engine's flows
 * (and the HTTP requests that started them) and hands each event to every watcher; when the
 * last one leaves it stops observing and forgets everything. Nobody watching costs the
 * engine one length test per flow and the HTTP edge one boolean test per request.
 * Memory is bounded twice: the recent events a new watcher is shown, and each watcher's
 * backlog (a slow page loses its oldest events, and is told how many).
 */
import type { EndedFlow, FlowObserver } from "../../engine/engine.ts";
import { forLog } from "../../engine/log-values.ts";
import { flowTree, type FlowProvenance } from "../../engine/provenance.ts";
import type { ActionRecord } from "../../engine/records.ts";

/** The request that started a flow (or a read, which starts none), as the HTTP edge saw it. */
export interface RequestEvent {
  readonly type: "request";
  readonly flow: string | null;
  readonly method: string;
  readonly path: string;
  /** The route pattern that answered, e.g. `/api/v1/sessions/:sessionId`. */
  readonly route: string;
  readonly user: string | null;
  readonly status: number;
  readonly ms: number;
  readonly at: string;
}

/** A flow as it ended, its values cut to a size a page can show. */
export interface FlowEvent {
  readonly type: "flow";
  readonly flow: string;
  readonly finished: boolean;
  /** The user its first action names, if any. */
  readonly user: string | null;
  readonly tree: FlowProvenance;
}

export type TraceEvent = RequestEvent | FlowEvent;

export type Watcher = (event: TraceEvent) => void;

export interface LiveTraceOptions {
  /** Events a newly opened page is shown first (the newest); default 200. */
  readonly recent?: number;
}

/** What the trace needs of the engine. */
export interface ObservableEngine {
  observeFlows(observer: FlowObserver): () => void;
}

export class LiveTrace {
  private readonly watchers = new Set<Watcher>();
  private readonly recentEvents: TraceEvent[] = [];
  private readonly recentLimit: number;
  private stopObserving: (() => void) | undefined;

  constructor(
    private readonly engine: ObservableEngine,
    { recent = 200 }: LiveTraceOptions = {},
  ) {
    this.recentLimit = recent;
  }

  /** True while some page watches: the HTTP edge tests this before timing a request. */
  get watching(): boolean {
    return this.watchers.size > 0;
  }

  /** Starts telling `watcher` of every event (the recent ones first); answers the function that stops it. */
  watch(watcher: Watcher): () => void {
    for (const event of this.recentEvents) watcher(event);
    this.watchers.add(watcher);
    this.stopObserving ??= this.engine.observeFlows((flow) => this.publish(flowEvent(flow)));
    return () => {
      this.watchers.delete(watcher);
      if (this.watchers.size > 0) return;
      this.stopObserving?.();
      this.stopObserving = undefined;
      this.recentEvents.length = 0;
    };
  }

  publish(event: TraceEvent): void {
    if (!this.watching) return;
    this.recentEvents.push(event);
    if (this.recentEvents.length > this.recentLimit) this.recentEvents.shift();
    for (const watcher of this.watchers) watcher(event);
  }
}

/** Bytes of JSON (about) a value may take in the trace; larger ones are cut as the log cuts them. */
const valueBudget = 1024;

/** A flow's records with their values cut for a page. */
export function pageRecords(records: readonly ActionRecord[]): ActionRecord[] {
  return records.map((record) => ({ ...record, input: forLog(record.input, valueBudget) as Record<string, unknown>, output: forLog(record.output, valueBudget) }));
}

export function flowEvent({ flow, finished, records, failures }: EndedFlow): FlowEvent {
  return { type: "flow", flow, finished, user: userOf(records), tree: flowTree(flow, pageRecords(records), failures) };
}

/** The user a flow acts for: the first record whose input names one (a request, or the invoked action). */
export function userOf(records: readonly ActionRecord[]): string | null {
  for (const record of records) {
    const user = record.input["user"];
    if (typeof user === "string") return user;
  }
  return null;
}
