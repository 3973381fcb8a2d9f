/**
 * A read changes nothing, so it writes nothing: no action log, no bookkeeping, only the
 * commands its queries need (one for each seed 004 read, as a hand-written handler issues).
 * Watched through the driver's command monitoring on the app's own database connection.
 */
import { MongoClient, type CommandStartedEvent, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { focusApp, send, type FocusApp } from "../support/app.ts";
import { asService } from "./harness.ts";

const writes = new Set(["insert", "update", "delete", "findAndModify", "createIndexes", "bulkWrite"]);
const quiet = new Set(["hello", "isMaster", "ismaster", "ping", "endSessions"]);

let client: MongoClient;
let db: Db;
let focus: FocusApp;
let commands: string[] = [];

beforeAll(async () => {
  client = await MongoClient.connect(inject("mongoUri"), { monitorCommands: true });
  db = client.db(`reads_${process.pid}_${Date.now()}`);
  client.on("commandStarted", (event: CommandStartedEvent) => {
    if (!quiet.has(event.commandName)) commands.push(`${event.commandName} ${String(event.command[event.commandName])}`);
  });
  focus = await focusApp(db);
  // One completed session and one running, through seed 004 and seed 002.
  const started = await send(focus.app, "POST", "/api/v1/sessions", { body: { userId: "reader", subject: "Algebra" }, headers: asService });
  await send(focus.app, "PATCH", `/api/v1/sessions/${started.body.session.id}`, { body: { endStudyTimestamp: Date.now() }, headers: asService });
  await send(focus.app, "POST", "/api/flow/v1/sessions", { body: { duration_seconds: 600 }, headers: { ...asService, "x-user-id": "reader" } });
  await focus.engine.stop();
});

afterAll(async () => {
  await focus.engine.stop();
  await db.dropDatabase();
  await client.close();
});

/** The commands one request issues, once everything it started (log writes included) has settled. */
async function commandsOf(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  await new Promise((resolve) => setTimeout(resolve, 60));
  commands = [];
  const answer = await send(focus.app, method, path, { headers: asService, ...options });
  await new Promise((resolve) => setTimeout(resolve, 60));
  return { status: answer.status, commands: [...commands] };
}

describe("reads write nothing to the database", () => {
  it.each([
    ["GET", "/api/v1/sessions?userId=reader&limit=20", "find FocusSession.sessions"],
    ["GET", "/api/v1/sessions/summary?userId=reader", "find FocusStats.stats"],
  ])("%s %s issues its one query and nothing else", async (method, path, only) => {
    const read = await commandsOf(method, path);
    expect(read.status).toBe(200);
    expect(read.commands).toEqual([only]);
  });

  it.each([
    ["GET", "/api/flow/v1/sessions/active", undefined],
    ["GET", "/api/flow/v1/sessions?limit=5", undefined],
    ["GET", "/focus-sessions", undefined],
    ["POST", "/api/FocusStats/_viewStats", { user: "reader" }],
    ["POST", "/api/FocusSession/_listSessions", { user: "reader" }],
    ["POST", "/api/Streak/_getStreak", { user: "reader" }],
  ])("%s %s writes nothing", async (method, path, body) => {
    const read = await commandsOf(method, path, { headers: { ...asService, "x-user-id": "reader" }, ...(body === undefined ? {} : { body }) });
    expect(read.status).toBe(200);
    expect(read.commands.length).toBeGreaterThan(0);
    expect(read.commands.filter((command) => writes.has(command.split(" ")[0] ?? ""))).toEqual([]);
  });

  it("a refused request writes nothing either", async () => {
    const refused = await commandsOf("GET", "/api/v1/sessions?limit=0&userId=reader");
    expect(refused.status).toBe(400);
    expect(refused.commands).toEqual([]);
    const refusedChange = await commandsOf("PATCH", "/api/v1/sessions/some-id", { body: { status: "nonsense" } });
    expect(refusedChange.status).toBe(400);
    expect(refusedChange.commands).toEqual([]);
  });

  it("a completion writes the log twice: its marker before the end, its record after", async () => {
    const started = await send(focus.app, "POST", "/api/v1/sessions", { body: { userId: "writer", subject: "Logic" }, headers: asService });
    const completion = await commandsOf("PATCH", `/api/v1/sessions/${started.body.session.id}`, { body: { endStudyTimestamp: Date.now() } });
    expect(completion.status).toBe(200);
    expect(completion.commands.filter((command) => command.endsWith("engine.flows"))).toEqual(["insert engine.flows", "update engine.flows"]);
  });
});
