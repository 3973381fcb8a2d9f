/*
 * The overview the sync graph opens on: the concepts as nodes, and the syncs as arrows between
 * the concepts they connect (graph.json's `overview`), one arrow per direction, labelled with
 * how many syncs of each feature folder go that way, in the folder's colour. The server decides
 * what connects what (overview.ts); this draws it.
 */
import { svgElement } from "./dom.js";

const conceptFont = 15;
const countFont = 13;
const palette = ["#0969da", "#1a7f37", "#bf3989", "#9a6700", "#8250df", "#cf222e", "#1b7c83", "#57606a"];

/** Each folder's colour, the same in the arrows and the legend. */
export function folderColours(graph) {
  const folders = [...new Set(graph.overview.map((edge) => edge.folder ?? ""))].sort();
  return new Map(folders.map((folder, index) => [folder, palette[index % palette.length]]));
}

/** The arrows a concept filter keeps: those from or to it (all when none is chosen). */
export function overviewEdges(graph, concept) {
  return graph.overview.filter((edge) => concept === "" || edge.from === concept || edge.to === concept);
}

/** The arrows between two concepts, one per direction: each carries the counts of the folders whose syncs go that way. */
function pairsOf(edges) {
  const pairs = new Map();
  for (const edge of edges) {
    const key = `${edge.from}\u0000${edge.to}`;
    const pair = pairs.get(key) ?? { from: edge.from, to: edge.to, byFolder: [] };
    pair.byFolder.push(edge);
    pairs.set(key, pair);
  }
  return [...pairs.values()];
}

const chipWidth = (edge) => 14 + String(edge.syncs.length).length * countFont * 0.62;
const chipGap = 4;

/** Lays out the overview's concepts and arrows, in one direction. */
function layOut(elk, names, pairs, direction) {
  return elk.layout({
    id: "overview",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": direction,
      "elk.edgeLabels.placement": "CENTER",
      "elk.layered.spacing.nodeNodeBetweenLayers": "50",
      "elk.layered.spacing.edgeNodeBetweenLayers": "12",
      "elk.spacing.nodeNode": "28",
      "elk.spacing.edgeEdge": "12",
      "elk.spacing.edgeLabel": "3",
    },
    children: names.map((name) => ({ id: name, width: 28 + name.length * conceptFont * 0.6, height: 40 })),
    edges: pairs.map((pair, index) => ({
      id: `flow:${index}`,
      sources: [pair.from],
      targets: [pair.to],
      labels: [{ id: `counts:${index}`, text: pair.byFolder.map((edge) => edge.syncs.length).join(" "), width: pair.byFolder.reduce((sum, edge) => sum + chipWidth(edge) + chipGap, -chipGap), height: countFont + 8 }],
    })),
  });
}

/**
 * Lays out and draws the overview, in the direction that lets it be drawn largest in `pane`;
 * `on.edge(edge)` is called with a folder's edge when its count is clicked, `on.pair(edges)`
 * when an arrow is, `on.concept(name)` when a concept is, and `on.hover(edges)` on hover.
 */
export async function drawOverview(elk, graph, concept, pane, on) {
  const edges = overviewEdges(graph, concept);
  const colours = folderColours(graph);
  const pairs = pairsOf(edges);
  const names = [...new Set([...edges.flatMap((edge) => [edge.from, edge.to]), ...(concept === "" ? [] : [concept])])].sort();
  const layouts = await Promise.all(["RIGHT", "DOWN"].map((direction) => layOut(elk, names, pairs, direction)));
  const fit = (layout) => Math.min(pane.clientWidth / (layout.width + 20), pane.clientHeight / (layout.height + 20));
  const layout = fit(layouts[0]) >= fit(layouts[1]) ? layouts[0] : layouts[1];
  const width = layout.width + 20;
  const height = layout.height + 20;
  const svg = svgElement("svg", { id: "sync-graph", class: "overview", viewBox: `0 0 ${width} ${height}`, "data-width": width, "data-height": height, "data-smallest-font": countFont });
  const root = svgElement("g", { transform: "translate(10,10)" });
  svg.append(arrowHeads(colours), root);
  for (const [index, drawn] of (layout.edges ?? []).entries()) {
    const pair = pairs[index];
    const single = pair.byFolder.length === 1;
    const colour = single ? colours.get(pair.byFolder[0].folder ?? "") : neutral;
    const group = svgElement("g", { class: "flow", "data-from": pair.from, "data-to": pair.to });
    group.append(svgElement("title", {}, `${pair.from} → ${pair.to}: ${pair.byFolder.map((edge) => `${edge.syncs.length} syncs of ${edge.folder ?? "no folder"}`).join(", ")}`));
    for (const section of drawn.sections ?? []) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => `${p.x},${p.y}`).join(" ");
      group.append(svgElement("polyline", { points, class: "hit" }), svgElement("polyline", { points, class: "line", stroke: colour, "marker-end": `url(#arrow-${colour.slice(1)})` }));
    }
    group.addEventListener("click", () => on.pair(pair.byFolder));
    group.addEventListener("mouseenter", () => on.hover(pair.byFolder));
    const label = drawn.labels?.[0];
    let x = label?.x ?? 0;
    for (const edge of pair.byFolder) {
      const folderColour = colours.get(edge.folder ?? "");
      const chip = svgElement("g", { class: "count", "data-folder": edge.folder ?? "", "data-count": edge.syncs.length });
      chip.append(
        svgElement("rect", { x, y: label?.y ?? 0, width: chipWidth(edge), height: label?.height ?? 0, rx: 9, stroke: folderColour }),
        svgElement("text", { x: x + chipWidth(edge) / 2, y: (label?.y ?? 0) + (label?.height ?? 0) / 2, "text-anchor": "middle", "dominant-baseline": "central", fill: folderColour }, String(edge.syncs.length)),
      );
      chip.addEventListener("click", (event) => {
        event.stopPropagation();
        on.edge(edge);
      });
      group.append(chip);
      x += chipWidth(edge) + chipGap;
    }
    root.append(group);
  }
  for (const node of layout.children ?? []) {
    const group = svgElement("g", { class: `concept-node${node.id === concept ? " chosen" : ""}`, "data-concept": node.id, transform: `translate(${node.x},${node.y})` });
    group.append(
      svgElement("rect", { width: node.width, height: node.height, rx: 8 }),
      svgElement("text", { x: node.width / 2, y: node.height / 2, "text-anchor": "middle", "dominant-baseline": "central" }, node.id),
    );
    group.addEventListener("click", () => on.concept(node.id));
    root.append(group);
  }
  return svg;
}

const neutral = "#57606a";

function arrowHeads(colours) {
  const defs = svgElement("defs");
  for (const colour of new Set([...colours.values(), neutral])) {
    const marker = svgElement("marker", { id: `arrow-${colour.slice(1)}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
    marker.append(svgElement("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: colour }));
    defs.append(marker);
  }
  return defs;
}
