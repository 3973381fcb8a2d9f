/*
 * The playground: a small focus timer for a chosen user, calling the concept endpoints as a
 * frontend would. Each click's flow shows in the live trace beside it.
 */
/* global document, fetch, setInterval, uPlot, performance */
import { element } from "./dom.js";
import { explainBadge } from "./trace-view.js";

const $ = (id) => document.getElementById(id);
let running; // the running session's view, with the time it was read
let chart;

export function startPlayground() {
  $("pg-start").addEventListener("click", () =>
    act("FocusSession/start", { targetDurationMs: Math.max(1, Number($("pg-minutes").value) || 25) * 60_000, subject: $("pg-subject").value || null }),
  );
  $("pg-pause").addEventListener("click", () => running && act("FocusSession/pause", { session: running.session }));
  $("pg-resume").addEventListener("click", () => running && act("FocusSession/resume", { session: running.session }));
  $("pg-complete").addEventListener("click", () => running && act("FocusSession/end", { session: running.session, status: "completed" }));
  $("pg-abandon").addEventListener("click", () => running && act("FocusSession/end", { session: running.session, status: "abandoned" }));
  $("pg-user").addEventListener("change", refresh);
  setInterval(tick, 250);
  refresh();
}

const user = () => $("pg-user").value.trim() || "dev-user";

async function call(path, body) {
  const response = await fetch(`/api/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user: user(), ...body }),
  });
  const answer = await response.json().catch(() => ({}));
  return { status: response.status, answer };
}

async function act(path, body) {
  const message = $("pg-message");
  const { status, answer } = await call(path, body);
  message.dataset.answeredAt = String(performance.now());
  message.dataset.status = String(status);
  message.className = status >= 400 ? "message error" : "message";
  message.textContent = status >= 400 ? `${path}: ${status} ${answer.error ?? ""}` : `${path}: ${status}`;
  await refresh();
}

async function rows(path, body) {
  const { status, answer } = await call(path, body);
  return status === 200 && Array.isArray(answer) ? answer : [];
}

async function refresh() {
  const today = new Date();
  const day = (offset) => new Date(today.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
  const [runningRows, totals, streak, badges, progress, history] = await Promise.all([
    rows("FocusSession/_getRunning", {}),
    rows("FocusStats/_getTotals", {}),
    rows("Streak/_getStreak", {}),
    rows("Badge/_getUserBadges", {}),
    rows("FocusStats/_getDailyProgress", { from: day(13), to: day(0) }),
    rows("FocusSession/_listSessions", { limit: 8 }),
  ]);
  running = runningRows[0] ? { ...runningRows[0], readAt: Date.now() } : undefined;
  $("pg-sessions").textContent = String(totals[0]?.sessionCount ?? 0);
  $("pg-total").textContent = duration(totals[0]?.totalFocusMs ?? 0);
  $("pg-streak").textContent = String(streak[0]?.current ?? 0);
  $("pg-longest").textContent = String(streak[0]?.longest ?? 0);
  $("pg-badges").replaceChildren(...(badges.length === 0 ? [element("li", { class: "muted" }, "none yet")] : badges.map((badge) => badgeItem(badge))));
  $("pg-history").tBodies[0].replaceChildren(
    ...history.map((session) =>
      element(
        "tr",
        {},
        element("td", {}, session.status),
        element("td", {}, session.subject ?? ""),
        element("td", {}, duration(session.elapsedMs)),
        element("td", {}, new Date(session.startedAt).toLocaleString()),
      ),
    ),
  );
  drawChart(progress, day);
  tick();
}

/** A badge held, with a button that finds the flow that awarded it. */
function badgeItem(badge) {
  const why = element("button", { class: "why", title: "find the flow that awarded it" }, "why?");
  const forUser = user();
  why.addEventListener("click", () => explainBadge(forUser, badge));
  return element("li", { title: badge.description, "data-badge": badge.id }, `${badge.name} `, why);
}

function tick() {
  const countdown = $("pg-countdown");
  const state = $("pg-state");
  if (running === undefined) {
    countdown.textContent = "--:--";
    state.textContent = "no running session";
    return;
  }
  const elapsed = running.elapsedMs + (running.status === "active" ? Date.now() - running.readAt : 0);
  const target = running.targetDurationMs ?? 0;
  const left = Math.max(0, target - elapsed);
  const seconds = Math.ceil(left / 1000);
  countdown.textContent = `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  state.textContent = `${running.status} · ${running.subject ?? "no subject"} · ${Math.round(elapsed / 1000)} s focused`;
}

/** A time as a person reads it: seconds under a minute, minutes under an hour. */
function duration(ms) {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

function drawChart(progress, day) {
  // Seconds until a day holds a minute, so a first short session still shows a bar.
  const inMinutes = progress.some((row) => row.focusMs >= 60_000);
  const unit = inMinutes ? 60_000 : 1000;
  const byDay = new Map(progress.map((row) => [row.day, row.focusMs / unit]));
  const days = Array.from({ length: 14 }, (_, index) => day(13 - index));
  const data = [days.map((d) => Date.parse(`${d}T12:00:00Z`) / 1000), days.map((d) => byDay.get(d) ?? 0)];
  chart?.destroy();
  chart = new uPlot(
    {
      width: 420,
      height: 160,
      legend: { show: false },
      scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { label: inMinutes ? "minutes" : "seconds", size: 50 }],
      series: [{}, { label: "focus time", fill: "rgba(130,80,223,0.35)", stroke: "#8250df", paths: uPlot.paths.bars({ size: [0.6, 40] }) }],
    },
    data,
    $("pg-chart"),
  );
}
