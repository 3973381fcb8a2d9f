/*
 * The live trace: flows as they happen, newest first, each the request that started it with
 * the tree of actions it caused (the sync that fired each one, its input and output, its
 * time into the flow, errors in red). Finished flows open from the engine's log by id or user.
 */
/* global document, EventSource, fetch, performance */
import { element } from "./dom.js";
import { showSyncInGraph } from "./graph-view.js";

/** Entries kept on the page; older ones leave. */
const maxEntries = 300;
/** flow id (or a request's own key) → { key, flow, tree, user, request, fromLog, shownAt } */
const entries = new Map();
const opened = new Set();
let paused = false;
let pending = [];
let requestCounter = 0;
/** The flow and badge "why?" last asked about, marked in the list. */
let explained;

export function startTrace() {
  connect();
  render();
  for (const id of ["trace-user", "trace-route", "trace-status", "trace-errors", "trace-reads"]) {
    document.getElementById(id).addEventListener("input", render);
  }
  document.getElementById("trace-pause").addEventListener("click", togglePause);
  document.getElementById("trace-clear").addEventListener("click", () => {
    entries.clear();
    pending = [];
    render();
  });
  document.getElementById("trace-lookup").addEventListener("submit", (event) => {
    event.preventDefault();
    lookUp(document.getElementById("trace-lookup-key").value.trim());
  });
}

function connect() {
  const status = document.getElementById("connection");
  const source = new EventSource("/dev/events");
  source.addEventListener("ready", () => {
    status.textContent = "live";
    status.dataset.state = "live";
  });
  source.addEventListener("error", () => {
    status.textContent = "reconnecting…";
    status.dataset.state = "down";
  });
  source.addEventListener("flow", (message) => receive(JSON.parse(message.data)));
  source.addEventListener("request", (message) => receive(JSON.parse(message.data)));
  source.addEventListener("dropped", (message) => {
    document.getElementById("trace-note").textContent = `${JSON.parse(message.data).dropped} events were dropped: the page fell behind`;
  });
}

function receive(event) {
  if (paused) {
    pending.push(event);
    // Bounded like the page's list: a long pause keeps the newest events.
    if (pending.length > maxEntries * 2) pending.shift();
    document.getElementById("trace-pause").textContent = `Resume (${pending.length} waiting)`;
    return;
  }
  merge(event);
  render();
}

/** A flow and the request that started it arrive apart (the flow first); they share the flow id. */
function merge(event, fromLog = false) {
  const key = event.type === "request" && event.flow === null ? `request:${requestCounter++}` : event.flow;
  const entry = entries.get(key) ?? { key, flow: event.flow, fromLog, shownAt: undefined };
  entries.delete(key);
  if (event.type === "request") entry.request = event;
  else {
    entry.tree = event.tree;
    entry.user = event.user;
    entry.finished = event.finished;
  }
  entries.set(key, entry);
  while (entries.size > maxEntries) entries.delete(entries.keys().next().value);
}

function togglePause() {
  paused = !paused;
  const button = document.getElementById("trace-pause");
  button.textContent = paused ? "Resume" : "Pause";
  if (!paused) {
    for (const event of pending) merge(event);
    pending = [];
    render();
  }
}

async function lookUp(key) {
  const result = document.getElementById("trace-lookup-result");
  if (key === "") return;
  result.textContent = "looking…";
  let flows = [];
  const byId = await fetch(`/dev/flows/${encodeURIComponent(key)}`);
  if (byId.ok) flows = [await byId.json()];
  else {
    const byUser = await fetch(`/dev/flows?user=${encodeURIComponent(key)}`);
    if (byUser.ok) flows = await byUser.json();
  }
  result.textContent = flows.length === 0 ? "no flow with this id, and none of this user in the log" : `${flows.length} flows from the log`;
  for (const flow of [...flows].reverse()) merge({ type: "flow", flow: flow.flow, tree: flow, user: userOf(flow), finished: true }, true);
  for (const flow of flows) opened.add(flow.flow);
  render();
}

