/*
 * The detailed graph of some syncs (a feature folder's, or an overview arrow's): the actions and
 * queries those syncs name, each sync a rounded node that the actions of its `when` (and,
 * dashed, the queries of its `where`) lead into and that leads to the actions of its `then`.
 */
import { svgElement } from "./dom.js";

const font = 13;
const textWidth = (text) => 16 + text.length * font * 0.62;

export function operationsOf(sync) {
  return [...sync.when, ...sync.where, ...sync.then];
}

/**
 * Lays out and draws `syncs`, left to right as a flow runs: the operations a sync's `when`
 * matches, the sync, the operations its `then` runs, and on to the syncs those set off. An
 * operation is one node named `Concept.action`, not a box inside its concept's: a concept
 * box would have to stand both before and after its syncs (Requesting's request and respond).
 * `on.sync(sync)`, `on.hover(sync)` and `on.operation(id)` are called on clicks and hovers.
 */
export async function drawDetail(elk, graph, syncs, on) {
  const kinds = new Map(graph.concepts.flatMap((c) => c.operations.map((op) => [op.id, op.kind])));
  const operations = [...new Set(syncs.flatMap(operationsOf))].sort();
  const edges = [];
  for (const sync of syncs) {
    const node = `sync:${sync.name}`;
    for (const [kind, ids] of [["when", sync.when], ["where", sync.where]]) {
      for (const id of ids) edges.push({ id: `${kind}:${sync.name}:${id}`, sources: [id], targets: [node], kind, sync: sync.name });
    }
    for (const id of sync.then) edges.push({ id: `then:${sync.name}:${id}`, sources: [node], targets: [id], kind: "then", sync: sync.name });
  }
  const layout = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "36",
      "elk.spacing.nodeNode": "10",
      "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
    },
    children: [
      ...operations.map((id) => ({ id, width: textWidth(id), height: 26 })),
      ...syncs.map((sync) => ({ id: `sync:${sync.name}`, width: textWidth(sync.name), height: 26 })),
    ],
    edges: edges.map(({ id, sources, targets }) => ({ id, sources, targets })),
  });
  const width = layout.width + 20;
  const height = layout.height + 20;
  const svg = svgElement("svg", { id: "sync-graph", class: "detail", viewBox: `0 0 ${width} ${height}`, "data-width": width, "data-height": height, "data-smallest-font": font });
  svg.append(arrowHead());
  const root = svgElement("g", { transform: "translate(10,10)" });
  svg.append(root);
  const byId = new Map(edges.map((edge) => [edge.id, edge]));
  for (const edge of layout.edges ?? []) {
    const meta = byId.get(edge.id);
    for (const section of edge.sections ?? []) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => `${p.x},${p.y}`).join(" ");
      root.append(svgElement("polyline", { points, class: `edge ${meta.kind}`, "data-sync": meta.sync, "marker-end": "url(#arrow)" }));
    }
  }
  for (const node of layout.children ?? []) {
    if (node.id.startsWith("sync:")) {
      const sync = syncs.find((candidate) => `sync:${candidate.name}` === node.id);
      const group = svgElement("g", { class: "sync", "data-sync": sync.name, transform: `translate(${node.x},${node.y})` });
      group.append(svgElement("rect", { width: node.width, height: node.height, rx: 13 }), svgElement("text", { x: 8, y: 18 }, sync.name));
      group.addEventListener("mouseenter", () => on.hover(sync));
      group.addEventListener("click", () => on.sync(sync));
      root.append(group);
    } else {
      const group = svgElement("g", { class: `op ${kinds.get(node.id)}`, "data-op": node.id, transform: `translate(${node.x},${node.y})` });
      const dot = node.id.indexOf(".");
      const label = svgElement("text", { x: 8, y: 18 });
      label.append(svgElement("tspan", { class: "concept-name" }, node.id.slice(0, dot)), svgElement("tspan", {}, node.id.slice(dot)));
      group.append(svgElement("rect", { width: node.width, height: node.height, rx: 3 }), label);
      group.addEventListener("click", () => on.operation(node.id));
      root.append(group);
    }
  }
  return svg;
}

function arrowHead() {
  const defs = svgElement("defs");
  const marker = svgElement("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svgElement("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#8c959f" }));
  defs.append(marker);
  return defs;
}
