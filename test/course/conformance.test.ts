/**
 * Course conformance: a backend written as 6.1040 students write them (test/course/fixtures/backend:
 * concepts without schemas, syncs against `@engine`, a passthrough.ts) runs here as it ran on
 * the template, one case per semantic where the template and this project differ
 * (src/engine/template/README.md). Everything goes through HTTP, as its frontend calls it.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { RequestingConcept } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { createApp } from "../../src/edges/http/app.ts";
import { discoverConcepts, discoverSyncs, SyncEngine, type ConceptClass, type EndedFlow } from "../../src/engine/index.ts";
import { securedConfig, json, post } from "../http/harness.ts";
import { useTestDatabase } from "../support/database.ts";
import * as passthrough from "./fixtures/backend/passthrough.ts";
import { warningCollector } from "./template-app.ts";

const database = useTestDatabase();
const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/backend/${path}`, import.meta.url));

let concepts: ConceptClass[];
let syncs: Awaited<ReturnType<typeof discoverSyncs>>;
beforeAll(async () => {
  concepts = await discoverConcepts(fixture("concepts"));
  syncs = await discoverSyncs(fixture("syncs"));
});

function backend(config: Partial<typeof securedConfig> & { requestingTimeoutMs?: number; requestingMaxWaiting?: number } = {}) {
  const { logger, warnings } = warningCollector();
  const engine = new SyncEngine({ db: database.db, durable: true, collectionPrefix: `engine-${Math.random().toString(36).slice(2)}` });
  for (const concept of concepts) engine.registerConcept(concept, new concept(database.db));
  engine.register([new RequestingConcept(database.db)]);
  engine.registerSyncs(syncs);
  const app = createApp({
    engine,
    concepts: [...concepts, RequestingConcept],
    config: { ...securedConfig, requestingTimeoutMs: 2_000, ...config },
    db: database.db,
    logger,
    passthrough,
  });
  return { app, engine, warnings };
}

async function signedIn(app: ReturnType<typeof backend>["app"], username: string): Promise<string> {
  expect((await post(app, "/api/Login/register", { username })).status).toBe(200);
  const { session } = await json(await post(app, "/api/login", { username }));
  expect(typeof session).toBe("string");
  return session as string;
}

describe("a course backend, as it ran on the template", () => {
  it("names syncs by file and export, so two files may export the same name, and both run", async () => {
    expect(Object.keys(syncs)).toEqual(expect.arrayContaining(["auth.session.Unauthorized", "shelf.session.Unauthorized", "auth.session.LogInRequest"]));
    const { app } = backend();
    expect(await json(await post(app, "/api/logout", { session: "nobody" }))).toEqual({ error: "unauthorized" });
    expect(await json(await post(app, "/api/shelf/suggest", { session: "nobody" }))).toEqual({ error: "unauthorized" });
  });

  it("serves an included concept route straight to the concept although a sync listens there, naming that sync in a warning", async () => {
    const { app, warnings } = backend();
    const owner = "ada";
    const response = await post(app, "/api/Shelf/shelve", { owner, title: "Dune" });
    expect(response.status).toBe(200);
    expect(Object.keys(await json(response))).toEqual(["book"]);
    // The warning names the sync, its file and line, and the fix.
    const warning = warnings.find((line) => line.includes("shelf.session.ShelveRequest"));
    // An excluded path that a sync serves is no typo: nothing is said of it.
    expect(warnings.filter((line) => line.includes("/api/logout"))).toEqual([]);
    expect(warning).toMatch(/test\/course\/fixtures\/backend\/syncs\/shelf\/session\.sync\.ts:53\b.*never fires.*exclusions/);
  });

  it("answers every responded field but request as the body with 200, a status that is a word included", async () => {
    const { app } = backend();
    const session = await signedIn(app, "grace");
    const response = await post(app, "/api/logout", { session });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "signed_out" });
  });

  it("matches an empty output pattern on an error output too ({} matches any output)", async () => {
    const { app, engine } = backend();
    const session = await signedIn(app, "hopper");
    // The session ends between the where-clause's check and the action: logOut answers { error },
    // and LogOutResponse's `[Login.logOut, {}, {}]` still fires, as in the template.
    const { output } = await engine.invoke({ concept: "Login", name: "logOut" }, { session });
    expect(output).toEqual({});
    const again = await engine.invoke({ concept: "Login", name: "logOut" }, { session });
    expect(again.output).toEqual({ error: "no such session" });
  });

  it("answers a query that returns an object with that object", async () => {
    const { app } = backend();
    const { user } = await json(await post(app, "/api/Login/register", { username: "lovelace" }));
    const response = await post(app, "/api/Login/_profile", { user });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ profile: { username: "lovelace" } });
  });

  it("keeps a frame whose query row lacks an output (an { error } row), with that variable unbound", async () => {
    const { app } = backend();
    const response = await post(app, "/api/logout", { session: "forged" });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ error: "unauthorized" });
  });

  it("lets a where-clause call an action, recorded with the then-actions' provenance, and query with an inline function", async () => {
    const { app, engine } = backend();
    const ended: EndedFlow[] = [];
    engine.observeFlows((flow) => ended.push(flow));
    const session = await signedIn(app, "turing");
    const response = await post(app, "/api/shelf/suggest", { session });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ title: "Book 1", shout: "BOOK 1" });
    const flow = ended.find(({ flow }) => flow === response.headers.get("x-flow-id"));
    const respond = flow?.records.find((record) => record.action === "respond");
    const call = respond?.cause?.reads?.find((read) => read.query === "Shelf.suggest");
    expect(call?.input).toMatchObject({ owner: expect.any(String) });
    // The action ran as a flow of its own, as the template's instrumented actions do.
    expect(ended.some(({ flow: id, records }) => id === call?.flow && records.some((record) => record.action === "suggest"))).toBe(true);
  });

  it("passes body fields named query, method, params and user through to the syncs", async () => {
    const { app } = backend();
    const { user } = await json(await post(app, "/api/Login/register", { username: "knuth" }));
    const { session } = await json(await post(app, "/api/login", { username: "knuth" }));
    for (const title of ["Focus music", "Deep work", "Focus and flow"]) expect((await post(app, "/api/Shelf/shelve", { owner: user, title })).status).toBe(200);
    const response = await post(app, "/api/shelf/search", { session, query: "focus", method: "fuzzy", params: "all", user: 7 });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ results: [{ title: "Focus music" }, { title: "Focus and flow" }], query: "focus", method: "fuzzy", params: "all" });
  });

  it("answers 500 at once when a sync's where-clause throws, as the template's route does", async () => {
    const { app } = backend({ requestingTimeoutMs: 10_000 });
    const started = Date.now();
    const response = await post(app, "/api/shelf/broken", {});
    expect(response.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("answers 503 with Retry-After beyond REQUESTING_MAX_WAITING waiting requests, and runs nothing for it", async () => {
    const { app } = backend({ requestingTimeoutMs: 1_000, requestingMaxWaiting: 2 });
    const waiting = [post(app, "/api/shelf/silent", {}), post(app, "/api/shelf/silent", {})];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await post(app, "/api/shelf/silent", {});
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.headers.get("x-flow-id")).toBeNull();
    expect((await Promise.all(waiting)).map((response) => response.status)).toEqual([504, 504]);
    expect((await post(app, "/api/shelf/silent", {})).status).toBe(504);
  });

  it("answers 400, never a 5xx, for a body a template-style request cannot take", async () => {
    const { app } = backend();
    for (const body of ['{"$where": 1}', '{"a.b": 1}', "[1, 2]", '"text"', "{", '{"route": "GET /api/v1/sessions"}']) {
      const response = await app.request("/api/login", { method: "POST", body, headers: { "content-type": "application/json", "x-api-key": securedConfig.apiKey as string } });
      expect(response.status, body).toBe(400);
      expect(typeof (await json(response)).error).toBe("string");
    }
  });
});