/**
 * "Why did this badge get awarded?": finds in the log the flow whose Badge.evaluate gave the
 * user this badge, and shows it in the trace, opened and marked.
 */
export async function explainBadge(user, badge) {
  const result = document.getElementById("trace-lookup-result");
  result.textContent = `looking for the flow that awarded ${badge.name}…`;
  const response = await fetch(`/dev/flows?user=${encodeURIComponent(user)}&action=Badge.evaluate`);
  const flows = response.ok ? await response.json() : [];
  const awarding = flows.find((flow) =>
    records(flow).some((record) => record.concept === "Badge" && record.action === "evaluate" && (record.output?.newBadges ?? []).some((given) => given.id === badge.id)),
  );
  if (awarding === undefined) {
    result.textContent = `no flow in the log awarded ${badge.name} to ${user} (the log keeps 7 days)`;
    return;
  }
  merge({ type: "flow", flow: awarding.flow, tree: awarding, user, finished: true }, true);
  opened.add(awarding.flow);
  explained = { flow: awarding.flow, badge: badge.id };
  result.textContent = `${badge.name}: awarded in flow ${awarding.flow}, marked below`;
  render();
  document.querySelector("#trace-list .explained")?.scrollIntoView({ block: "start" });
}

function userOf(tree) {
  for (const record of records(tree)) if (typeof record.input?.user === "string") return record.input.user;
  return null;
}

function records(tree) {
  const all = [];
  const walk = (nodes) => {
    for (const node of nodes) {
      all.push(node.record);
      walk(node.children);
    }
  };
  walk(tree?.roots ?? []);
  return all;
}

const isError = (record) => record.thrown !== undefined || (record.output !== null && typeof record.output === "object" && "error" in record.output);

/** What a flow's first action says about the request when the HTTP edge did not (an engine-only flow). */
function describe(entry) {
  const first = entry.tree?.roots[0]?.record;
  const request = entry.request;
  const route = request ? `${request.method} ${request.path}` : first?.concept === "Requesting" ? `${first.input.method} ${first.input.path}` : first ? `${first.concept}.${first.action}` : "?";
  return {
    route,
    pattern: request?.route ?? (first?.concept === "Requesting" ? first.input.route : undefined),
    user: request?.user ?? entry.user ?? null,
    status: request?.status ?? null,
    ms: request?.ms ?? null,
    at: request?.at ?? first?.at ?? null,
    actions: entry.tree ? records(entry.tree).length : 0,
    error: (entry.tree ? records(entry.tree).some(isError) || entry.tree.failures.length > 0 : false) || (request?.status ?? 0) >= 400,
  };
}

function shown(entry, summary) {
  const user = document.getElementById("trace-user").value.trim();
  const route = document.getElementById("trace-route").value.trim();
  const status = document.getElementById("trace-status").value;
  if (user !== "" && !(summary.user ?? "").includes(user)) return false;
  if (route !== "" && !summary.route.includes(route) && !(summary.pattern ?? "").includes(route)) return false;
  if (status !== "" && String(summary.status ?? "").charAt(0) !== status) return false;
  if (document.getElementById("trace-errors").checked && !summary.error) return false;
  if (document.getElementById("trace-reads").checked && entry.tree === undefined && !entry.fromLog) return false;
  return true;
}

function render() {
  const list = document.getElementById("trace-list");
  const items = [];
  for (const entry of [...entries.values()].reverse()) {
    const summary = describe(entry);
    if (!shown(entry, summary)) continue;
    items.push(entryItem(entry, summary));
  }
  list.replaceChildren(...items);
  document.getElementById("trace-empty").textContent = items.length > 0 ? "" : entries.size === 0 ? emptyHint : `${entries.size} flows, all hidden by the filters above.`;
}

/** What an empty trace says: how to make a flow appear. */
const emptyHint =
  "No flows yet. Each request that runs actions shows here as it runs: start and complete a session in the Playground tab, " +
  "or call a route from /docs (reads, which run no action, are hidden while \"hide reads\" is ticked). " +
  "Finished flows, also from before this page was opened, open from the log above by flow id, action id or user.";

