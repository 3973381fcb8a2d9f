/**
 * `Idempotency-Key` on every mutating route: a retry with the same key by the same caller
 * answers the first status and body and acts once; the key with another request is 422; a
 * retry while the first runs waits for it or answers 409; a 5xx is not kept; and after a
 * crash, a retry takes the abandoned request over and answers what it did, once.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { MongoClient, type CommandStartedEvent, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FocusSessionConcept } from "../../src/concepts/FocusSession/FocusSessionConcept.ts";
import { idempotencyCollection } from "../../src/edges/http/idempotency/store.ts";
import { focusApp, send, useFocusApp, type FocusApp } from "../support/app.ts";
import { useTestDatabase } from "../support/database.ts";
import { asService, asUser } from "./harness.ts";

const study = "/api/v1/sessions";
const minute = 60_000;

function keyed(key: string, headers: Record<string, string> = asService): Record<string, string> {
  return { ...headers, "Idempotency-Key": key };
}

function call(app: FocusApp["app"], operation: string, body: object, headers: Record<string, string> = asService) {
  return send(app, "POST", `/api/${operation}`, { body, headers });
}

async function sessionsOf(app: FocusApp["app"], user: string): Promise<{ session: string; status: string }[]> {
  return (await call(app, "FocusSession/_listSessions", { user })).body;
}

async function completedCount(app: FocusApp["app"], user: string): Promise<number> {
  const { body } = await call(app, "FocusStats/_getTotals", { user });
  return body[0]?.sessionCount ?? 0;
}

describe("a retried request with the same key", () => {
  const focus = useFocusApp();

  it("answers seed 004's POST /api/v1/sessions with the first 201 and the same session, having started one", async () => {
    const key = randomUUID();
    const body = { userId: "idem-ada", subject: "Calculus" };
    const first = await send(focus.app, "POST", study, { body, headers: keyed(key) });
    const retry = await send(focus.app, "POST", study, { body, headers: keyed(key) });
    expect(first.status).toBe(201);
    expect(retry).toEqual(first);
    expect(await sessionsOf(focus.app, "idem-ada")).toEqual([expect.objectContaining({ session: first.body.session.id })]);
  });

  it("without the key, the same retry answers 409: the first already started the session", async () => {
    const body = { userId: "idem-nokey", subject: "Calculus" };
    expect((await send(focus.app, "POST", study, { body, headers: asService })).status).toBe(201);
    expect((await send(focus.app, "POST", study, { body, headers: asService })).status).toBe(409);
  });

  it("marks a replayed answer with Idempotent-Replayed and repeats its flow header", async () => {
    const request = () =>
      focus.app.request(study, { method: "POST", body: JSON.stringify({ userId: "idem-header", subject: "x" }), headers: { ...keyed("header-key"), "content-type": "application/json" } });
    const first = await request();
    const retry = await request();
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.headers.get("x-flow-id")).toBe(first.headers.get("x-flow-id"));
    expect(retry.headers.get("content-type")).toBe(first.headers.get("content-type"));
    expect(await retry.text()).toBe(await first.text());
  });

  it("counts a body with its keys in another order as the same request", async () => {
    const first = await send(focus.app, "POST", study, { body: '{"userId":"idem-order","subject":"a","notes":"n"}', headers: keyed("order-key") });
    const retry = await send(focus.app, "POST", study, { body: '{ "notes": "n", "subject": "a", "userId": "idem-order" }', headers: keyed("order-key") });
    expect(retry).toEqual(first);
  });

  it("answers 422 when the key comes with a different body, and runs nothing", async () => {
    const first = await send(focus.app, "POST", study, { body: { userId: "idem-grace", subject: "a" }, headers: keyed("reused") });
    expect(first.status).toBe(201);
    await call(focus.app, "FocusSession/end", { session: first.body.session.id, status: "abandoned" });
    const other = await send(focus.app, "POST", study, { body: { userId: "idem-grace", subject: "b" }, headers: keyed("reused") });
    expect(other).toEqual({ status: 422, body: { error: expect.stringMatching(/Idempotency-Key/) } });
    expect(await sessionsOf(focus.app, "idem-grace")).toHaveLength(1);
  });

  it("answers 422 when the key comes to another route", async () => {
    const first = await send(focus.app, "POST", study, { body: { userId: "idem-route", subject: "a" }, headers: keyed("route-key") });
    const id = first.body.session.id;
    const elsewhere = await send(focus.app, "PATCH", `${study}/${id}`, { body: { userId: "idem-route", status: "paused" }, headers: keyed("route-key") });
    expect(elsewhere.status).toBe(422);
  });

  it("keeps a refusal the request's run produced (409, a session already running): the retry answers it again", async () => {
    expect((await send(focus.app, "POST", study, { body: { userId: "idem-refused", subject: "a" }, headers: asService })).status).toBe(201);
    const request = () =>
      focus.app.request(study, { method: "POST", body: JSON.stringify({ userId: "idem-refused", subject: "b" }), headers: { ...keyed("refused-key"), "content-type": "application/json" } });
    expect((await request()).status).toBe(409);
    const retry = await request();
    expect(retry.status).toBe(409);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
  });

  it("forgets a refusal by validation, before anything ran: the retry is judged anew (as Stripe does)", async () => {
    const first = await send(focus.app, "POST", study, { body: { userId: "idem-invalid" }, headers: keyed("invalid-key") });
    expect(first).toEqual({ status: 400, body: { error: "subject is required" } });
    const corrected = await send(focus.app, "POST", study, { body: { userId: "idem-invalid", subject: "a" }, headers: keyed("invalid-key") });
    expect(corrected.status).toBe(201);
  });

  it("treats the same key from another caller as another key", async () => {
    const key = "shared-key";
    const ada = await send(focus.app, "POST", study, { body: { userId: "idem-caller-ada", subject: "a" }, headers: keyed(key) });
    const bob = await send(focus.app, "POST", study, { body: { userId: "idem-caller-bob", subject: "a" }, headers: keyed(key) });
    const token = await send(focus.app, "POST", study, { body: { subject: "a" }, headers: keyed(key, await asUser("idem-caller-eve")) });
    expect([ada.status, bob.status, token.status]).toEqual([201, 201, 201]);
    expect(new Set([ada.body.session.id, bob.body.session.id, token.body.session.id]).size).toBe(3);
    // The token's user and a service naming that user are different callers as well.
    const service = await send(focus.app, "POST", study, { body: { userId: "idem-caller-eve", subject: "a" }, headers: keyed(key) });
    expect(service.status).toBe(409);
  });

  it("serves the concept action routes: a retried start and end answer the first answers, and the session counts once", async () => {
    const user = "idem-concept";
    const start = { user, startedAt: "2026-02-18T08:00:00.000Z" };
    const started = await call(focus.app, "FocusSession/start", start, keyed("start-key"));
    expect(started.status).toBe(200);
    expect(await call(focus.app, "FocusSession/start", start, keyed("start-key"))).toEqual(started);

    const end = { session: started.body.session, status: "completed", elapsedMs: 25 * minute, endedAt: "2026-02-18T08:25:00.000Z" };
    const ended = await call(focus.app, "FocusSession/end", end, keyed("end-key"));
    expect(ended).toMatchObject({ status: 200, body: { session: started.body.session, status: "completed" } });
    expect(await call(focus.app, "FocusSession/end", end, keyed("end-key"))).toEqual(ended);
    // Without the key the retry is the session's refusal: it has already ended.
    expect(await call(focus.app, "FocusSession/end", end)).toMatchObject({ status: 409 });
    expect(await completedCount(focus.app, user)).toBe(1);
  });

  it("answers 400 for a key that is empty, longer than 255 characters or not printable ASCII, and runs nothing", async () => {
    for (const key of ["", "k".repeat(256), "clé"]) {
      const answer = await send(focus.app, "POST", study, { body: { userId: "idem-badkey", subject: "a" }, headers: keyed(key) });
      expect(answer).toEqual({ status: 400, body: { error: expect.stringMatching(/Idempotency-Key/) } });
    }
    expect(await sessionsOf(focus.app, "idem-badkey")).toEqual([]);
    expect((await send(focus.app, "POST", study, { body: { userId: "idem-badkey", subject: "a" }, headers: keyed("k".repeat(255)) })).status).toBe(201);
  });

  it("ignores the key on reads: GET routes and concept queries, even a malformed one", async () => {
    const before = await focus.db.collection(idempotencyCollection).countDocuments();
    expect((await send(focus.app, "GET", `${study}?userId=idem-ada`, { headers: keyed("read-key") })).status).toBe(200);
    expect((await send(focus.app, "GET", `${study}?userId=idem-ada`, { headers: keyed("") })).status).toBe(200);
    expect((await call(focus.app, "FocusSession/_listSessions", { user: "idem-ada" }, keyed("read-key"))).status).toBe(200);
    expect(await focus.db.collection(idempotencyCollection).countDocuments()).toBe(before);
  });

  it("keeps each answer with a TTL of at least 24 hours", async () => {
    const indexes = await focus.db.collection(idempotencyCollection).indexes();
    const ttl = indexes.find((index) => index.expireAfterSeconds !== undefined);
    expect(ttl).toMatchObject({ key: { at: 1 } });
    expect(ttl!.expireAfterSeconds).toBeGreaterThanOrEqual(24 * 3600);
    const entry = await focus.db.collection(idempotencyCollection).findOne({ state: "done" });
    expect(entry).toMatchObject({ fingerprint: expect.any(String), status: expect.any(Number), body: expect.any(String), at: expect.any(Date) });
  });

  it("states one retention figure in README, /docs and the TTL index", async () => {
    expect((await call(focus.app, "FocusTimer/start", { durationMs: minute, phase: "reading", user: "idem-figure" }, keyed(randomUUID()))).status).toBe(200);
    const ttl = (await focus.db.collection(idempotencyCollection).indexes()).find((index) => index.expireAfterSeconds !== undefined);
    const hours = ttl!.expireAfterSeconds! / 3600;
    const document = (await (await focus.app.request("/openapi.json")).json()) as { paths: Record<string, { post?: { parameters?: { name: string; description: string }[] } }> };
    const parameter = document.paths["/api/FocusTimer/start"]!.post!.parameters!.find(({ name }) => name === "Idempotency-Key")!;
    const readme = await readFile("README.md", "utf8");
    const figures = (text: string) => [...text.matchAll(/kept (?:for )?(\d+) hours/g)].map((match) => Number(match[1]));
    expect(figures(parameter.description)).toEqual([hours]);
    expect(figures(readme)).toEqual([hours]);
  });
});

describe("requests without the key", () => {
  let client: MongoClient;
  let db: Db;
  let focus: FocusApp;
  const commands: CommandStartedEvent[] = [];

  beforeAll(async () => {
    client = await MongoClient.connect(inject("mongoUri"), { monitorCommands: true });
    client.on("commandStarted", (event) => commands.push(event));
    db = client.db(`test_idem_${process.pid}_${randomUUID().slice(0, 8)}`);
    focus = await focusApp(db);
  });
  afterAll(async () => {
    await focus.engine.stop();
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  it("send no command to the idempotency collection", async () => {
    const started = await send(focus.app, "POST", study, { body: { userId: "idem-plain", subject: "a" }, headers: asService });
    await send(focus.app, "PATCH", `${study}/${started.body.session.id}`, { body: { userId: "idem-plain", status: "paused" }, headers: asService });
    await call(focus.app, "FocusSession/start", { user: "idem-plain-2" });
    const touching = commands.filter((event) => JSON.stringify(event.command).includes(idempotencyCollection));
    expect(touching).toEqual([]);
  });
});

/** A FocusSession whose starts take `delayMs`, and whose `end` fails (after its effect) as often as told. */
function slowAndFlaky(db: Db, delayMs: number) {
  return new (class extends FocusSessionConcept {
    failEnds = 0;
    override async start(...args: Parameters<FocusSessionConcept["start"]>): ReturnType<FocusSessionConcept["start"]> {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return super.start(...args);
    }
    override async end(...args: Parameters<FocusSessionConcept["end"]>): ReturnType<FocusSessionConcept["end"]> {
      const output = await super.end(...args);
      if (this.failEnds > 0) {
        this.failEnds -= 1;
        throw new Error("the database went away after the write");
      }
      return output;
    }
  })(db);
}

