/**
 * The sync graph at a glance: the concepts as nodes, and each feature folder's syncs as the
 * edges between the concepts they connect, with how many. The dev console opens on it, and
 * `npm run graph` writes it first: 65 syncs drawn one by one are unreadable on a screen, while
 * a dozen counted edges show the system's shape.
 *
 * A sync leads from the concepts of its `when` to those of its `then`. A concept it both
 * matches and acts on is its context, not its trigger (the request a route sync answers with
 * `Requesting.respond`, matched beside the action it waits for), unless it matches nothing else.
 */
import type { GraphSync, SyncGraph } from "./graph.ts";

export interface OverviewEdge {
  readonly from: string;
  readonly to: string;
  /** The syncs' feature folder; null for syncs outside one. */
  readonly folder: string | null;
  /** The syncs this edge stands for, by name. */
  readonly syncs: readonly string[];
}

export function overviewOf(graph: Pick<SyncGraph, "syncs">): OverviewEdge[] {
  const edges = new Map<string, { from: string; to: string; folder: string | null; syncs: string[] }>();
  for (const sync of graph.syncs) {
    const folder = sync.folder ?? null;
    for (const from of triggers(sync)) {
      for (const to of conceptsOf(sync.then)) {
        const key = JSON.stringify([folder, from, to]);
        const edge = edges.get(key) ?? { from, to, folder, syncs: [] };
        edge.syncs.push(sync.name);
        edges.set(key, edge);
      }
    }
  }
  const order = (edge: OverviewEdge) => `${edge.folder ?? "\uffff"}\u0000${edge.from}\u0000${edge.to}`;
  return [...edges.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** The concepts whose actions set a sync off: those of its `when`, less the ones it answers back to. */
function triggers(sync: GraphSync): string[] {
  const matched = conceptsOf(sync.when);
  const acted = new Set(conceptsOf(sync.then));
  const others = matched.filter((concept) => !acted.has(concept));
  return others.length > 0 ? others : matched;
}

function conceptsOf(operations: readonly string[]): string[] {
  return [...new Set(operations.map((id) => id.slice(0, id.indexOf("."))))];
}
