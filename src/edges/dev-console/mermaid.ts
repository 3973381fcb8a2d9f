/**
 * The sync graph as a Mermaid flowchart, for READMEs (GitHub renders it): each concept a
 * subgraph of its actions and queries, each sync a rounded node that the operations of its
 * `when` lead into (its where-queries dotted) and that leads to the operations of its `then`.
 */
import type { SyncGraph } from "./graph.ts";

export function mermaidOf(graph: SyncGraph): string {
  const lines = ["flowchart LR"];
  for (const concept of graph.concepts) {
    lines.push(`  subgraph ${nodeId(concept.name)}["${concept.name}"]`);
    for (const operation of concept.operations) lines.push(`    ${nodeId(operation.id)}["${operation.name}"]`);
    lines.push("  end");
  }
  for (const sync of graph.syncs) {
    // Named for the sync, so adding one leaves the others' lines as they were.
    const syncNode = `s_${sync.name.replace(/[^A-Za-z0-9]/g, "_")}`;
    lines.push(`  ${syncNode}(["${sync.name}"])`);
    for (const operation of sync.when) lines.push(`  ${nodeId(operation)} --> ${syncNode}`);
    for (const query of sync.where) lines.push(`  ${nodeId(query)} -.-> ${syncNode}`);
    for (const operation of sync.then) lines.push(`  ${syncNode} --> ${nodeId(operation)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The overview (overview.ts) as a Mermaid flowchart: the concepts, and an arrow for each
 * feature folder's syncs between two of them, labelled with the folder and how many.
 */
export function overviewMermaidOf(graph: SyncGraph): string {
  const lines = ["flowchart LR"];
  const concepts = [...new Set(graph.overview.flatMap((edge) => [edge.from, edge.to]))].sort();
  for (const concept of concepts) lines.push(`  ${nodeId(concept)}["${concept}"]`);
  for (const edge of graph.overview) lines.push(`  ${nodeId(edge.from)} -->|"${edge.folder ?? "no folder"}: ${edge.syncs.length}"| ${nodeId(edge.to)}`);
  return `${lines.join("\n")}\n`;
}

/** Mermaid ids allow letters, digits and underscores; operation names carry dots and leading underscores. */
function nodeId(name: string): string {
  return `n_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
}
