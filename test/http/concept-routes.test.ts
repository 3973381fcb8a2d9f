import { describe, expect, it } from "vitest";
import { asService, asUser, notebookApp, post, json } from "./harness.ts";
import { useTestDatabase } from "../support/database.ts";

const database = useTestDatabase();

describe("concept actions over HTTP", () => {
  it("runs an action and answers its output as a JSON object, dates as ISO strings", async () => {
    const { app, notebook } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/write", { user: "ada", text: "hello", at: "2026-02-18T08:00:00Z" });
    expect(response.status).toBe(200);
    const output = await json(response);
    expect(output).toEqual({ note: expect.any(String), writtenAt: "2026-02-18T08:00:00.000Z" });
    expect(notebook.notes.get(output.note)).toMatchObject({ user: "ada", text: "hello" });
  });

  it("runs the syncs the action triggers before answering", async () => {
    const { app, notebook } = notebookApp(database.db);
    await post(app, "/api/Notebook/write", { user: "ada", text: "one" });
    await post(app, "/api/Notebook/write", { user: "ada", text: "two" });
    expect(notebook.stamps.get("ada")).toBe(2);
  });

  it("maps a concept's error reasons to 400, 403, 404 and 409 with an error body", async () => {
    const { app } = notebookApp(database.db);
    const { note } = await json(await post(app, "/api/Notebook/write", { user: "ada", text: "mine" }));

    const notFound = await post(app, "/api/Notebook/erase", { note: "no-such-note" });
    expect(notFound.status).toBe(404);
    expect(await json(notFound)).toEqual({ error: "note not found" });

    const forbidden = await post(app, "/api/Notebook/erase", { note, user: "grace" });
    expect(forbidden.status).toBe(403);
    expect(await json(forbidden)).toEqual({ error: "note belongs to another user" });

    expect((await post(app, "/api/Notebook/reserve", { title: "Ulysses" })).status).toBe(200);
    const conflict = await post(app, "/api/Notebook/reserve", { title: "Ulysses" });
    expect(conflict.status).toBe(409);
    expect(await json(conflict)).toEqual({ error: "title already reserved" });

    const invalid = await post(app, "/api/Notebook/reserve", { title: "forbidden words" });
    expect(invalid.status).toBe(400);
    expect(await json(invalid)).toEqual({ error: "title is not allowed" });
  });

  it("answers an unexpected exception with 500 and a generic error, never the details", async () => {
    const { app } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/reserve", { title: "explode" });
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({ error: "internal error" });
  });
});

describe("concept queries over HTTP", () => {
  it("answers a JSON array of rows", async () => {
    const { app } = notebookApp(database.db);
    await post(app, "/api/Notebook/write", { user: "ada", text: "one", at: "2025-01-01T00:00:00.000Z" });
    const response = await post(app, "/api/Notebook/_notes", { user: "ada" });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual([{ note: expect.any(String), user: "ada", text: "one", writtenAt: "2025-01-01T00:00:00.000Z" }]);
    expect(await json(await post(app, "/api/Notebook/_notes", { user: "nobody" }))).toEqual([]);
  });
});

