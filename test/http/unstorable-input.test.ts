/**
 * One request's bad data never fails another's: input that BSON cannot store (a NUL byte in a
 * key), or would store as something else (a lone UTF-16 surrogate, which becomes U+FFFD, so two
 * different values would read back the same), or that a supported MongoDB server refuses in
 * stored documents (a `.` in a key: mongod before 5.0 refuses it in updates) is refused at the
 * HTTP edge with 400 `{ error }`, before the engine sees it, so nothing is written and no
 * batched write of the action log carries it.
 *
 * Then the reason it matters: 8 users complete sessions (concept routes and seed 004) while
 * requests with NUL keys are interleaved; every other request succeeds, and each completion is
 * in the user's stats as soon as it is answered (not after a recovery pass).
 */
import type { Db } from "mongodb";
import { describe, expect, it } from "vitest";
import { Requesting } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { servedOperations } from "../../src/edges/http/concept-routes.ts";
import { restRoutes, type RestRoute } from "../../src/edges/http/rest-routes.ts";
import { discoverConcepts } from "../../src/engine/index.ts";
import { checkInvariants } from "../support/invariants.ts";
import { send, testConfig, useFocusApp, type Answer } from "../support/app.ts";
import { asService } from "./harness.ts";

const focus = useFocusApp();

/** Bodies as raw JSON text (`\u0000` and lone surrogates are JSON escapes, as a client sends them). */
const unstorableBodies: [name: string, json: string][] = [
  ["a NUL byte in a key", String.raw`{"subject":"x","userId":"u","a\u0000b":1}`],
  ["a NUL byte in a nested key", String.raw`{"subject":"x","userId":"u","meta":{"deeper":{"\u0000":true}}}`],
  ["a NUL byte in a key inside an array", String.raw`{"subject":"x","userId":"u","list":[1,{"k\u0000":2}]}`],
  ["a lone high surrogate in a value", String.raw`{"subject":"x\ud800","userId":"u"}`],
  ["a lone low surrogate in a nested value", String.raw`{"subject":"x","userId":"u","notes":["ok","\udc00"]}`],
  ["a lone surrogate in a key", String.raw`{"subject":"x","userId":"u","\udbff":1}`],
  ["a dot in a key", String.raw`{"subject":"x","userId":"u","a.b":1}`],
  ["a dot in a nested key", String.raw`{"subject":"x","userId":"u","meta":{"a.b":1}}`],
];

/** Query strings (as sent on the wire) whose keys cannot be stored. */
const unstorableQueries: [name: string, query: string][] = [
  ["a NUL byte in a query key", "userId=u&a%00b=1"],
  ["a NUL byte alone as a query key", "userId=u&%00=1"],
  ["a dot in a query key", "userId=u&a.b=1"],
];

async function everyRestRoute(): Promise<RestRoute[]> {
  return restRoutes(focus.engine.patternLiterals(Requesting.request, "route"), testConfig.routePlaceholders ?? {});
}

async function everyConceptPath(): Promise<string[]> {
  return servedOperations(await discoverConcepts("src/concepts")).map((operation) => operation.path);
}

/**
 * Every document of every collection, including the engine's own log; `except` leaves out the
 * collections whose name starts with one of its prefixes.
 */
async function snapshot(db: Db, except: readonly string[] = []): Promise<Record<string, unknown[]>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((name) => !except.some((prefix) => name.startsWith(prefix)))
    .sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await db.collection(name).find().sort({ _id: 1 }).toArray()] as const)));
}

function expectRefused(answer: Answer, label: string): void {
  expect(answer.status, `${label}: ${JSON.stringify(answer.body)}`).toBe(400);
  expect(typeof answer.body?.error, `${label}: ${JSON.stringify(answer.body)}`).toBe("string");
}

