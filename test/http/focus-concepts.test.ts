/**
 * The five focus concepts as `npm start` serves them: every operation is routed, succeeds
 * with a proper body, refuses each missing required field, and keeps users apart.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/edges/http/app.ts";
import { discoverConcepts, SyncEngine, type ConceptClass } from "../../src/engine/index.ts";
import { setPlausibilityClock } from "../../src/utils/schemas.ts";
import { asService, asUser, json, post, securedConfig, silentLogger } from "./harness.ts";
import { useTestDatabase } from "../support/database.ts";

const database = useTestDatabase();
let concepts: ConceptClass[];
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  concepts = await discoverConcepts("src/concepts");
  const engine = new SyncEngine({ db: database.db });
  for (const concept of concepts) engine.registerConcept(concept, new concept(database.db));
  await engine.start();
  app = createApp({ engine, concepts, config: securedConfig, db: database.db, logger: silentLogger });
});

const served = ["FocusTimer", "FocusSession", "FocusStats", "Streak", "Badge"];

/** One body per operation that succeeds, given the state the earlier ones leave (run in this order). */
const examples: [operation: string, body: Record<string, unknown>][] = [
  ["FocusTimer/start", { durationMs: 1, phase: "reading", user: "ada" }],
  ["FocusTimer/pause", { timerId: "$timer", user: "ada" }],
  ["FocusTimer/resume", { timerId: "$timer", user: "ada" }],
  ["FocusTimer/expire", { timerId: "$timer", user: "ada" }],
  ["FocusTimer/_getTimer", { timerId: "$timer" }],
  ["FocusTimer/_getActiveTimers", {}],
  ["FocusTimer/_getTimersByPhase", { phase: "break" }],
  ["FocusSession/start", { user: "ada", targetDurationMs: 1_500_000, subject: "Calculus" }],
  ["FocusSession/pause", { session: "$session", user: "ada", elapsedMs: 750_000 }],
  ["FocusSession/resume", { session: "$session", user: "ada" }],
  ["FocusSession/update", { session: "$session", user: "ada", notes: "steady" }],
  ["FocusSession/_getRunning", { user: "ada" }],
  ["FocusSession/end", { session: "$session", user: "ada", status: "completed", elapsedMs: 1_500_000 }],
  ["FocusSession/_getSession", { session: "$session" }],
  ["FocusSession/_listSessions", { user: "ada", status: "completed", limit: 5 }],
  ["FocusSession/delete", { session: "$session", user: "ada" }],
  ["FocusStats/recordSession", { focusSession: "fs-1", user: "ada", startTime: "2026-02-18T08:00:00Z", endTime: 1771403400000, durationMs: 1_500_000 }],
  ["FocusStats/_viewStats", { user: "ada" }],
  ["FocusStats/_getSessions", { user: "ada" }],
  ["FocusStats/_getTotals", { user: "ada" }],
  ["FocusStats/_getDailyProgress", { user: "ada" }],
  ["FocusStats/_summary", { user: "ada", from: "2026-02-01", to: "2026-02-28T23:59:59Z" }],
  ["FocusStats/removeSession", { focusSession: "fs-1" }],
  ["Streak/recordActivity", { user: "ada", at: "2026-02-18T08:25:00Z", session: "s-1" }],
  ["Streak/_getStreak", { user: "ada" }],
  ["Streak/_getTimeZone", { user: "ada" }],
  ["Badge/define", { name: "Marathon", description: "Focused for ten hours", criteria: { totalFocusMs: 36_000_000 } }],
  ["Badge/evaluate", { user: "ada", completedSessions: 1, totalFocusMs: 1_500_000, currentStreak: 1 }],
  ["Badge/_getUserBadges", { user: "ada" }],
  ["Badge/_getDefinitions", {}],
];

