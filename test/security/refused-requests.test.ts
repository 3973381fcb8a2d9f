/**
 * A refused request leaves nothing behind, and its refusal is small: an `Idempotency-Key`
 * keeps only the answers of requests that ran (a refusal before that is forgotten, so a
 * retry is judged anew), and no error message repeats more than a bounded piece of what
 * the client sent, however large.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, useFocusApp } from "../support/app.ts";
import { asService, asUser } from "../http/harness.ts";
import { apiKey, securityApp, type SecurityApp } from "./harness.ts";

/** A body whose one key is about 1 MB of `$zzz…` (under the test app's 1 MiB body limit). */
const hugeKey = `$${"z".repeat(1_000_000)}`;
const hugeBody = JSON.stringify({ [hugeKey]: 1 });
const start = "/api/FocusTimer/start";
/** Far more than any error message needs, far less than what was sent. */
const smallAnswer = 2_000;

async function raw(app: ReturnType<typeof useFocusApp>["app"], path: string, body: string, headers: Record<string, string>) {
  const response = await app.request(path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  return { status: response.status, replayed: response.headers.get("idempotent-replayed"), text: await response.text() };
}

describe("a request refused by validation, sent with an Idempotency-Key", () => {
  const focus = useFocusApp();

  it("is answered small and not kept: 12 fresh keys, each retried, are each judged anew", async () => {
    const user = await asUser("refused-ada");
    for (let attempt = 0; attempt < 12; attempt++) {
      const key = randomUUID();
      const headers = { ...user, "Idempotency-Key": key };
      const first = await raw(focus.app, start, hugeBody, headers);
      expect(first.status).toBe(400);
      expect(first.text.length).toBeLessThan(smallAnswer);
      expect(JSON.parse(first.text)).toEqual({ error: expect.stringMatching(/^body\.\$z+…: keys starting with "\$"/) });

      // The same request again: evaluated again, not replayed from a stored answer.
      const retry = await raw(focus.app, start, hugeBody, headers);
      expect(retry).toMatchObject({ status: 400, replayed: null });
      // The key is free: a corrected request with it runs (a kept refusal would answer 422 here).
      const corrected = await raw(focus.app, start, JSON.stringify({ durationMs: 60_000, phase: "reading" }), headers);
      expect(corrected.status).toBe(200);
      expect(JSON.parse(corrected.text)).toEqual({ timerId: expect.any(String) });
    }
  });

  it("is not kept when refused for another user's data (403) either", async () => {
    const headers = { ...(await asUser("refused-bo")), "Idempotency-Key": randomUUID() };
    const other = { userId: "someone-else", subject: "Calculus" };
    expect((await send(focus.app, "POST", "/api/v1/sessions", { body: other, headers })).status).toBe(403);
    const own = await send(focus.app, "POST", "/api/v1/sessions", { body: { subject: "Calculus" }, headers });
    expect(own.status).toBe(201);
  });

  it("keeps the answer of a request that ran, refusal included: a retry replays it", async () => {
    const headers = { ...asService, "Idempotency-Key": randomUUID() };
    const body = JSON.stringify({ timerId: "no-such-timer" });
    const first = await raw(focus.app, "/api/FocusTimer/expire", body, headers);
    const retry = await raw(focus.app, "/api/FocusTimer/expire", body, headers);
    expect(first.status).toBeGreaterThanOrEqual(400);
    expect(retry).toEqual({ ...first, replayed: "true" });
  });
});

describe("error messages quote a bounded piece of what was sent", () => {
  const focus = useFocusApp();
  const long = "k".repeat(100_000);

  const cases: [string, string][] = [
    ["a huge key refused for its dot, nested", JSON.stringify({ durationMs: 1000, phase: "reading", nested: { [`${long}.x`]: 1 } })],
    ["huge keys nested deep, the last starting with $", JSON.stringify({ [long]: { [long]: { [`$${long}`]: 1 } } })],
    ["a huge key holding a NUL byte", JSON.stringify({ [`${long}\u0000`]: 1 })],
  ];
  for (const [what, body] of cases) {
    it(`${what}: a 400 of at most a few hundred characters`, async () => {
      const answer = await raw(focus.app, start, body, asService);
      expect(answer.status).toBe(400);
      expect(answer.text.length).toBeLessThan(smallAnswer);
    });
  }

  it("a huge unknown path: a 404 of at most a few hundred characters", async () => {
    const answer = await raw(focus.app, `/api/${"p".repeat(8_000)}`, "{}", asService);
    expect(answer.status).toBe(404);
    expect(answer.text.length).toBeLessThan(smallAnswer);
  });
});

describe("every REST route, given a huge value in any field, a huge path parameter or a huge key", () => {
  let security: SecurityApp;
  beforeAll(async () => {
    security = await securityApp();
  });
  afterAll(async () => {
    await security.close();
  });

  const huge = "v".repeat(5_000);
  /** Every field a seed names, and a few it does not. */
  const fields = ["userId", "user", "user_id", "subject", "notes", "status", "startTimestamp", "endStudyTimestamp", "sessionLengthMillis", "targetDurationMillis", "quest_id", "description", "duration_minutes", "duration_seconds", "elapsed_seconds", "from", "to", "limit", "cursor", "timeZone", huge, `$${huge}`, `${huge}.x`];

  it("answers in at most a few hundred characters, never a 5xx", async () => {
    for (const route of security.restRoutes) {
      const path = route.path.replace(/:[A-Za-z]+/g, "p");
      const attempts: { path: string; body?: string }[] = [{ path: route.path.replace(/:[A-Za-z]+/g, huge) }];
      for (const field of fields) {
        if (route.method === "GET") attempts.push({ path: `${path}?${new URLSearchParams({ [field]: huge })}` });
        else attempts.push({ path, body: JSON.stringify({ [field]: huge }) });
      }
      for (const attempt of attempts) {
        const response = await security.app.request(attempt.path, {
          method: route.method,
          headers: { "x-api-key": apiKey, "x-user-id": "huge-user", ...(attempt.body === undefined ? {} : { "content-type": "application/json" }) },
          ...(attempt.body === undefined ? {} : { body: attempt.body }),
        });
        const text = await response.text();
        const where = `${route.method} ${route.path} ${attempt.body?.slice(0, 30) ?? attempt.path.slice(0, 60)}`;
        expect(response.status, where).toBeLessThan(500);
        expect(text.length, where).toBeLessThan(smallAnswer);
      }
    }
  });
});
