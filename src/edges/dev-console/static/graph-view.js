/*
 * The sync graph: concepts as boxes holding their actions and queries, each sync a rounded
 * node that the actions of its `when` (and, dashed, the queries of its `where`) lead into and
 * that leads to the actions of its `then`. elkjs lays it out; it is drawn as SVG.
 */
/* global document, window, CSS, ELK, fetch */
import { element, svgElement } from "./dom.js";

const elk = new ELK();
let graph;

export async function startGraph() {
  const response = await fetch("/dev/graph.json");
  if (!response.ok) {
    document.getElementById("graph-canvas").textContent = `the graph could not be loaded (${response.status})`;
    return;
  }
  graph = await response.json();
  const conceptSelect = document.getElementById("graph-concept");
  const folderSelect = document.getElementById("graph-folder");
  for (const concept of graph.concepts) conceptSelect.append(element("option", { value: concept.name }, concept.name));
  for (const folder of [...new Set(graph.syncs.map((sync) => sync.folder).filter(Boolean))].sort()) folderSelect.append(element("option", { value: folder }, folder));
  const redraw = () => draw(conceptSelect.value, folderSelect.value);
  conceptSelect.addEventListener("change", redraw);
  document.getElementById("graph-zoom").addEventListener("click", () => {
    fitted = !fitted;
    const svg = document.getElementById("sync-graph");
    if (svg) sizeGraph(svg);
  });
  folderSelect.addEventListener("change", redraw);
  await redraw();
}

function operationsOf(sync) {
  return [...sync.when, ...sync.where, ...sync.then];
}

/** The syncs and operations a filter keeps. */
function visible(concept, folder) {
  const syncs = graph.syncs.filter(
    (sync) => (folder === "" || sync.folder === folder) && (concept === "" || operationsOf(sync).some((id) => id.startsWith(`${concept}.`))),
  );
  const used = new Set(syncs.flatMap(operationsOf));
  const filtered = concept !== "" || folder !== "";
  const concepts = graph.concepts
    .map((c) => ({ ...c, operations: c.operations.filter((op) => !filtered || used.has(op.id) || c.name === concept) }))
    .filter((c) => c.operations.length > 0);
  return { syncs, concepts };
}

const textWidth = (text) => 14 + text.length * 7;

async function draw(concept, folder) {
  const { syncs, concepts } = visible(concept, folder);
  const children = concepts.map((c) => ({
    id: `concept:${c.name}`,
    layoutOptions: { "elk.padding": "[top=26,left=10,bottom=10,right=10]" },
    labels: [{ text: c.name }],
    children: c.operations.map((op) => ({ id: op.id, width: textWidth(op.name), height: 24, labels: [{ text: op.name }] })),
  }));
  for (const sync of syncs) children.push({ id: `sync:${sync.name}`, width: textWidth(sync.name), height: 22 });
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
  render(layout, edges, syncs, concepts);
  document.getElementById("graph-summary").textContent = `${syncs.length} of ${graph.syncs.length} syncs, ${shown.size} actions and queries`;
}

function render(layout, edges, syncs, concepts) {
  const width = layout.width + 20;
  const height = layout.height + 20;
  // Fitted to the panel by default (the whole graph at a glance); "Actual size" shows it 1:1, to read.
  const svg = svgElement("svg", { id: "sync-graph", viewBox: `0 0 ${width} ${height}`, "data-width": width, "data-height": height });
  sizeGraph(svg);
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
      group.append(svgElement("rect", { width: node.width, height: node.height, rx: 6 }), svgElement("text", { x: 10, y: 17 }, node.labels[0].text));
      for (const op of node.children ?? []) {
        const opGroup = svgElement("g", { class: `op ${kinds.get(op.id)}`, "data-op": op.id, transform: `translate(${op.x},${op.y})` });
        opGroup.append(svgElement("rect", { width: op.width, height: op.height, rx: 3 }), svgElement("text", { x: 7, y: 16 }, op.labels[0].text));
        opGroup.addEventListener("click", () => selectOperation(svg, op.id));
        group.append(opGroup);
      }
      root.append(group);
    } else {
      const sync = syncs.find((candidate) => `sync:${candidate.name}` === node.id);
      const group = svgElement("g", { class: "sync", "data-sync": sync.name, transform: `translate(${node.x},${node.y})` });
      group.append(svgElement("rect", { width: node.width, height: node.height, rx: 11 }), svgElement("text", { x: 7, y: 15 }, sync.name));
      group.addEventListener("mouseenter", () => showSync(sync));
      group.addEventListener("click", () => selectSync(svg, sync));
      root.append(group);
    }
  }
  const canvas = document.getElementById("graph-canvas");
  canvas.replaceChildren(svg);
}

