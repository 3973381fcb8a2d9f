/** Provenance: why a record exists (its sync and the records that sync matched), and a flow's tree. */
import type { ActionRecord, SyncFailure } from "./records.ts";

export interface RecordProvenance {
  readonly kind: "record";
  readonly record: ActionRecord;
  /** The sync that ran it; absent for an external action. */
  readonly sync?: string;
  /** The records the sync matched, in when-pattern order. */
  readonly causes: readonly ActionRecord[];
}

export interface ProvenanceNode {
  readonly record: ActionRecord;
  /** Records whose sync matched this record (a record caused by several appears under its last cause). */
  readonly children: readonly ProvenanceNode[];
}

export interface FlowProvenance {
  readonly kind: "flow";
  readonly flow: string;
  /** Records no other record of the flow caused: the external actions. */
  readonly roots: readonly ProvenanceNode[];
  readonly failures: readonly SyncFailure[];
}

export type Provenance = RecordProvenance | FlowProvenance;

export function recordProvenance(record: ActionRecord, candidates: readonly ActionRecord[]): RecordProvenance {
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  const causes = (record.cause?.records ?? []).flatMap((id) => byId.get(id) ?? []);
  return { kind: "record", record, ...(record.cause === undefined ? {} : { sync: record.cause.sync }), causes };
}

export function flowTree(flow: string, records: readonly ActionRecord[], failures: readonly SyncFailure[]): FlowProvenance {
  const children = new Map<string, ProvenanceNode[]>();
  const nodes = new Map<string, ProvenanceNode>();
  for (const record of records) {
    const list: ProvenanceNode[] = [];
    children.set(record.id, list);
    nodes.set(record.id, { record, children: list });
  }
  const roots: ProvenanceNode[] = [];
  for (const record of records) {
    const node = nodes.get(record.id) as ProvenanceNode;
    const parent = [...(record.cause?.records ?? [])].reverse().find((id) => children.has(id));
    if (parent === undefined) roots.push(node);
    else children.get(parent)?.push(node);
  }
  return { kind: "flow", flow, roots, failures };
}