describe("a retry while the first is running, or after it failed", () => {
  const database = useTestDatabase();

  it("waits for the first and answers the same", async () => {
    const focus = await focusApp(database.db, { instances: { FocusSession: slowAndFlaky(database.db, 150) } });
    const request = () => send(focus.app, "POST", study, { body: { userId: "idem-wait", subject: "a" }, headers: keyed("wait-key") });
    const [first, second] = await Promise.all([request(), request()]);
    expect(first.status).toBe(201);
    expect(second).toEqual(first);
    expect(await sessionsOf(focus.app, "idem-wait")).toHaveLength(1);
    await focus.engine.stop();
  });

  it("answers 409 when the first outlasts the wait, then the first answer once it is done", async () => {
    const focus = await focusApp(database.db, { instances: { FocusSession: slowAndFlaky(database.db, 300) }, config: { idempotency: { waitMs: 30 } } });
    const request = () => send(focus.app, "POST", study, { body: { userId: "idem-busy", subject: "a" }, headers: keyed("busy-key") });
    const firstRunning = request();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await request()).toEqual({ status: 409, body: { error: expect.stringMatching(/still running/) } });
    const first = await firstRunning;
    expect(first.status).toBe(201);
    expect(await request()).toEqual(first);
    await focus.engine.stop();
  });

  it("runs the request again after a 5xx, with the same engine key: the end counts once", async () => {
    const flaky = slowAndFlaky(database.db, 0);
    const focus = await focusApp(database.db, { instances: { FocusSession: flaky } });
    const started = await call(focus.app, "FocusSession/start", { user: "idem-flaky", startedAt: "2026-02-18T08:00:00.000Z" });
    const end = { session: started.body.session, status: "completed", elapsedMs: 25 * minute, endedAt: "2026-02-18T08:25:00.000Z" };
    flaky.failEnds = 1;
    expect((await call(focus.app, "FocusSession/end", end, keyed("flaky-key"))).status).toBe(500);
    const retry = await call(focus.app, "FocusSession/end", end, keyed("flaky-key"));
    expect(retry).toMatchObject({ status: 200, body: { session: started.body.session, status: "completed", elapsedMs: 25 * minute } });
    expect(await completedCount(focus.app, "idem-flaky")).toBe(1);
    await focus.engine.stop();
  });
});