let fitted = true;

function sizeGraph(svg) {
  svg.setAttribute("width", fitted ? "100%" : svg.dataset.width);
  svg.setAttribute("height", fitted ? "100%" : svg.dataset.height);
  document.getElementById("graph-zoom").textContent = fitted ? "Actual size" : "Fit";
}

function arrowHead() {
  const defs = svgElement("defs");
  const marker = svgElement("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svgElement("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#8c959f" }));
  defs.append(marker);
  return defs;
}

/** Shows a sync in the graph (from the trace): its feature folder, the sync selected. */
export async function showSyncInGraph(name) {
  const sync = graph?.syncs.find((candidate) => candidate.name === name);
  if (sync === undefined) return;
  const conceptSelect = document.getElementById("graph-concept");
  const folderSelect = document.getElementById("graph-folder");
  conceptSelect.value = "";
  folderSelect.value = sync.folder ?? "";
  window.location.hash = "#graph";
  await draw(conceptSelect.value, folderSelect.value);
  selectSync(document.getElementById("sync-graph"), sync);
}

function selectSync(svg, sync) {
  for (const item of svg.querySelectorAll(".selected, .dim")) item.classList.remove("selected", "dim");
  for (const item of svg.querySelectorAll(".edge, .sync")) item.classList.toggle(item.dataset.sync === sync.name ? "selected" : "dim", true);
  showSync(sync);
}

function selectOperation(svg, id) {
  const around = graph.syncs.filter((sync) => operationsOf(sync).includes(id));
  const names = new Set(around.map((sync) => sync.name));
  for (const item of svg.querySelectorAll(".selected, .dim")) item.classList.remove("selected", "dim");
  for (const item of svg.querySelectorAll(".edge, .sync")) item.classList.toggle(names.has(item.dataset.sync) ? "selected" : "dim", true);
  svg.querySelector(`[data-op="${CSS.escape(id)}"]`)?.classList.add("selected");
  const details = document.getElementById("graph-details");
  details.replaceChildren(
    element("h3", {}, id),
    element("p", { class: "muted" }, around.length === 0 ? "no sync names it" : `${around.length} syncs name it:`),
    element("ul", {}, ...around.map((sync) => element("li", {}, sync.name))),
  );
}

function showSync(sync) {
  const details = document.getElementById("graph-details");
  const list = (items) => element("ul", {}, ...items.map((item) => element("li", {}, element("code", {}, item))));
  details.replaceChildren(
    element("h3", { id: "graph-details-name" }, sync.name),
    element("p", { class: "muted" }, sync.file === undefined || sync.file === null ? "file unknown" : `src/syncs/${sync.file}`),
    element("strong", {}, "when"),
    list(sync.clauses.when),
    element("strong", {}, "where"),
    sync.clauses.where
      ? sync.where.length > 0
        ? list(sync.where.map((query) => `queries ${query}`))
        : element("p", { class: "muted" }, "decides from the bindings (no query found by a dry run)")
      : element("p", { class: "muted" }, "none"),
    element("strong", {}, "then"),
    list(sync.clauses.then),
  );
}
