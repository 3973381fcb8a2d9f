/**
 * Property tests: generated requests (bodies, query strings, headers, path parameters and
 * credentials, valid and not) to every route, concept routes from the registry and dialect
 * routes from the syncs' route literals. FUZZ_RUNS cases (10,000 by default) in all:
 * never a 5xx, never a crash; a refused request (4xx) sends no write command to the database;
 * no time before 2000-01-01 or more than a day ahead is ever stored;
 * and when the run ends the collections read exactly as they did after the last accepted
 * request that wrote, so nothing slipped past the command monitor either.
 *
 * Among the generated values, the inputs issue 10 found answered 5xx or were wrongly
 * accepted: keys with NUL bytes (body and query), ids over the one 200-character limit (in
 * every id position, path parameters and x-user-id included), and times far in the past or
 * future (before 2000-01-01, more than a day ahead, year 0, 8.64e15), as ISO strings and as
 * epoch milliseconds (numbers and digits).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concretePath, credentialSets, securityApp, send, type SecurityApp, type SentRequest } from "./harness.ts";
import { seedUsers, type SeededIds } from "./seed-data.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 10_000);

let target: SecurityApp;
let ids: SeededIds;
let credentials: Record<string, Record<string, string>>;

beforeAll(async () => {
  target = await securityApp();
  ids = await seedUsers(target.app);
  credentials = await credentialSets();
  target.takeWrites();
});

afterAll(async () => {
  await target.close();
});

/** Printable ASCII only: anything else cannot even be put in a header by a client. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 });

const dayMs = 24 * 60 * 60 * 1000;
const year2000 = Date.UTC(2000, 0, 1);

function arbitraries(seeded: SeededIds) {
  const known = fc.constantFrom("alice", "bob", "carol", seeded.aliceRunning, seeded.aliceCompleted, seeded.bobRunning, seeded.bobCompleted);
  /** Over the one id limit (200): just over, well over, and a known id padded past it. */
  const overLongId = fc.oneof(
    fc.integer({ min: 201, max: 400 }).map((length) => "a".repeat(length)),
    fc.string({ minLength: 201, maxLength: 260 }),
    known.map((name) => name.padEnd(201, "x")),
  );
  const idLike = fc.oneof({ weight: 3, arbitrary: known }, { weight: 2, arbitrary: fc.string({ maxLength: 30 }) }, { weight: 1, arbitrary: fc.string({ minLength: 190, maxLength: 230 }) }, { weight: 2, arbitrary: overLongId });
  const operator = fc.constantFrom<unknown>({ $gt: "" }, { $ne: null }, { $where: "sleep(100)" }, { $regex: ".*" }, { $in: ["alice", "bob"] }, { $exists: true });
  // Epoch milliseconds before 2000, plausible, and more than a day ahead (to 8.64e15, year 275760).
  const farPastMs = fc.integer({ min: -8.64e15, max: year2000 - 1 });
  const plausibleMs = fc.integer({ min: year2000, max: Date.now() + dayMs });
  const farFutureMs = fc.integer({ min: Date.now() + dayMs + 1, max: 8.64e15 });
  const epochMs = fc.oneof(farPastMs, plausibleMs, farFutureMs);
  const time = fc.oneof(
    fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
    epochMs.map((ms) => new Date(ms).toISOString()),
    epochMs,
    epochMs.map(String),
    fc.integer({ min: -1, max: 2 ** 53 }),
    fc.constantFrom<unknown>(8.64e15, "8640000000000000", 0, "0", "0000-01-01T00:00:00Z", "0000-01-01", "+275760-09-13T00:00:00.000Z", "1999-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z"),
    fc.constantFrom("2025-10-01", "yesterday", "", "2025-13-45T99:00:00Z", "1e400"),
  );
  /** A key with a NUL byte somewhere in it (a known field's name, or any text). */
  const nulKey = fc
    .tuple(fc.oneof(fc.constantFrom("user", "userId", "startTimestamp", "status"), fc.string({ maxLength: 8 })), fc.nat({ max: 12 }))
    .map(([name, at]) => `${name.slice(0, at)}\u0000${name.slice(at)}`);
  const value = fc.oneof(
    { weight: 3, arbitrary: idLike },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 2, arbitrary: time },
    { weight: 1, arbitrary: operator },
    { weight: 1, arbitrary: fc.constantFrom<unknown>("completed", "abandoned", "cancelled", "active", "paused", "UTC", "Europe/Paris", "Mars/Olympus", 0, -1, 1e308, 25 * 60_000) },
  );
  const field = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("user", "userId", "user_id", "session", "sessionId", "status", "elapsedMs", "targetDurationMs", "timeZone", "subject", "startedAt", "endedAt", "from", "to", "limit", "phase", "durationMs", "focusSession", "sessionLengthMillis", "endStudyTimestamp", "targetDurationMillis", "notes", "questId", "name", "criteria", "startTimestamp", "endedAfter", "endedBefore", "startTime", "endTime", "at", "timerId", "quest_id", "duration_seconds", "duration_minutes", "elapsed_seconds") },
    { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "$gt", "$where", "a.b", "") },
    { weight: 1, arbitrary: nulKey },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  // Bodies and queries shaped like the seeds' own, so that a far time or a long id often
  // arrives with everything else a route needs (and so reaches the concepts behind it).
  const seedShaped = fc.record(
    {
      userId: fc.oneof(known, overLongId),
      user: fc.oneof(known, overLongId),
      subject: fc.constantFrom("Math", "History"),
      status: fc.constantFrom("completed", "abandoned", "cancelled", "paused", "in_progress"),
      startTimestamp: time,
      endStudyTimestamp: time,
      startedAt: time,
      endedAt: time,
      quest_id: fc.oneof(known, overLongId),
      duration_minutes: fc.constant(25),
      duration_seconds: fc.constant(60),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(field, value, { maxKeys: 6 }).map((object) => JSON.stringify(object)) },
    { weight: 2, arbitrary: seedShaped.map((object) => JSON.stringify(object)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.stringify(json)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const queryShaped = fc.record(
    { userId: fc.oneof(known, overLongId), quest_id: fc.oneof(known, overLongId), from: time, to: time, endedAfter: time, endedBefore: time },
    { requiredKeys: [] },
  );
  const query = fc
    .oneof(
      { weight: 3, arbitrary: fc.dictionary(field, fc.oneof(idLike, time.map(String), fc.string({ maxLength: 12 })), { maxKeys: 4 }) },
      { weight: 1, arbitrary: queryShaped.map((entries) => Object.fromEntries(Object.entries(entries).map(([key, item]) => [key, String(item)]))) },
    )
    .map((entries) => new URLSearchParams(entries).toString());
  const rawQuery = fc.string({ maxLength: 24 }).map((text) => text.replace(/[#\s]/g, ""));
  const headers = fc.record(
    {
      "x-user-id": fc.oneof(known, headerText, overLongId.map((text) => text.replace(/[^\x20-\x7e]/g, "a"))),
      "content-type": fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1"),
      "x-forwarded-for": headerText,
    },
    { requiredKeys: [] },
  );
  return { idLike, body, query, rawQuery, headers };
}

const conceptCollection = /^(FocusTimer|FocusSession|FocusStats|Streak|Badge)\./;

/** Every time stored in the concepts' collections outside the plausible range (a client's far time that got through). */
function implausibleTimes(snapshot: Record<string, unknown[]>): string[] {
  const latest = Date.now() + dayMs;
  const found: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (value instanceof Date) {
      if (value.getTime() < year2000 || value.getTime() > latest) found.push(`${path}: ${value.toISOString()}`);
    } else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}.${index}`));
    else if (typeof value === "object" && value !== null && !("_bsontype" in value)) {
      for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`);
    }
  };
  for (const [name, documents] of Object.entries(snapshot)) if (conceptCollection.test(name)) visit(documents, name);
  return found;
}

interface Case {
  request: SentRequest;
  conceptRoute: boolean;
}

function cases(seeded: SeededIds): fc.Arbitrary<Case> {
  const { idLike, body, query, rawQuery, headers } = arbitraries(seeded);
  const routes = [
    ...target.conceptRoutes.map((operation) => ({ method: "POST", path: operation.path, pattern: undefined, concept: true })),
    ...target.restRoutes.map((route) => ({ method: route.method, path: route.path, pattern: route, concept: false })),
  ];
  return fc
    .record({
      route: fc.constantFrom(...routes),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "POST", "OPTIONS") }),
      credential: fc.constantFrom(...Object.keys(credentials)),
      headers,
      query: fc.oneof(query, rawQuery),
      body,
      pathValue: idLike,
    })
    .map(({ route, method, credential, headers: extra, query: search, body: text, pathValue }) => {
      const path = route.pattern === undefined ? route.path : concretePath(route.pattern, pathValue === "" ? "x" : pathValue);
      const sentMethod = method ?? route.method;
      return {
        conceptRoute: route.concept && sentMethod === "POST",
        request: {
          method: sentMethod,
          path: search === "" ? path : `${path}?${search}`,
          headers: { ...extra, ...credentials[credential] },
          ...(text === undefined || sentMethod === "GET" ? {} : { body: text }),
        },
      };
    });
}

describe(`generated requests to every route (${runs} cases)`, () => {
  it("never answer 5xx, and a refused one writes nothing", async () => {
    let baseline = await target.snapshot();
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(cases(ids), async ({ request, conceptRoute }) => {
        const { status, text } = await send(target.app, request);
        const label = `${request.method} ${request.path} -> ${status} ${text.slice(0, 200)}`;
        expect(status, label).toBeLessThan(500);
        const writes = target.takeWrites();
        if (status >= 400) {
          refused += 1;
          expect(writes, `refused request wrote: ${label}`).toEqual([]);
          if (conceptRoute && status !== 404 && status !== 405) expect(typeof (JSON.parse(text) as { error?: unknown }).error, label).toBe("string");
        } else {
          accepted += 1;
          if (writes.length > 0) {
            baseline = await target.snapshot();
            expect(implausibleTimes(baseline), `stored a time a client should not have got through: ${label}`).toEqual([]);
          }
        }
      }),
      { numRuns: runs },
    );
    expect(await target.snapshot()).toEqual(baseline);
    console.log(`fuzz: ${runs} cases, ${accepted} accepted, ${refused} refused`);
    expect(refused).toBeGreaterThan(0);
  }, 240_000);
});
