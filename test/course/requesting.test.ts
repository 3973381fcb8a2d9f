import { describe, expect, it } from "vitest";
import { actions, type Sync, type SyncEngine } from "../../src/engine/index.ts";
import { Requesting } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { asService, asUser, json, post } from "../http/harness.ts";
import { useTestDatabase } from "../support/database.ts";
import { templateApp } from "./template-app.ts";

const database = useTestDatabase();
const rules = { inclusions: { "/api/Poll/_getPoll": "public" }, exclusions: ["/api/Poll/open"] };

describe("template-style requests (6.1040 Requesting)", () => {
  it("turns POST /api/<path> into Requesting.request({ path, ...body }) and answers the fields a sync responds with", async () => {
    const app = templateApp(database.db, { passthrough: rules }).make();
    const response = await post(app, "/api/Poll/open", { owner: "ada", question: "Tea?" });
    expect(response.status).toBe(200);
    const { poll } = await json(response);
    expect(poll).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const stored = await post(app, "/api/Poll/_getPoll", { poll });
    expect(await json(stored)).toEqual([{ _id: poll, owner: "ada", question: "Tea?", votes: 0 }]);
  });

  it("answers every responded field but `request` as the body, a `status` field included, with 200, as the template does", async () => {
    const app = templateApp(database.db, { passthrough: rules }).make();
    const response = await post(app, "/api/Poll/open", { owner: "ada", question: "" });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ error: "a poll needs a question", status: 422 });
  });

  it("answers {} when a sync responds with no fields", async () => {
    const app = templateApp(database.db).make();
    const response = await post(app, "/api/ping", {});
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({});
  });

  it("answers 504 after REQUESTING_TIMEOUT when no sync responds", async () => {
    const app = templateApp(database.db, { config: { requestingTimeoutMs: 50 } }).make();
    const started = Date.now();
    const response = await post(app, "/api/Poll/silent", {});
    expect(response.status).toBe(504);
    expect(await json(response)).toEqual({ error: "Request timed out." });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("still answers a response given by a later flow within the timeout", async () => {
    const { engine, make } = templateApp(database.db, { config: { requestingTimeoutMs: 2_000 } });
    const app = make();
    const pending = nextRequest(engine);
    const answered = post(app, "/api/Poll/silent", {});
    // Another flow (say, a timer) responds: the waiting request gets it.
    const waiting = await pending;
    await engine.invoke(Requesting.respond, { request: waiting, late: true });
    const response = await answered;
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ late: true });
  });

  it("runs a where-clause that calls a query directly, and Frames methods chain", async () => {
    const app = templateApp(database.db, { passthrough: rules }).make();
    await post(app, "/api/Poll/open", { owner: "bo", question: "One?" });
    await post(app, "/api/Poll/open", { owner: "bo", question: "Two?" });
    const response = await post(app, "/api/Poll/count", { owner: "bo" });
    expect(await json(response)).toEqual({ count: 2 });
  });

  it("refuses body fields the server sets (route, principal) with 400, and another user's id for a token with 403", async () => {
    const app = templateApp(database.db, { passthrough: rules }).make();
    const spoofed = await post(app, "/api/Poll/open", { owner: "ada", question: "Spoofed?", route: "POST /x" });
    expect(spoofed.status).toBe(400);
    expect((await json(spoofed)).error).toMatch(/route/);
    const other = await post(app, "/api/Poll/open", { user: "bo", owner: "bo", question: "Spoofed?" }, await asUser("ada"));
    expect(other.status).toBe(403);
    expect(await database.db.collection("Poll.polls").countDocuments({ question: "Spoofed?" })).toBe(0);
  });

  it("keeps 404 for a path no sync listens to", async () => {
    const app = templateApp(database.db).make();
    expect((await post(app, "/api/Nobody/listens", {})).status).toBe(404);
  });
});

