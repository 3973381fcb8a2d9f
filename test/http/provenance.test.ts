import { describe, expect, it } from "vitest";
import { SyncEngine } from "../../src/engine/index.ts";
import { useTestDatabase } from "../support/database.ts";
import { asService, asUser, json, notebookApp, post } from "./harness.ts";

const database = useTestDatabase();

async function durableNotebookApp() {
  const engine = new SyncEngine({ db: database.db });
  const built = notebookApp(database.db, {}, { engine });
  await engine.start();
  return built;
}

describe("GET /api/_flows/:id", () => {
  it("shows the service the tree of a flow named by an answer's x-flow-id", async () => {
    const { app } = await durableNotebookApp();
    const written = await post(app, "/api/Notebook/write", { user: "ada", text: "traced" });
    const flow = written.headers.get("x-flow-id");
    expect(flow).toEqual(expect.any(String));

    const response = await app.request(`/api/_flows/${flow}`, { headers: asService });
    expect(response.status).toBe(200);
    const tree = await json(response);
    expect(tree).toMatchObject({ kind: "flow", flow, failures: [] });
    expect(tree.roots).toHaveLength(1);
    expect(tree.roots[0].record).toMatchObject({ concept: "Notebook", action: "write", input: { user: "ada", text: "traced" } });
    expect(tree.roots[0].children[0].record).toMatchObject({ concept: "Notebook", action: "stamp", cause: { sync: "WritingStampsTheCard" } });
  });

  it("names the flow of a REST request too, from request to respond", async () => {
    const { app } = await durableNotebookApp();
    const response = await post(app, "/notes/traced", { text: "via REST" }, { ...asService, "x-user-id": "ada" });
    const tree = await json(await app.request(`/api/_flows/${response.headers.get("x-flow-id")}`, { headers: asService }));
    expect(tree.roots[0].record).toMatchObject({ concept: "Requesting", action: "request", input: { route: "POST /notes/:topic" } });
  });

  it("is refused to user tokens with 403", async () => {
    const { app } = await durableNotebookApp();
    const flow = (await post(app, "/api/Notebook/write", { user: "ada", text: "mine" })).headers.get("x-flow-id");
    const response = await app.request(`/api/_flows/${flow}`, { headers: await asUser("ada") });
    expect(response.status).toBe(403);
  });

  it("answers 404 for an id nobody knows", async () => {
    const { app } = await durableNotebookApp();
    const response = await app.request("/api/_flows/no-such-flow", { headers: asService });
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: "no flow or action record with this id" });
  });
});