describe("across a restart", () => {
  const database = useTestDatabase();

  /**
   * A server that dies right after FocusSession's `action` took effect: the request never
   * answers, its Idempotency-Key entry stays "running", and the engine never writes the
   * action's record (its lease of 0 s makes the flow count as abandoned at once, as after kill -9).
   */
  async function appDyingAfter(action: "start" | "end"): Promise<{ app: FocusApp; done: Promise<void> }> {
    const { db } = database;
    let reached!: () => void;
    const done = new Promise<void>((resolve) => (reached = resolve));
    /** Answers as FocusSession does, except that after `action` succeeds it never answers at all. */
    const dieAfter = async <T extends object>(name: string, output: T): Promise<T> => {
      if (name !== action || "error" in output) return output;
      reached();
      return new Promise<T>(() => undefined);
    };
    class DyingFocusSession extends FocusSessionConcept {
      override async start(...args: Parameters<FocusSessionConcept["start"]>): ReturnType<FocusSessionConcept["start"]> {
        return dieAfter("start", await super.start(...args));
      }
      override async end(...args: Parameters<FocusSessionConcept["end"]>): ReturnType<FocusSessionConcept["end"]> {
        return dieAfter("end", await super.end(...args));
      }
    }
    const app = await focusApp(db, { instances: { FocusSession: new DyingFocusSession(db) }, engine: { leaseSeconds: 0 } });
    return { app, done };
  }

  /** What the waiting would do: the dead server's lease runs out. */
  async function leaseRunsOut(): Promise<void> {
    await database.db.collection(idempotencyCollection).updateMany({ state: "running" }, { $set: { leaseUntil: new Date(Date.now() - 1) } });
  }

  it("a retried end answers the original outcome, the session ended and counted once", async () => {
    const user = "idem-crash-end";
    const { app: dying, done } = await appDyingAfter("end");
    const started = await call(dying.app, "FocusSession/start", { user, startedAt: "2026-02-18T08:00:00.000Z" });
    const end = { session: started.body.session, status: "completed", elapsedMs: 25 * minute, endedAt: "2026-02-18T08:25:00.000Z" };
    void call(dying.app, "FocusSession/end", end, keyed("crash-end"));
    await done;
    await dying.engine.stop();

    const restarted = await focusApp(database.db, { config: { idempotency: { waitMs: 20 } } });
    // While the dead server's lease holds, the retry cannot tell it from a slow one.
    expect(await call(restarted.app, "FocusSession/end", end, keyed("crash-end"))).toMatchObject({ status: 409 });
    await leaseRunsOut();
    const retry = await call(restarted.app, "FocusSession/end", end, keyed("crash-end"));
    expect(retry).toEqual({
      status: 200,
      body: expect.objectContaining({ session: end.session, user, status: "completed", elapsedMs: 25 * minute, endedAt: end.endedAt }),
    });
    expect(await call(restarted.app, "FocusSession/end", end, keyed("crash-end"))).toEqual(retry);
    // Without the key, the same retry is refused: the session ended the first time.
    expect(await call(restarted.app, "FocusSession/end", end)).toMatchObject({ status: 409 });
    expect(await sessionsOf(restarted.app, user)).toEqual([expect.objectContaining({ session: end.session, status: "completed" })]);
    expect(await completedCount(restarted.app, user)).toBe(1);
    await restarted.engine.stop();
  });

  it("a retried seed 004 start answers 201 with the session the dead server started", async () => {
    const user = "idem-crash-start";
    const { app: dying, done } = await appDyingAfter("start");
    const body = { userId: user, subject: "Calculus" };
    void send(dying.app, "POST", study, { body, headers: keyed("crash-start") });
    await done;
    await dying.engine.stop();
    const [lost] = await sessionsOf(dying.app, user);

    const restarted = await focusApp(database.db);
    await leaseRunsOut();
    const retry = await send(restarted.app, "POST", study, { body, headers: keyed("crash-start") });
    expect(retry).toMatchObject({ status: 201, body: { session: { id: lost!.session, userId: user, status: "in_progress" } } });
    expect(await send(restarted.app, "POST", study, { body, headers: keyed("crash-start") })).toEqual(retry);
    expect((await send(restarted.app, "POST", study, { body, headers: asService })).status).toBe(409);
    expect(await sessionsOf(restarted.app, user)).toHaveLength(1);
    await restarted.engine.stop();
  });
});