function entryItem(entry, summary) {
  entry.shownAt ??= performance.now();
  const details = element("details", {});
  if (opened.has(entry.key) || (!opened.has(`closed:${entry.key}`) && summary.actions > 1 && !entry.fromLog)) details.open = true;
  details.addEventListener("toggle", () => {
    if (details.open) {
      opened.add(entry.key);
      opened.delete(`closed:${entry.key}`);
    } else {
      opened.delete(entry.key);
      opened.add(`closed:${entry.key}`);
    }
  });
  const time = summary.at ? new Date(summary.at).toLocaleTimeString() : "";
  details.append(
    element(
      "summary",
      {},
      element("span", { class: "muted" }, time),
      element("span", { class: "route", title: summary.pattern ? `route ${summary.pattern}` : undefined }, summary.route),
      element("span", {}, summary.user ? `user ${summary.user}` : ""),
      summary.status === null ? null : element("span", { class: `status-${String(summary.status).charAt(0)}` }, String(summary.status)),
      summary.ms === null ? null : element("span", { class: "muted" }, `${summary.ms} ms`),
      element("span", { class: "muted" }, entry.tree ? `${summary.actions} actions` : "a read: no actions"),
      summary.error ? element("span", { class: "error" }, "error") : null,
      entry.fromLog ? element("span", { class: "from-log" }, "from the log") : null,
      entry.flow ? element("code", { class: "muted" }, entry.flow) : null,
    ),
  );
  if (entry.tree) details.append(treeOf(entry.tree));
  const marked = explained !== undefined && explained.flow === entry.flow;
  return element("li", { "data-flow": entry.flow ?? "", "data-shown-at": String(entry.shownAt), class: marked ? "explained" : undefined }, details);
}

function treeOf(tree) {
  const times = timesOf(records(tree));
  const branch = (nodes) => element("ul", {}, ...nodes.map((node) => element("li", {}, recordItem(node.record, times.get(node.record.id)), node.children.length > 0 ? branch(node.children) : null)));
  const failures = tree.failures.map((failure) => element("p", { class: "error" }, `sync ${failure.sync} failed: ${failure.error}`));
  return element("div", { class: "tree" }, branch(tree.roots), ...failures);
}

/**
 * Each record's time into the flow and its duration. A record says when its action ended; a
 * flow runs its actions one after another, so an action began about when the one before it
 * ended (its duration includes its sync's where-clause). The first one's start is unknown.
 */
function timesOf(all) {
  const ends = all.map((record) => ({ id: record.id, end: new Date(record.at).getTime() })).sort((a, b) => a.end - b.end);
  const first = ends[0]?.end ?? 0;
  return new Map(ends.map(({ id, end }, index) => [id, { into: end - first, took: index === 0 ? null : end - ends[index - 1].end }]));
}

/** The sync that fired an action; a click shows it in the graph. */
function syncLink(name) {
  const link = element("a", { class: "via", href: "#graph", title: "show this sync in the graph", "data-sync": name }, name);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    showSyncInGraph(name);
  });
  return element("span", { class: "via" }, " ← ", link);
}

function recordItem(record, { into, took }) {
  const error = isError(record);
  return element(
    "div",
    { class: `record${error ? " error" : ""}`, "data-op": `${record.concept}.${record.action}` },
    element("span", { class: "op" }, `${record.concept}.${record.action}`),
    record.cause ? syncLink(record.cause.sync) : element("span", { class: "muted" }, " (invoked)"),
    element("span", { class: "muted", title: "when it ended, after the flow's first action; and how long since the action before it ended" }, ` +${into} ms${took === null ? "" : ` (took ≈${took} ms)`}`),
    element("pre", {}, `in  ${JSON.stringify(record.input)}`),
    element("pre", { class: error ? "error" : "" }, record.thrown ? `threw ${record.thrown}` : `out ${JSON.stringify(record.output)}`),
  );
}
