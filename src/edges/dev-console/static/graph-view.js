/*
 * The sync graph view. It opens on the overview (graph-overview.js): concepts, and each feature
 * folder's syncs as counted arrows between them. A click on an arrow or a folder opens the
 * detailed graph of those syncs (graph-detail.js). Both are sized by graph-fit.js. The details
 * panel says what is under the pointer or selected, and starts afresh whenever the view or a
 * filter changes, so it never describes something no longer drawn.
 */
/* global document, window, CSS, ELK, fetch, ResizeObserver */
import { element } from "./dom.js";
import { drawDetail, operationsOf } from "./graph-detail.js";
import { place } from "./graph-fit.js";
import { drawOverview, folderColours } from "./graph-overview.js";

const elk = new ELK();
let graph;
/** What is drawn: the filters, or a chosen set of syncs (an overview arrow's) whose detail is shown. */
const view = { concept: "", folder: "", chosen: null };
let fitted = true;
/** Layouts are asynchronous: only the latest asked for is shown. */
let drawing = 0;

const byId = (id) => document.getElementById(id);

export async function startGraph() {
  const response = await fetch("/dev/graph.json");
  if (!response.ok) {
    byId("graph-canvas").textContent = `the graph could not be loaded (${response.status})`;
    return;
  }
  graph = await response.json();
  const conceptSelect = byId("graph-concept");
  const folderSelect = byId("graph-folder");
  for (const concept of graph.concepts) conceptSelect.append(element("option", { value: concept.name }, concept.name));
  for (const folder of folders()) folderSelect.append(element("option", { value: folder }, folder));
  drawLegend();
  conceptSelect.addEventListener("change", () => show({ ...view, concept: conceptSelect.value, chosen: null }));
  folderSelect.addEventListener("change", () => show({ ...view, folder: folderSelect.value, chosen: null }));
  byId("graph-back").addEventListener("click", () => show({ concept: "", folder: "", chosen: null }));
  byId("graph-zoom").addEventListener("click", () => {
    fitted = !fitted;
    placeDrawn();
  });
  new ResizeObserver(placeDrawn).observe(byId("graph-canvas"));
  await show(view);
}

function folders() {
  return [...new Set(graph.syncs.map((sync) => sync.folder).filter(Boolean))].sort();
}

/** The folders, their colours in the overview and their sync counts; a click opens a folder's detail. */
function drawLegend() {
  const colours = folderColours(graph);
  const items = folders().map((folder) => {
    const count = graph.syncs.filter((sync) => sync.folder === folder).length;
    const button = element(
      "button",
      { class: "legend-item", "data-folder": folder, title: `draw the ${count} syncs of ${folder}` },
      element("span", { class: "swatch", style: `background: ${colours.get(folder)}` }),
      `${folder} · ${count} syncs`,
    );
    button.addEventListener("click", () => show({ concept: "", folder, chosen: null }));
    return button;
  });
  byId("graph-legend").replaceChildren(element("span", { class: "muted" }, "Feature folders:"), ...items);
}

async function show(next) {
  Object.assign(view, next);
  byId("graph-concept").value = view.concept;
  byId("graph-folder").value = view.folder;
  const ticket = ++drawing;
  const detailed = view.chosen !== null || view.folder !== "";
  const syncs = detailed ? shownSyncs() : [];
  const svg = detailed
    ? await drawDetail(elk, graph, syncs, { sync: selectSync, hover: showSync, operation: selectOperation })
    : await drawOverview(elk, graph, view.concept, byId("graph-canvas"), {
        edge: (edge) => show({ concept: "", folder: edge.folder ?? "", chosen: { title: `${edge.folder ?? "no folder"}: ${edge.from} → ${edge.to}`, syncs: edge.syncs } }),
        pair: (edges) => show({ concept: "", folder: "", chosen: { title: `${edges[0].from} → ${edges[0].to}`, syncs: edges.flatMap((edge) => edge.syncs) } }),
        concept: (name) => show({ ...view, concept: name === view.concept ? "" : name }),
        hover: showEdges,
      });
  if (ticket !== drawing) return false;
  const canvas = byId("graph-canvas");
  canvas.replaceChildren(svg);
  place(svg, canvas, fitted);
  byId("graph-view").dataset.graph = detailed ? "detail" : "overview";
  byId("graph-context").textContent = detailed ? (view.chosen?.title ?? `feature folder ${view.folder}`) : "";
  byId("graph-summary").textContent = detailed
    ? `${syncs.length} of ${graph.syncs.length} syncs, ${new Set(syncs.flatMap(operationsOf)).size} actions and queries`
    : `${graph.syncs.length} syncs over ${graph.concepts.length} concepts, in ${folders().length} feature folders`;
  byId("graph-details").replaceChildren(element("p", { class: "muted" }, detailed ? detailHint : overviewHint));
  return true;
}

