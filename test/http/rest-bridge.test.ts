import { describe, expect, it } from "vitest";
import { Requesting } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { actions, type Sync } from "../../src/engine/index.ts";
import { asService, asUser, notebookApp, post, json } from "./harness.ts";
import { useTestDatabase } from "../support/database.ts";
import { notebookSyncs } from "./notebook.ts";

const database = useTestDatabase();

describe("REST routes declared by syncs", () => {
  it("serves a route a sync listens to and answers what the syncs responded", async () => {
    const { app, notebook } = notebookApp(database.db);
    const response = await post(app, "/notes/poetry", { text: "a line" }, { ...asService, "x-user-id": "ada" });
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body).toEqual({ note: expect.any(String), topic: "poetry" });
    expect(notebook.notes.get(body.note)).toMatchObject({ user: "ada", text: "a line" });
    expect(notebook.stamps.get("ada")).toBe(1);
  });

  it("lets syncs answer failures with their own status and body", async () => {
    const { app, notebook } = notebookApp(database.db);
    const response = await post(app, "/notes/poetry", { text: "" }, { ...asService, "x-user-id": "ada" });
    expect(response.status).toBe(422);
    expect(await json(response)).toEqual({ message: "could not write" });
    expect(notebook.notes.size).toBe(0);
  });

  it("hands the syncs the method, route literal, path, params, query, body, user and principal", async () => {
    const { app } = notebookApp(database.db);
    const response = await app.request("/echo/it?b=2&a=1&a=3", { headers: { ...asService, "x-user-id": "ada" } });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      route: "GET /echo/:what",
      method: "GET",
      path: "/echo/it",
      params: { what: "it" },
      query: { a: "1", b: "2" },
      body: {},
      user: "ada",
      principal: "service",
    });
  });

  it("takes the user from the token's subject, as a user principal", async () => {
    const { app } = notebookApp(database.db);
    const response = await app.request("/echo/me", { headers: await asUser("ada") });
    expect(await json(response)).toMatchObject({ user: "ada", principal: "user" });
  });

  it("leaves the user null for a service that names nobody", async () => {
    const { app } = notebookApp(database.db);
    expect(await json(await app.request("/echo/x", { headers: asService }))).toMatchObject({ user: null, principal: "service" });
  });

  it("refuses with 403 a token naming another user in x-user-id, the query or the body", async () => {
    const { app, notebook } = notebookApp(database.db);
    const headers = await asUser("ada");
    const attempts = [
      app.request("/echo/x", { headers: { ...headers, "x-user-id": "grace" } }),
      app.request("/echo/x?userId=grace", { headers }),
      post(app, "/notes/poetry", { text: "hers", user_id: "grace" }, headers),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect((await json(response)).error).toMatch(/cannot act for another user/);
    }
    expect(notebook.notes.size).toBe(0);
  });

  it("prefers a literal segment over a parameter for the same path", async () => {
    const { app } = notebookApp(database.db);
    expect(await json(await app.request("/echo/special", { headers: asService }))).toEqual({ route: "GET /echo/special" });
    expect(await json(await app.request("/echo/ordinary", { headers: asService }))).toMatchObject({ route: "GET /echo/:what" });
  });

  it("resolves a {PLACEHOLDER} base path from configuration, keeping the literal for the syncs", async () => {
    const { app } = notebookApp(database.db, { routePlaceholders: { FLOW_BASE_PATH: "/custom/flow" } });
    const response = await app.request("/custom/flow/s1", { method: "DELETE", headers: asService });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect((await app.request("/api/flow/v1/sessions/s1", { method: "DELETE", headers: asService })).status).toBe(404);
  });

  it("answers 500 and never hangs when no sync responds", async () => {
    const { app } = notebookApp(database.db);
    const response = await app.request("/forgotten", { method: "PUT", headers: asService });
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({ error: "no response" });
  });

  it("needs credentials like every other route", async () => {
    const { app } = notebookApp(database.db);
    expect((await app.request("/echo/x")).status).toBe(401);
  });

  it("refuses bad bodies and operator keys in the query string before any sync runs", async () => {
    const { app, notebook } = notebookApp(database.db);
    const headers = { ...asService, "x-user-id": "ada" };
    expect((await post(app, "/notes/poetry", "{oops", headers)).status).toBe(400);
    expect((await post(app, "/notes/poetry", "[]", headers)).status).toBe(400);
    expect((await post(app, "/notes/poetry", { text: "x", filter: { $gt: "" } }, headers)).status).toBe(400);
    expect((await app.request("/echo/x?$where=1", { headers })).status).toBe(400);
    expect((await app.request("/echo/x?__proto__=1", { headers })).status).toBe(400);
    expect(notebook.notes.size).toBe(0);
  });

  it("serves only the methods syncs declared for a path", async () => {
    const { app } = notebookApp(database.db);
    expect((await app.request("/notes/poetry", { headers: asService })).status).toBe(404);
  });

  it("refuses at startup a route literal that is malformed or uses an unknown placeholder", () => {
    const broken = (route: string): Record<string, Sync> => ({
      Broken: ({ request }) => ({
        when: actions([Requesting.request, { route }, { request }]),
        then: actions([Requesting.respond, { request, body: {} }]),
      }),
    });
    expect(() => notebookApp(database.db, {}, { syncs: broken("FETCH /things") })).toThrow(/route literal "FETCH \/things" must look like/);
    expect(() => notebookApp(database.db, {}, { syncs: broken("GET {NOWHERE}/things") })).toThrow(/no configuration for \{NOWHERE\}/);
    expect(() => notebookApp(database.db, {}, { syncs: { ...notebookSyncs } })).not.toThrow();
  });
});