describe("input that cannot be stored is refused with 400 before anything is written", () => {
  it("on every concept route, for bodies with NUL bytes or dots in keys and lone surrogates anywhere", async () => {
    const paths = await everyConceptPath();
    expect(paths.length).toBeGreaterThan(10);
    const before = await snapshot(focus.db);
    for (const path of paths) {
      for (const [name, body] of unstorableBodies) {
        expectRefused(await send(focus.app, "POST", path, { body, headers: asService }), `POST ${path} with ${name}`);
      }
    }
    expect(await snapshot(focus.db)).toEqual(before);
  });

  it("on every REST dialect route, in bodies and in query strings", async () => {
    const routes = await everyRestRoute();
    expect(routes.length).toBeGreaterThan(5);
    const before = await snapshot(focus.db);
    for (const route of routes) {
      const path = route.path.replace(/:[A-Za-z0-9_]+/g, "no-such-session");
      for (const [name, query] of unstorableQueries) {
        const answer = await send(focus.app, route.method, `${path}?${query}`, { headers: { ...asService, "x-user-id": "u" } });
        expectRefused(answer, `${route.literal} with ${name}`);
      }
      if (route.method === "GET") continue;
      for (const [name, body] of unstorableBodies) {
        const answer = await send(focus.app, route.method, path, { body, headers: { ...asService, "x-user-id": "u" } });
        expectRefused(answer, `${route.literal} with ${name}`);
      }
    }
    expect(await snapshot(focus.db)).toEqual(before);
  });

  it("also with an Idempotency-Key: the concepts and the engine's log are left alone", async () => {
    // The Idempotency-Key store (http.*) may keep the 400 as the key's outcome, as payment APIs keep 4xx answers.
    const except = ["http."];
    const before = await snapshot(focus.db, except);
    for (const [index, [name, body]] of unstorableBodies.entries()) {
      const headers = (route: string) => ({ ...asService, "idempotency-key": `unstorable-${route}-${index}` });
      expectRefused(await send(focus.app, "POST", "/api/FocusSession/start", { body, headers: headers("concept") }), `FocusSession/start with ${name}`);
      expectRefused(await send(focus.app, "POST", "/api/v1/sessions", { body, headers: headers("rest") }), `POST /api/v1/sessions with ${name}`);
      // The same key again: the same answer, never a 5xx.
      expectRefused(await send(focus.app, "POST", "/api/v1/sessions", { body, headers: headers("rest") }), `POST /api/v1/sessions with ${name}, retried`);
    }
    expect(await snapshot(focus.db, except)).toEqual(before);
  });

  it("still takes what BSON stores faithfully: NUL bytes in values, empty keys, surrogate pairs, large numbers", async () => {
    const started = await send(focus.app, "POST", "/api/v1/sessions", {
      body: String.raw`{"userId":"storable-user","subject":"a\u0000b \ud83d\ude00","":1,"big":1e300,"huge":123456789012345678901234567890}`,
      headers: asService,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.session.subject).toBe("a\u0000b \u{1F600}");
    const ended = await send(focus.app, "POST", "/api/FocusSession/end", { body: { session: started.body.session.id, status: "completed", elapsedMs: 60_000 }, headers: asService });
    expect(ended.status).toBe(200);
  });
});

describe("one request's unstorable input fails no other request", () => {
  const users = Array.from({ length: 8 }, (_, index) => `isolated-${index}`);
  const lifecyclesPerUser = 6;

  /**
   * One completed session for `user`, through a concept route or seed 004 in turn: its id, or
   * undefined when a step was not answered as expected (noted in `unexpected`).
   */
  async function complete(user: string, round: number, unexpected: string[]): Promise<string | undefined> {
    const answered = (label: string, answer: Answer, status: number): boolean => {
      if (answer.status !== status) unexpected.push(`${user} round ${round}: ${label} -> ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.status === status;
    };
    const elapsedMs = 60_000 * (round + 1);
    if (round % 2 === 0) {
      const started = await send(focus.app, "POST", "/api/FocusSession/start", { body: { user }, headers: asService });
      if (!answered("FocusSession/start", started, 200)) return undefined;
      const session = started.body.session as string;
      const ended = await send(focus.app, "POST", "/api/FocusSession/end", { body: { session, status: "completed", elapsedMs }, headers: asService });
      return answered("FocusSession/end", ended, 200) ? session : undefined;
    }
    const started = await send(focus.app, "POST", "/api/v1/sessions", { body: { userId: user, subject: "isolation" }, headers: asService });
    if (!answered("POST /api/v1/sessions", started, 201)) return undefined;
    const session = started.body.session.id as string;
    const body = { endStudyTimestamp: Date.now(), sessionLengthMillis: elapsedMs };
    const completed = await send(focus.app, "PATCH", `/api/v1/sessions/${session}`, { body, headers: asService });
    return answered("PATCH /api/v1/sessions/:sessionId", completed, 200) ? session : undefined;
  }

  /** Requests carrying NUL keys, to every kind of route, until told to stop; answers their statuses. */
  async function attacker(running: () => boolean): Promise<number[]> {
    const requests: [string, string, string | undefined][] = [
      ["POST", "/api/FocusSession/start", String.raw`{"user":"attacker","a\u0000b":1}`],
      ["POST", "/api/FocusStats/_viewStats", String.raw`{"user":"attacker","\u0000":1}`],
      ["POST", "/api/v1/sessions", String.raw`{"userId":"attacker","subject":"x","a\u0000b":1}`],
      ["PATCH", "/api/v1/sessions/some-session", String.raw`{"endStudyTimestamp":1,"n":{"\u0000":1}}`],
      ["GET", "/api/v1/sessions?userId=attacker&a%00b=1", undefined],
      ["GET", "/api/v1/sessions/summary?userId=attacker&%00=1", undefined],
    ];
    const statuses: number[] = [];
    for (let index = 0; running(); index += 1) {
      const [method, path, body] = requests[index % requests.length]!;
      const sent = await Promise.all([0, 1].map(() => send(focus.app, method, path, { headers: asService, ...(body === undefined ? {} : { body }) })));
      statuses.push(...sent.map((answer) => answer.status));
      // A refusal does no I/O: without a turn of the event loop this loop would starve the others' database replies.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return statuses;
  }

  it("lets 8 users complete sessions while NUL-keyed requests are interleaved, each completion counted at once", async () => {
    const unexpected: string[] = [];
    const notCountedAtOnce: string[] = [];
    const acknowledged: string[] = [];
    let running = true;
    const attackers = [attacker(() => running), attacker(() => running)];
    await Promise.all(
      users.map(async (user) => {
        let totalMs = 0;
        let count = 0;
        for (let round = 0; round < lifecyclesPerUser; round += 1) {
          const session = await complete(user, round, unexpected);
          if (session === undefined) continue;
          acknowledged.push(session);
          totalMs += 60_000 * (round + 1);
          count += 1;
          // Read at once: the completion must already be in the stats, not after a recovery pass.
          const totals = await send(focus.app, "POST", "/api/FocusStats/_getTotals", { body: { user }, headers: asService });
          const expected = [{ user, totalFocusMs: totalMs, sessionCount: count }];
          if (JSON.stringify(totals.body) !== JSON.stringify(expected)) notCountedAtOnce.push(`${user} round ${round}: ${JSON.stringify(totals.body)}, expected ${JSON.stringify(expected)}`);
        }
      }),
    );
    running = false;
    const attackStatuses = (await Promise.all(attackers)).flat();

    expect(unexpected).toEqual([]);
    expect(notCountedAtOnce).toEqual([]);
    expect(attackStatuses.length).toBeGreaterThan(0);
    expect(new Set(attackStatuses)).toEqual(new Set([400]));
    expect(acknowledged).toHaveLength(users.length * lifecyclesPerUser);
    const report = await checkInvariants(focus.db, { acknowledgedCompletions: acknowledged });
    expect(report.violations).toEqual([]);
  }, 60_000);
});
