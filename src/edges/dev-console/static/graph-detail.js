/*
 * The detailed graph of some syncs (a feature folder's, or an overview arrow's): concepts as
 * boxes holding the actions and queries those syncs name, each sync a rounded node that the
 * actions of its `when` (and, dashed, the queries of its `where`) lead into and that leads to
 * the actions of its `then`.
 */
import { svgElement } from "./dom.js";

const font = 13;
const textWidth = (text) => 16 + text.length * font * 0.58;

export function operationsOf(sync) {
  return [...sync.when, ...sync.where, ...sync.then];
}

/** Lays out and draws `syncs`; `on.sync(sync)`, `on.hover(sync)` and `on.operation(id)` are called on clicks and hovers. */
export async function drawDetail(elk, graph, syncs, concept, on) {
  const used = new Set(syncs.flatMap(operationsOf));
  const concepts = graph.concepts
    .map((c) => ({ ...c, operations: c.operations.filter((op) => used.has(op.id) || c.name === concept) }))
    .filter((c) => c.operations.length > 0);
  const children = concepts.map((c) => ({
    id: `concept:${c.name}`,
    layoutOptions: { "elk.padding": "[top=30,left=10,bottom=10,right=10]" },
    labels: [{ text: c.name }],
    children: c.operations.map((op) => ({ id: op.id, width: textWidth(op.name), height: 26, labels: [{ text: op.name }] })),
  }));
  for (const sync of syncs) children.push({ id: `sync:${sync.name}`, width: textWidth(sync.name), height: 26 });
  const shown = new Set(concepts.flatMap((c) => c.operations.map((op) => op.id)));
  const edges = [];
  for (const sync of syncs) {
    const node = `sync:${sync.name}`;
    for (const [kind, ids] of [["when", sync.when], ["where", sync.where]]) {
      for (const id of ids) if (shown.has(id)) edges.push({ id: `${kind}:${sync.name}:${id}`, sources: [id], targets: [node], kind, sync: sync.name });
    }
    for (const id of sync.then) if (shown.has(id)) edges.push({ id: `then:${sync.name}:${id}`, sources: [node], targets: [id], kind: "then", sync: sync.name });
  }
  const layout = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.layered.spacing.nodeNodeBetweenLayers": "40",
      "elk.spacing.nodeNode": "12",
    },
    children,
    edges: edges.map(({ id, sources, targets }) => ({ id, sources, targets })),
  });
  const width = layout.width + 20;
  const height = layout.height + 20;
  const svg = svgElement("svg", { id: "sync-graph", class: "detail", viewBox: `0 0 ${width} ${height}`, "data-width": width, "data-height": height, "data-smallest-font": font });
  svg.append(arrowHead());
  const root = svgElement("g", { transform: "translate(10,10)" });
  svg.append(root);
  const byId = new Map(edges.map((edge) => [edge.id, edge]));
  const kinds = new Map(concepts.flatMap((c) => c.operations.map((op) => [op.id, op.kind])));
  for (const edge of layout.edges ?? []) {
    const meta = byId.get(edge.id);
    for (const section of edge.sections ?? []) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => `${p.x},${p.y}`).join(" ");
      root.append(svgElement("polyline", { points, class: `edge ${meta.kind}`, "data-sync": meta.sync, "marker-end": "url(#arrow)" }));
    }
  }
  for (const node of layout.children ?? []) {
    if (node.id.startsWith("concept:")) {
      const group = svgElement("g", { class: "concept", transform: `translate(${node.x},${node.y})` });
      group.append(svgElement("rect", { width: node.width, height: node.height, rx: 6 }), svgElement("text", { x: 10, y: 20 }, node.labels[0].text));
      for (const op of node.children ?? []) {
        const opGroup = svgElement("g", { class: `op ${kinds.get(op.id)}`, "data-op": op.id, transform: `translate(${op.x},${op.y})` });
        opGroup.append(svgElement("rect", { width: op.width, height: op.height, rx: 3 }), svgElement("text", { x: 8, y: 18 }, op.labels[0].text));
        opGroup.addEventListener("click", () => on.operation(op.id));
        group.append(opGroup);
      }
      root.append(group);
    } else {
      const sync = syncs.find((candidate) => `sync:${candidate.name}` === node.id);
      const group = svgElement("g", { class: "sync", "data-sync": sync.name, transform: `translate(${node.x},${node.y})` });
      group.append(svgElement("rect", { width: node.width, height: node.height, rx: 13 }), svgElement("text", { x: 8, y: 18 }, sync.name));
      group.addEventListener("mouseenter", () => on.hover(sync));
      group.addEventListener("click", () => on.sync(sync));
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
