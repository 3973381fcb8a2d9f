/**
 * The compare benchmark's third side (`bench/concepts-by-hand/`, the project's concepts called
 * from plain handlers) answers seed 004 exactly as the project does, so that the two differ
 * only in the engine. Both apps in this process, each on a database of its own, the same
 * requests in the same order; ids and times differ, so they are compared by shape.
 */
import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createConceptsApp } from "../../bench/concepts-by-hand/app.ts";
import { focusApp, send, type FocusApp } from "../support/app.ts";
import { asService } from "../http/harness.ts";

let client: MongoClient;
let projectDb: Db;
let handDb: Db;
let focus: FocusApp;

beforeAll(async () => {
  client = await MongoClient.connect(inject("mongoUri"));
  projectDb = client.db(`by_hand_project_${process.pid}`);
  handDb = client.db(`by_hand_concepts_${process.pid}`);
  focus = await focusApp(projectDb);
});

afterAll(async () => {
  await focus.engine.stop();
  await projectDb.dropDatabase();
  await handDb.dropDatabase();
  await client.close();
});

type App = FocusApp["app"] | ReturnType<typeof createConceptsApp>;

/** Ids, times and lengths replaced by placeholders: what is left must be the same on both sides. */
function shapeOf(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "ID")
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "TIME")
    .replace(/"(startTimestamp|endStudyTimestamp|sessionLength|totalTimeStudied)":\d+/g, '"$1":N');
}

/** A script of seed 004 requests, each answer as "METHOD path status shape". */
async function script(app: App): Promise<string[]> {
  const answers: string[] = [];
  const call = async (method: string, path: string, body?: object): Promise<{ session?: { id: string } }> => {
    const response = await send(app as FocusApp["app"], method, path, { ...(body && { body }), headers: asService });
    answers.push(`${method} ${shapeOf(path)} ${response.status} ${shapeOf(JSON.stringify(response.body))}`);
    return response.body as { session?: { id: string } };
  };
  const first = (await call("POST", "/api/v1/sessions", { userId: "ada", subject: "Calculus", startTimestamp: Date.now() - 60 * 60_000 })).session!.id;
  await call("POST", "/api/v1/sessions", { userId: "ada", subject: "Calculus" });
  await call("POST", "/api/v1/sessions", { subject: "Calculus" });
  await call("PATCH", `/api/v1/sessions/${first}`, { endStudyTimestamp: Date.now() - 30 * 60_000 });
  await call("PATCH", `/api/v1/sessions/${first}`, { endStudyTimestamp: Date.now() });
  await call("PATCH", "/api/v1/sessions/no-such-session", { endStudyTimestamp: Date.now() });
  const second = (await call("POST", "/api/v1/sessions", { userId: "ada", subject: "Reading" })).session!.id;
  await call("PATCH", `/api/v1/sessions/${second}`, { status: "cancelled" });
  await call("GET", "/api/v1/sessions/summary?userId=ada");
  await call("GET", "/api/v1/sessions/summary?userId=nobody");
  await call("GET", "/api/v1/sessions?userId=ada&limit=20");
  await call("GET", "/api/v1/sessions?userId=ada&status=completed&limit=1");
  await call("GET", "/api/v1/sessions?userId=ada&limit=0");
  await call("POST", "/api/FocusStats/_viewStats", { user: "ada" });
  await call("POST", "/api/FocusStats/_viewStats", { user: "nobody" });
  return answers;
}

it("answers every request of a seed 004 script as the project does", async () => {
  const project = await script(focus.app);
  const byHand = await script(createConceptsApp(handDb, undefined));
  expect(byHand).toEqual(project);
  // The script reaches the interesting answers on both sides (not 500s everywhere).
  expect(project.map((answer) => answer.split(" ")[2])).toEqual(["201", "409", "400", "200", "409", "404", "201", "200", "200", "200", "200", "200", "400", "200", "404"]);
});