describe("the focus concepts over HTTP", () => {
  it("serves every operation of the five concepts and nothing of Requesting", () => {
    const servedConcepts = concepts.filter((concept) => served.includes(concept.conceptName));
    expect(servedConcepts.map((concept) => concept.conceptName).sort()).toEqual([...served].sort());
    const expected = servedConcepts.flatMap((concept) => Object.keys(concept.schemas).map((name) => `${concept.conceptName}/${name}`));
    expect(examples.map(([operation]) => operation).sort()).toEqual(expected.sort());
  });

  it("runs every operation with a valid body: actions answer objects, queries arrays", async () => {
    const ids: Record<string, string> = {};
    for (const [operation, body] of examples) {
      const resolved = Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value === "string" && value.startsWith("$") ? ids[value] : value]));
      if (operation === "FocusTimer/expire") await new Promise((resolve) => setTimeout(resolve, 5)); // let the 1 ms timer run out
      const response = await post(app, `/api/${operation}`, resolved);
      const answer = await json(response);
      expect({ operation, status: response.status, answer }).toMatchObject({ operation, status: 200 });
      expect(Array.isArray(answer)).toBe(operation.includes("/_"));
      if (operation === "FocusTimer/start") ids.$timer = answer.timerId;
      if (operation === "FocusSession/start") ids.$session = answer.session;
    }
  });

  it("answers 400 naming each required field left out, for every operation", async () => {
    const { paths } = await json(await app.request("/openapi.json"));
    for (const [operation, body] of examples) {
      const required: string[] = paths[`/api/${operation}`].post.requestBody.content["application/json"].schema.required ?? [];
      for (const field of required) {
        const { [field]: _left, ...rest } = body;
        const response = await post(app, `/api/${operation}`, rest);
        expect({ operation, field, status: response.status }).toEqual({ operation, field, status: 400 });
        expect((await json(response)).error).toContain(`${field}: is required`);
      }
    }
  });

  it("refuses operator objects where the schemas expect strings", async () => {
    for (const body of [{ user: { $ne: null } }, { user: "ada", subject: { $gt: "" } }, { user: ["ada", "grace"] }]) {
      const response = await post(app, "/api/FocusSession/_listSessions", body);
      expect(response.status).toBe(400);
    }
  });
});

describe("users of the focus concepts", () => {
  it("start their own session from a token, and cannot touch another user's", async () => {
    const grace = await asUser("grace");
    const started = await post(app, "/api/FocusSession/start", { subject: "Poetry" }, grace);
    expect(started.status).toBe(200);
    const { session } = await json(started);
    const [running] = await json(await post(app, "/api/FocusSession/_getRunning", {}, grace));
    expect(running).toMatchObject({ session, user: "grace", subject: "Poetry" });

    const second = await post(app, "/api/FocusSession/start", {}, grace);
    expect(second.status).toBe(409);
    expect(await json(second)).toEqual({ error: expect.any(String) });

    const ada = await asUser("ada");
    expect((await post(app, "/api/FocusSession/end", { session, status: "completed" }, ada)).status).toBe(403);
    expect((await post(app, "/api/FocusSession/_getRunning", { user: "grace" }, ada)).status).toBe(403);
    expect((await post(app, "/api/FocusSession/end", { session, status: "completed" }, grace)).status).toBe(200);
  });

  it("cannot run the actions only synchronizations run", async () => {
    const ada = await asUser("ada");
    for (const [operation, body] of examples.filter(([name]) => ["FocusStats/recordSession", "Streak/recordActivity", "Badge/evaluate", "Badge/define"].includes(name))) {
      const response = await post(app, `/api/${operation}`, body, ada);
      expect({ operation, status: response.status }).toEqual({ operation, status: 403 });
    }
  });

  it("can read their own statistics without naming themselves", async () => {
    const response = await post(app, "/api/FocusStats/_getTotals", {}, await asUser("nobody-yet"));
    expect(await json(response)).toEqual([{ user: "nobody-yet", totalFocusMs: 0, sessionCount: 0 }]);
  });

  it("with the service key, any user can be named", async () => {
    expect((await post(app, "/api/Streak/_getStreak", { user: "anyone" }, asService)).status).toBe(200);
  });
});

describe("what the service creates with no user (issue 10)", () => {
  it("is the service's: a user token cannot read or drive a timer started with the API key and no user", async () => {
    const { timerId } = await json(await post(app, "/api/FocusTimer/start", { durationMs: 60_000, phase: "reading" }, asService));
    const mallory = await asUser("mallory");
    const read = await post(app, "/api/FocusTimer/_getTimer", { timerId }, mallory);
    expect({ status: read.status, rows: await json(read) }).toEqual({ status: 200, rows: [] });
    for (const action of ["pause", "resume", "expire"]) {
      const response = await post(app, `/api/FocusTimer/${action}`, { timerId }, mallory);
      expect({ action, status: response.status, body: await json(response) }).toEqual({ action, status: 404, body: { error: "timer not found" } });
    }
    expect(await json(await post(app, "/api/FocusTimer/_getActiveTimers", {}, mallory))).toEqual([]);
    const [timer] = await json(await post(app, "/api/FocusTimer/_getTimer", { timerId }, asService));
    expect(timer).toMatchObject({ _id: timerId, isActive: true });
    expect((await post(app, "/api/FocusTimer/pause", { timerId }, asService)).status).toBe(200);
  });
});

