/**
 * Property tests: generated requests (bodies, query strings, headers, path parameters and
 * credentials, valid and not) to every route, concept routes from the registry and dialect
 * routes from the syncs' route literals. FUZZ_RUNS cases (10,000 by default) in all:
 * never a 5xx, never a crash; a refused request (4xx) sends no write command to the database;
 * and when the run ends the collections read exactly as they did after the last accepted
 * request that wrote, so nothing slipped past the command monitor either.
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

function arbitraries(seeded: SeededIds) {
  const known = fc.constantFrom("alice", "bob", "carol", seeded.aliceRunning, seeded.aliceCompleted, seeded.bobRunning, seeded.bobCompleted);
  const idLike = fc.oneof(known, fc.string({ maxLength: 30 }), fc.string({ minLength: 190, maxLength: 230 }));
  const operator = fc.constantFrom<unknown>({ $gt: "" }, { $ne: null }, { $where: "sleep(100)" }, { $regex: ".*" }, { $in: ["alice", "bob"] }, { $exists: true });
  const time = fc.oneof(
    fc.date({ min: new Date(0), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
    fc.integer({ min: -1, max: 2 ** 53 }),
    fc.constantFrom("2025-10-01", "yesterday", "", "2025-13-45T99:00:00Z", "1e400"),
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: idLike },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 2, arbitrary: time },
    { weight: 1, arbitrary: operator },
    { weight: 1, arbitrary: fc.constantFrom<unknown>("completed", "abandoned", "cancelled", "active", "paused", "UTC", "Europe/Paris", "Mars/Olympus", 0, -1, 1e308, 25 * 60_000) },
  );
  const field = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("user", "userId", "user_id", "session", "sessionId", "status", "elapsedMs", "targetDurationMs", "timeZone", "subject", "startedAt", "endedAt", "from", "to", "limit", "phase", "durationMs", "focusSession", "sessionLengthMillis", "endStudyTimestamp", "targetDurationMillis", "notes", "questId", "name", "criteria") },
    { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "$gt", "$where", "a.b", "") },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  const body = fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(field, value, { maxKeys: 6 }).map((object) => JSON.stringify(object)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.stringify(json)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const query = fc.dictionary(field, fc.oneof(idLike, time.map(String), fc.string({ maxLength: 12 })), { maxKeys: 4 }).map((entries) => new URLSearchParams(entries).toString());
  const rawQuery = fc.string({ maxLength: 24 }).map((text) => text.replace(/[#\s]/g, ""));
  const headers = fc.record(
    {
      "x-user-id": fc.oneof(known, headerText),
      "content-type": fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1"),
      "x-forwarded-for": headerText,
    },
    { requiredKeys: [] },
  );
  return { idLike, body, query, rawQuery, headers };
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
          if (writes.length > 0) baseline = await target.snapshot();
        }
      }),
      { numRuns: runs },
    );
    expect(await target.snapshot()).toEqual(baseline);
    console.log(`fuzz: ${runs} cases, ${accepted} accepted, ${refused} refused`);
    expect(refused).toBeGreaterThan(0);
  }, 240_000);
});
