/**
 * The dev console's routes as a script would call them: who may, the graph as data, the live
 * trace's event stream (and that nothing is kept while nobody watches), finished flows from
 * the log, and the page's assets.
 */
import { describe, expect, it } from "vitest";
import { asService, asUser } from "../http/harness.ts";
import { send, useFocusApp } from "../support/app.ts";

const focus = useFocusApp();

const consoleRoutes = ["/dev", "/dev/graph.json", "/dev/events", "/dev/flows?user=ada", "/dev/flows/any", "/dev/assets/console.js"];

/** Completes a session for `user` through the concept routes; answers the end's flow id. */
async function completeSession(user: string): Promise<{ flow: string; session: string }> {
  const started = await send(focus.app, "POST", "/api/FocusSession/start", { body: { user }, headers: asService });
  expect(started.status).toBe(200);
  const ended = await focus.app.request("/api/FocusSession/end", {
    method: "POST",
    headers: { ...asService, "content-type": "application/json" },
    body: JSON.stringify({ user, session: started.body.session, status: "completed" }),
  });
  expect(ended.status).toBe(200);
  return { flow: ended.headers.get("x-flow-id") as string, session: started.body.session };
}

/** The server-sent events of one open `/dev/events` stream, read as they come. */
async function openTrace(): Promise<{ next(kind: string, test?: (data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>; close(): Promise<void> }> {
  const response = await focus.app.request("/dev/events", { headers: asService });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const next = async (kind: string, test: (data: Record<string, unknown>) => boolean = () => true) => {
    for (;;) {
      const index = events.findIndex((event) => event.event === kind && test(event.data));
      if (index >= 0) return events.splice(0, index + 1).at(-1)!.data;
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the stream ended before a ${kind} event`);
      buffered += decoder.decode(chunk.value, { stream: true });
      for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
      }
    }
  };
  return { next, close: () => reader.cancel() };
}

describe("who may open the dev console", () => {
  it("refuses a user's token with 403 on every console route", async () => {
    const headers = await asUser("ada");
    for (const path of consoleRoutes) {
      const answer = await send(focus.app, "GET", path, { headers });
      expect(answer.status, path).toBe(403);
      expect(answer.body).toEqual({ error: "the dev console is only for the service key" });
    }
  });

  it("refuses a request without credentials with 401 on every console route", async () => {
    for (const path of consoleRoutes) {
      const answer = await send(focus.app, "GET", path);
      expect(answer.status, path).toBe(401);
      expect(answer.body.error).toEqual(expect.any(String));
    }
  });

  it("serves the service key the page, which allows scripts from the server only", async () => {
    const response = await focus.app.request("/dev", { headers: asService });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    const page = await response.text();
    expect(page).toContain('src="/dev/assets/elk.bundled.js"');
    expect(page).not.toContain("test-api-key");
  });
});

describe("GET /dev/graph.json", () => {
  it("has every registered sync, each between operations of registered concepts", async () => {
    const { status, body: graph } = await send(focus.app, "GET", "/dev/graph.json", { headers: asService });
    expect(status).toBe(200);
    expect(graph.syncs.map((sync: { name: string }) => sync.name).sort()).toEqual(focus.engine.syncNames().sort());
    const operations = new Set(graph.concepts.flatMap((concept: { operations: { id: string }[] }) => concept.operations.map((operation) => operation.id)));
    for (const sync of graph.syncs) {
      for (const id of [...sync.when, ...sync.where, ...sync.then]) expect(operations.has(id), `${sync.name}: ${id}`).toBe(true);
    }
  });

  it("names a sync's file, its when and then operations, and the queries its where-clause runs", async () => {
    const { body: graph } = await send(focus.app, "GET", "/dev/graph.json", { headers: asService });
    const byName = (name: string) => graph.syncs.find((sync: { name: string }) => sync.name === name);
    expect(byName("CompletedSessionCountsInStatsAndStreak")).toMatchObject({
      file: "completion/record-completion.sync.ts",
      folder: "completion",
      when: ["FocusSession.end"],
      where: [],
      then: ["FocusStats.recordSession", "Streak.recordActivity"],
    });
    expect(byName("CompletedSessionCountsInStatsAndStreak").clauses.when[0]).toContain('status: "completed"');
    expect(byName("ListStudySessions")).toMatchObject({ folder: "study-sessions-v1", where: ["FocusSession._listSessions"] });
  });

  it("has an overview: each folder's syncs counted on the arrows between the concepts they connect, every sync on one at least", async () => {
    const { body: graph } = await send(focus.app, "GET", "/dev/graph.json", { headers: asService });
    type Edge = { from: string; to: string; folder: string | null; syncs: string[] };
    const overview = graph.overview as Edge[];
    expect(new Set(overview.flatMap((edge) => edge.syncs))).toEqual(new Set(focus.engine.syncNames()));
    const edgesOf = (sync: string) => overview.filter((edge) => edge.syncs.includes(sync)).map(({ from, to, folder }) => `${folder}: ${from} → ${to}`);
    // A sync leads from the concepts of its when to those of its then...
    expect(edgesOf("CompletedSessionCountsInStatsAndStreak").sort()).toEqual(["completion: FocusSession → FocusStats", "completion: FocusSession → Streak"]);
    expect(edgesOf("CompletedSessionEvaluatesBadges").sort()).toEqual(["completion: FocusSession → Badge", "completion: FocusStats → Badge", "completion: Streak → Badge"]);
    // ...but the request a route sync answers is its context: it answers what FocusSession did.
    expect(edgesOf("AnswerEndedStudySession")).toEqual(["study-sessions-v1: FocusSession → Requesting"]);
    expect(edgesOf("EndStudySession")).toEqual(["study-sessions-v1: Requesting → FocusSession"]);
    // A refusal answers the request alone.
    expect(edgesOf("RefuseStudySessionUpdateWithoutId")).toEqual(["study-sessions-v1: Requesting → Requesting"]);
    // Far fewer arrows than syncs: that is what makes it readable.
    expect(overview.length).toBeLessThan(graph.syncs.length / 2);
  });
});

describe("GET /dev/events, the live trace", () => {
  it("streams a flow with its syncs, and the request that started it", async () => {
    const trace = await openTrace();
    try {
      await trace.next("ready");
      const { flow } = await completeSession("trace-ada");
      const ended = await trace.next("flow", (data) => data.flow === flow);
      expect(ended).toMatchObject({ type: "flow", finished: true, user: "trace-ada" });
      const text = JSON.stringify(ended.tree);
      for (const sync of ["CompletedSessionCountsInStatsAndStreak", "CompletedSessionEvaluatesBadges"]) expect(text).toContain(sync);
      const request = await trace.next("request", (data) => data.flow === flow);
      expect(request).toMatchObject({ method: "POST", path: "/api/FocusSession/end", route: "/api/FocusSession/end", status: 200, ms: expect.any(Number) });

      // A REST dialect's request names the route pattern that answered it, beside its path.
      const patched = await send(focus.app, "PATCH", "/api/v1/sessions/no-such-session", { body: { notes: "x" }, headers: { ...asService, "x-user-id": "trace-ada" } });
      const rest = await trace.next("request", (data) => data.path === "/api/v1/sessions/no-such-session");
      expect(rest).toMatchObject({ method: "PATCH", route: "/api/v1/sessions/:sessionId", status: patched.status, user: "trace-ada" });
    } finally {
      await trace.close();
    }
  });

  it("keeps nothing while nobody watches: a page opened later is not shown what ran before", async () => {
    const first = await openTrace();
    await first.next("ready");
    const watched = await completeSession("trace-early");
    await first.next("flow", (data) => data.flow === watched.flow);
    await first.close();

    const unwatched = await completeSession("trace-unwatched");
    const second = await openTrace();
    try {
      await second.next("ready");
      const marker = await completeSession("trace-after");
      const seen: unknown[] = [];
      await second.next("flow", (data) => {
        seen.push(data.flow);
        return data.flow === marker.flow;
      });
      // The flows before the second page opened (watched by the first, or by nobody) were forgotten.
      expect(seen).not.toContain(watched.flow);
      expect(seen).not.toContain(unwatched.flow);
    } finally {
      await second.close();
    }
  });
});

describe("a page that falls behind", () => {
  it("loses the oldest events, not the newest, and is told how many", async () => {
    const trace = await openTrace();
    try {
      await trace.next("ready");
      // The page reads nothing while 700 requests happen: more than its backlog holds (500).
      const count = 700;
      for (let batch = 0; batch < count; batch += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, offset) =>
            send(focus.app, "POST", "/api/FocusStats/_getTotals", { body: { user: `behind-${batch + offset}` }, headers: { ...asService, "x-user-id": `behind-${batch + offset}` } }),
          ),
        );
      }
      const { dropped } = (await trace.next("dropped")) as { dropped: number };
      expect(dropped).toBeGreaterThan(count - 500 - 10);
      const users: number[] = [];
      for (;;) {
        const event = await trace.next("request");
        users.push(Number(String(event.user).replace("behind-", "")));
        if (users.at(-1) === count - 1) break;
      }
      // What is left after the drop is the newest, in order, ending with the last request.
      expect(users.length).toBeLessThanOrEqual(500);
      expect(users[0]).toBeGreaterThanOrEqual(count - 500 - 10);
    } finally {
      await trace.close();
    }
  });
});

describe("finished flows from the log", () => {
  it("opens a flow by its id, or by the id of any action in it", async () => {
    const { flow } = await completeSession("log-ada");
    const byFlow = await send(focus.app, "GET", `/dev/flows/${flow}`, { headers: asService });
    expect(byFlow.status).toBe(200);
    expect(byFlow.body).toMatchObject({ kind: "flow", flow });
    const badge = byFlow.body.roots[0].children.flatMap((node: { children: unknown[] }) => node.children)[0].record;
    expect(badge).toMatchObject({ concept: "Badge", action: "evaluate", cause: { sync: "CompletedSessionEvaluatesBadges" } });

    const byRecord = await send(focus.app, "GET", `/dev/flows/${badge.id}`, { headers: asService });
    expect(byRecord.body).toMatchObject({ kind: "flow", flow });
  });

  it("lists a user's flows, newest first, and only theirs", async () => {
    const first = await completeSession("log-bea");
    await completeSession("log-someone-else");
    const second = await completeSession("log-bea");
    const { status, body } = await send(focus.app, "GET", "/dev/flows?user=log-bea", { headers: asService });
    expect(status).toBe(200);
    const flows = body.map((flow: { flow: string }) => flow.flow);
    expect(flows.indexOf(second.flow)).toBeLessThan(flows.indexOf(first.flow));
    expect(flows.indexOf(first.flow)).toBeGreaterThanOrEqual(0);
    for (const flow of body) expect(JSON.stringify(flow)).not.toContain("log-someone-else");
  });

  it("lists only the user's flows where an action ran for them, when asked for one", async () => {
    const { flow } = await completeSession("log-cy");
    const { status, body } = await send(focus.app, "GET", "/dev/flows?user=log-cy&action=Badge.evaluate", { headers: asService });
    expect(status).toBe(200);
    expect(body.map((found: { flow: string }) => found.flow)).toEqual([flow]);
    const unknown = await send(focus.app, "GET", "/dev/flows?user=log-cy&action=not-an-action", { headers: asService });
    expect(unknown).toMatchObject({ status: 400, body: { error: "action must read Concept.action" } });
  });

  it("answers 404 for an unknown id and 400 without a user", async () => {
    expect(await send(focus.app, "GET", "/dev/flows/no-such-flow", { headers: asService })).toMatchObject({ status: 404, body: { error: expect.any(String) } });
    expect(await send(focus.app, "GET", "/dev/flows", { headers: asService })).toMatchObject({ status: 400, body: { error: expect.any(String) } });
  });
});

describe("the page's assets", () => {
  it("serves the layout and chart libraries from node_modules, and nothing it does not name", async () => {
    for (const name of ["elk.bundled.js", "uPlot.iife.min.js", "console.js"]) {
      const response = await focus.app.request(`/dev/assets/${name}`, { headers: asService });
      expect(response.status, name).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/javascript");
    }
    for (const name of ["package.json", "constructor", "..%2F..%2Fmain.ts"]) {
      expect((await send(focus.app, "GET", `/dev/assets/${name}`, { headers: asService })).status, name).toBe(404);
    }
  });
});