const overviewHint =
  "Each arrow stands for the syncs that lead from one concept to another; its counts say how many of each feature folder, in the folder's colour (legend above). " +
  "Hover an arrow to list its syncs; click it, a count or a folder to draw those syncs one by one. Click a concept to keep only its arrows.";
const detailHint = "Hover or click a sync (a rounded node) to see its name, file and clauses; click an action to see the syncs around it.";

function shownSyncs() {
  if (view.chosen !== null) return graph.syncs.filter((sync) => view.chosen.syncs.includes(sync.name));
  return graph.syncs.filter(
    (sync) => sync.folder === view.folder && (view.concept === "" || operationsOf(sync).some((id) => id.startsWith(`${view.concept}.`))),
  );
}

function placeDrawn() {
  const svg = byId("sync-graph");
  if (svg) place(svg, byId("graph-canvas"), fitted);
  byId("graph-zoom").textContent = fitted ? "Actual size" : "Fit";
}

/** Shows a sync in the graph (from the trace): the detail of its feature folder, the sync selected. */
export async function showSyncInGraph(name) {
  const sync = graph?.syncs.find((candidate) => candidate.name === name);
  if (sync === undefined) return;
  window.location.hash = "#graph";
  const chosen = sync.folder ? null : { title: sync.name, syncs: [sync.name] };
  if (await show({ concept: "", folder: sync.folder ?? "", chosen })) selectSync(sync);
}

function mark(names) {
  const svg = byId("sync-graph");
  for (const item of svg.querySelectorAll(".selected, .dim")) item.classList.remove("selected", "dim");
  for (const item of svg.querySelectorAll(".edge, .sync")) item.classList.add(names.has(item.dataset.sync) ? "selected" : "dim");
  return svg;
}

function selectSync(sync) {
  mark(new Set([sync.name]));
  showSync(sync);
}

function selectOperation(id) {
  const around = graph.syncs.filter((sync) => operationsOf(sync).includes(id));
  mark(new Set(around.map((sync) => sync.name)))
    .querySelector(`[data-op="${CSS.escape(id)}"]`)
    ?.classList.add("selected");
  byId("graph-details").replaceChildren(
    element("h3", {}, id),
    element("p", { class: "muted" }, around.length === 0 ? "no sync names it" : `${around.length} syncs name it:`),
    element("ul", {}, ...around.map((sync) => element("li", {}, sync.name))),
  );
}

/** An arrow's syncs, by folder. */
function showEdges(edges) {
  byId("graph-details").replaceChildren(
    element("h3", {}, `${edges[0].from} → ${edges[0].to}`),
    element("p", { class: "muted" }, "Click the arrow to draw these syncs, or a count for one folder's:"),
    ...edges.flatMap((edge) => [element("strong", {}, `${edge.folder ?? "no folder"}: ${edge.syncs.length}`), element("ul", {}, ...edge.syncs.map((name) => element("li", {}, name)))]),
  );
}

function showSync(sync) {
  const list = (items) => element("ul", {}, ...items.map((item) => element("li", {}, element("code", {}, item))));
  byId("graph-details").replaceChildren(
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