describe("times a client supplies to a concept (CONTRACTS.md: plausible)", () => {
  const far = [8.64e15, "8640000000000000", "9999-12-31T00:00:00Z", 0, "0000-01-01T00:00:00Z", "1999-12-31T23:59:59.999Z", Date.now() + 25 * 60 * 60 * 1000];
  const operations: [string, (time: unknown) => Record<string, unknown>][] = [
    ["FocusSession/start", (time) => ({ user: "tess", startedAt: time })],
    ["FocusSession/end", (time) => ({ session: "no-such-session", status: "completed", endedAt: time })],
    ["FocusStats/recordSession", (time) => ({ focusSession: "fs-far", user: "tess", startTime: "2026-02-18T08:00:00Z", endTime: time, durationMs: 1 })],
    ["FocusStats/recordSession", (time) => ({ focusSession: "fs-far", user: "tess", startTime: time, endTime: "2026-02-18T08:00:00Z", durationMs: 1 })],
    ["Streak/recordActivity", (time) => ({ user: "tess", at: time, session: "s-far" })],
  ];
  /** The bounds of a question: nothing happened at them, so they may lie anywhere (CONTRACTS.md, HTTP). */
  const bounds: [string, (time: unknown) => Record<string, unknown>][] = [
    ["FocusSession/_listSessions", (time) => ({ user: "tess", endedAfter: time })],
    ["FocusSession/_listSessions", (time) => ({ user: "tess", endedBefore: time })],
    ["FocusStats/_summary", (time) => ({ user: "tess", from: time })],
    ["FocusStats/_summary", (time) => ({ user: "tess", to: time })],
  ];

  it("answers 400 naming the field, before 2000-01-01 or more than a day ahead, and changes nothing", async () => {
    const streakBefore = await json(await post(app, "/api/Streak/_getStreak", { user: "tess" }));
    for (const [operation, body] of operations) {
      for (const time of far) {
        const response = await post(app, `/api/${operation}`, body(time));
        const answer = await json(response);
        expect({ operation, time, status: response.status }).toEqual({ operation, time, status: 400 });
        expect(answer.error).toMatch(/^\w+: must be from 2000-01-01T00:00:00Z to a day after the server's clock$/);
      }
    }
    expect(await json(await post(app, "/api/Streak/_getStreak", { user: "tess" }))).toEqual(streakBefore);
    expect(await json(await post(app, "/api/FocusSession/_listSessions", { user: "tess" }))).toEqual([]);
  });

  it("takes the bounds of a question anywhere: this month's summary can be asked for on its first day", async () => {
    for (const [operation, body] of bounds) {
      for (const time of far) {
        const response = await post(app, `/api/${operation}`, body(time));
        expect({ operation, time, status: response.status }).toEqual({ operation, time, status: 200 });
      }
    }
  });

  it("accepts the edges of the range: 2000-01-01 itself and a day ahead of now", async () => {
    const first = await post(app, "/api/FocusSession/start", { user: "tess", startedAt: "2000-01-01T00:00:00Z" });
    expect(first.status).toBe(200);
    const { session } = await json(first);
    const ended = await post(app, "/api/FocusSession/end", { session, status: "abandoned", endedAt: Date.now() + 23 * 60 * 60 * 1000 });
    expect(ended.status).toBe(200);
  });
});

describe("the clock plausibility is judged by", () => {
  afterEach(() => setPlausibilityClock());

  it("can be set, so that a day ahead of it is the limit", async () => {
    const now = Date.parse("2010-06-01T12:00:00Z");
    setPlausibilityClock(() => now);
    const recorded = (endTime: number) => ({ focusSession: `fs-${endTime}`, user: "clocked", startTime: now - 1000, endTime, durationMs: 1000 });
    const beyond = await post(app, "/api/FocusStats/recordSession", recorded(now + 24 * 60 * 60 * 1000 + 1));
    expect(beyond.status).toBe(400);
    const ahead = await post(app, "/api/FocusStats/recordSession", recorded(now + 24 * 60 * 60 * 1000));
    expect(ahead.status).toBe(200);
    setPlausibilityClock();
    expect((await post(app, "/api/FocusStats/recordSession", recorded(now + 24 * 60 * 60 * 1000 + 2))).status).toBe(200);
  });
});