describe("input validation", () => {
  const cases: [string, unknown, string][] = [
    ["a missing field", { text: "hi" }, "user: is required"],
    ["a number below its minimum", { user: "ada", text: "hi", pages: 0 }, "pages: must be > 0"],
    ["a string that is too short", { user: "ada", text: "" }, "text: must be at least 1 characters long"],
    ["a string that is too long", { user: "ada", text: "x".repeat(101) }, "text: must be at most 100 characters long"],
    ["a value of the wrong type", { user: "ada", text: 42 }, "text: must be a string"],
    ["a fractional integer", { user: "ada", text: "hi", pages: 1.5 }, "pages: must be an int"],
    ["an object where a string belongs", { user: { $ne: null }, text: "hi" }, "body.user.$ne: keys starting with"],
  ];
  for (const [what, body, message] of cases) {
    it(`refuses ${what} with 400 naming the field, and writes nothing`, async () => {
      const { app, notebook } = notebookApp(database.db);
      const response = await post(app, "/api/Notebook/write", body);
      expect(response.status).toBe(400);
      expect((await json(response)).error).toContain(message);
      expect(notebook.notes.size).toBe(0);
      expect(notebook.stamps.size).toBe(0);
    });
  }

  it("names every wrong field at once", async () => {
    const { app } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/write", { pages: -1 });
    expect(await json(response)).toEqual({ error: "user: is required; text: is required; pages: must be > 0" });
  });

  it("refuses malformed JSON with 400", async () => {
    const { app } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/write", '{"user": "ada", ');
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: "malformed JSON body" });
  });

  it("refuses a JSON body that is not an object with 400", async () => {
    const { app } = notebookApp(database.db);
    for (const body of ["[1, 2]", '"text"', "42", "null", "true"]) {
      const response = await post(app, "/api/Notebook/_stamps", body);
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual({ error: "body must be a JSON object" });
    }
  });

  it("treats an empty body as an empty object", async () => {
    const { app } = notebookApp(database.db);
    const response = await app.request("/api/Notebook/_stamps", { method: "POST", headers: asService });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: "user: is required" });
  });

  it("refuses MongoDB operators and prototype keys anywhere in the body with 400", async () => {
    const { app, notebook } = notebookApp(database.db);
    const bodies = [
      '{"user": "ada", "text": "hi", "$where": "1"}',
      '{"user": "ada", "text": "hi", "nested": {"deeper": [{"$gt": ""}]}}',
      '{"user": "ada", "text": "hi", "__proto__": {"admin": true}}',
      '{"user": "ada", "text": "hi", "constructor": {"prototype": {"admin": true}}}',
    ];
    for (const body of bodies) {
      const response = await post(app, "/api/Notebook/write", body);
      expect(response.status).toBe(400);
      expect((await json(response)).error).toMatch(/keys starting with "\$" and prototype keys are not allowed/);
    }
    expect(notebook.notes.size).toBe(0);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("refuses absurdly deep nesting with 400 rather than exhausting the stack", async () => {
    const { app } = notebookApp(database.db, { bodyLimitBytes: 1024 * 1024 });
    const deep = `{"user": "ada", "text": "hi", "x": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const response = await post(app, "/api/Notebook/write", deep);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatch(/nested more than 32 levels deep/);
  });

  it("refuses a body over the limit with 413", async () => {
    const { app, notebook } = notebookApp(database.db, { bodyLimitBytes: 1024 });
    const response = await post(app, "/api/Notebook/write", { user: "ada", text: "x".repeat(2000) });
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual({ error: "body larger than 1024 bytes" });
    expect(notebook.notes.size).toBe(0);
  });

  it("answers 404 with an error body for an unknown concept or operation", async () => {
    const { app } = notebookApp(database.db);
    for (const path of ["/api/Nothing/write", "/api/Notebook/nothing", "/nowhere"]) {
      const response = await post(app, path, {});
      expect(response.status).toBe(404);
      expect(await json(response)).toEqual({ error: expect.stringContaining("no route") });
    }
  });

  it("serves concept operations only with POST", async () => {
    const { app } = notebookApp(database.db);
    expect((await app.request("/api/Notebook/_notes?user=ada", { headers: asService })).status).toBe(404);
  });

  it("does not serve concepts that opt out of HTTP (Requesting)", async () => {
    const { app } = notebookApp(database.db);
    const response = await post(app, "/api/Requesting/respond", { request: "r1", body: {} });
    expect(response.status).toBe(404);
  });
});

describe("identity binding for user tokens", () => {
  it("fills the user from the token when the caller leaves it out", async () => {
    const { app, notebook } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/write", { text: "mine" }, await asUser("ada"));
    expect(response.status).toBe(200);
    expect([...notebook.notes.values()].map((note) => note.user)).toEqual(["ada"]);
  });

  it("accepts the user field when it names the token's own user", async () => {
    const { app } = notebookApp(database.db);
    expect((await post(app, "/api/Notebook/write", { user: "ada", text: "mine" }, await asUser("ada"))).status).toBe(200);
  });

  it("refuses with 403 any user, userId or user_id naming someone else, and writes nothing", async () => {
    const { app, notebook } = notebookApp(database.db);
    const headers = await asUser("ada");
    for (const body of [{ user: "grace", text: "hers" }, { userId: "grace", text: "hers" }, { user_id: "grace", text: "hers" }]) {
      const response = await post(app, "/api/Notebook/write", body, headers);
      expect(response.status).toBe(403);
      expect((await json(response)).error).toMatch(/cannot act for another user/);
    }
    expect(notebook.notes.size).toBe(0);
  });

  it("does not let a token read another user's data", async () => {
    const { app } = notebookApp(database.db);
    await post(app, "/api/Notebook/write", { user: "grace", text: "secret" });
    const response = await post(app, "/api/Notebook/_notes", { user: "grace" }, await asUser("ada"));
    expect(response.status).toBe(403);
    expect(await json(await post(app, "/api/Notebook/_notes", {}, await asUser("ada")))).toEqual([]);
  });

  it("passes the owner check down to the concept for records named by id", async () => {
    const { app } = notebookApp(database.db);
    const { note } = await json(await post(app, "/api/Notebook/write", { user: "grace", text: "hers" }));
    const response = await post(app, "/api/Notebook/erase", { note }, await asUser("ada"));
    expect(response.status).toBe(403);
  });

  it("lets the service key act for any user it names", async () => {
    const { app } = notebookApp(database.db);
    expect((await post(app, "/api/Notebook/write", { user: "grace", text: "hers" }, asService)).status).toBe(200);
  });
});

describe("actions only synchronizations run", () => {
  it("are refused to user tokens with 403, changing nothing", async () => {
    const { app, notebook } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/stamp", {}, await asUser("ada"));
    expect(response.status).toBe(403);
    expect(await json(response)).toEqual({ error: "Notebook.stamp is run only by synchronizations and trusted services" });
    expect(notebook.stamps.size).toBe(0);
  });

  it("are callable with the service key", async () => {
    const { app } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/stamp", { user: "ada" }, asService);
    expect(await json(response)).toEqual({ stamps: 1 });
  });
});