describe("passthrough.ts (inclusions and exclusions)", () => {
  it("serves an excluded concept route through the syncs, an included one straight to the concept", async () => {
    const app = templateApp(database.db, { passthrough: rules }).make();
    // Excluded: the sync answers `{ poll }`, not the concept route's output.
    expect(Object.keys(await json(await post(app, "/api/Poll/open", { owner: "ada", question: "Q" })))).toEqual(["poll"]);
    // Included: a query answers its rows.
    expect(await json(await post(app, "/api/Poll/_getPoll", { poll: "none" }))).toEqual([]);
  });

  it("warns at start about every concept route listed nowhere, about listed routes that do not exist, and about concepts without schemas", () => {
    const { warnings, make } = templateApp(database.db, { passthrough: { inclusions: { "/api/Poll/_getPoll": "public", "/api/Poll/typo": "?" }, exclusions: ["/api/Poll/open"] } });
    make();
    expect(warnings.filter((line) => line.startsWith("UNVERIFIED ROUTE")).map((line) => line.split(" ")[3])).toEqual([
      "/api/Poll/_getPollsOf",
      "/api/Poll/vote",
    ]);
    expect(warnings.some((line) => line.includes("/api/Poll/typo") && line.includes("no concept route"))).toBe(true);
    expect(warnings.filter((line) => line.startsWith("Poll declares no schemas"))).toHaveLength(1);
  });

  it("serves a path a concept route still serves to the concept, as the template does, warning about each template sync that never fires there", async () => {
    const { make, warnings } = templateApp(database.db, { passthrough: { inclusions: {}, exclusions: [] } });
    const app = make();
    expect(warnings.some((line) => /sync OpenPollRequest .*POST \/api\/Poll\/open.*Poll\.open.*never fires.*exclusions/.test(line))).toBe(true);
    // The concept answers (its output), not the syncs (which would answer `{ poll }` too, but through Requesting).
    const response = await post(app, "/api/Poll/open", { owner: "ada", question: "Tea?" }, asService);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-flow-id")).not.toBeNull();
  });

  it("refuses at start a project-style sync listening on a path a concept route still serves, naming both and the fix", () => {
    const rest: Record<string, Sync> = {
      ShadowsVote: ({ request }) => ({
        when: actions([Requesting.request, { route: "POST /api/Poll/vote" }, { request }]),
        then: actions([Requesting.respond, { request, body: {} }]),
      }),
    };
    expect(templateApp(database.db, { syncs: rest }).make).toThrow(/POST \/api\/Poll\/vote.*Poll\.vote/);
    const typedOnPath: Record<string, Sync> = {
      OpensPoll: ({ request }) => ({
        when: actions([Requesting.request, { path: "/Poll/open" }, { request }]),
        then: actions([Requesting.respond, { request }]),
      }),
    };
    expect(templateApp(database.db, { syncs: typedOnPath, passthrough: { inclusions: {}, exclusions: [] } }).make).toThrow(/sync OpensPoll .*Poll\.open.*exclusions/);
  });

  it("documents excluded routes as served by syncs, and unchecked concepts as unchecked, in /openapi.json", async () => {
    const app = templateApp(database.db, { passthrough: rules }).make();
    const document = await json(await app.request("/openapi.json"));
    expect(document.paths["/api/Poll/open"].post.summary).toMatch(/Served by syncs: Requesting\.request/);
    expect(document.paths["/api/Poll/_getPoll"].post.summary).toMatch(/^Unchecked/);
  });
});

describe("ERROR_STATUS", () => {
  it("answers a concept's { error } with its 4xx by default, and with 200 when ERROR_STATUS=200", async () => {
    const strict = templateApp(database.db).make();
    const refused = await post(strict, "/api/Poll/vote", { poll: "missing" });
    expect(refused.status).toBe(400);
    const lenient = templateApp(database.db, { config: { errorStatus: "200" } }).make();
    const answered = await post(lenient, "/api/Poll/vote", { poll: "missing" }, asService);
    expect(answered.status).toBe(200);
    expect(await json(answered)).toEqual({ error: "no poll missing" });
  });
});

/** The id of the next request to reach the engine (its flow ends before the bridge waits for a response). */
function nextRequest(engine: SyncEngine): Promise<string> {
  return new Promise((resolve) => {
    const stop = engine.observeFlows(({ records }) => {
      const request = records.find((record) => record.concept === "Requesting" && record.action === "request");
      if (request === undefined) return;
      stop();
      resolve((request.output as { request: string }).request);
    });
  });
}
