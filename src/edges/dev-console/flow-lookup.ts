/**
 * Finished flows for the console, from the engine's provenance: by flow id (or the id of any
 * action in it), and a user's latest ones. The engine finds flows by id; a user's are found
 * in its log collection (`engine.flows`, unindexed by user: a developer's look-up, capped).
 */
import type { Db } from "mongodb";
import type { SyncEngine } from "../../engine/engine.ts";
import { userFlowsFilter } from "../../engine/durable-log.ts";
import { flowTree, type FlowProvenance } from "../../engine/provenance.ts";
import { pageRecords } from "./live-trace.ts";

/** A user's flows answered at most. */
const userFlowsLimit = 20;

export class FlowLookup {
  constructor(
    private readonly engine: Pick<SyncEngine, "provenance" | "flushLog">,
    private readonly db: Db,
  ) {}

  /** The flow with this id, or the flow holding the action record with this id. */
  async byId(id: string): Promise<FlowProvenance | undefined> {
    const found = await this.engine.provenance(id);
    if (found === undefined) return undefined;
    if (found.kind === "flow") return forPage(found);
    const flow = await this.engine.provenance(found.record.flow);
    return flow?.kind === "flow" ? forPage(flow) : undefined;
  }

  /** The user's latest finished flows, newest first; with `action`, only those where it ran for the user. */
  async byUser(user: string, action?: { concept: string; action: string }): Promise<FlowProvenance[]> {
    const filter = userFlowsFilter(user, action);
    // Flows that just ended may still wait in the log's batch.
    await this.engine.flushLog();
    const parts = await this.db
      .collection<{ _id: string; flow: string }>("engine.flows")
      .find(filter, { projection: { flow: 1 } })
      .sort({ at: -1 })
      .limit(userFlowsLimit)
      .toArray();
    const ids = [...new Set(parts.map((part) => part.flow))];
    const flows = await Promise.all(ids.map((id) => this.byId(id)));
    return flows.filter((flow) => flow !== undefined);
  }
}

/** The tree again over records whose values are cut to a page's size. */
function forPage(flow: FlowProvenance): FlowProvenance {
  const records = [];
  const stack = [...flow.roots];
  for (let node = stack.shift(); node !== undefined; node = stack.shift()) {
    records.push(node.record);
    stack.push(...node.children);
  }
  records.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  return flowTree(flow.flow, pageRecords(records), flow.failures);
}
