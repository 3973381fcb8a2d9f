import { describe, expect, it } from "vitest";
import { RequestingConcept } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { useTestDatabase } from "../support/database.ts";
import { FakeClock, minute, ok } from "./fake-clock.ts";

const database = useTestDatabase();

const aRequest = {
  method: "PATCH",
  route: "PATCH /api/v1/sessions/:sessionId",
  path: "/api/v1/sessions/s1",
  params: { sessionId: "s1" },
  query: {},
  body: { notes: "Great focus" },
  user: "ada",
  principal: "service",
} as const;

function requesting(clock = new FakeClock()) {
  return new RequestingConcept(database.db, { clock });
}

describe("Requesting principle", () => {
  it("hands the bridge the response a sync gave, once", async () => {
    const concept = requesting();
    const { request } = await concept.request(aRequest);
    expect(ok(await concept.respond({ request, status: 201, body: { session: { id: "s1" } } }))).toEqual({ request });
    expect(await concept._awaitResponse({ request })).toEqual([{ status: 201, body: { session: { id: "s1" } } }]);
    expect(await concept._awaitResponse({ request })).toEqual([]);
  });
});

describe("Requesting actions", () => {
  it("request gives each request its own id", async () => {
    const concept = requesting();
    const first = await concept.request(aRequest);
    const second = await concept.request(aRequest);
    expect(first.request).not.toBe(second.request);
  });

  it("respond answers 200 unless a status is given", async () => {
    const concept = requesting();
    const { request } = await concept.request(aRequest);
    await concept.respond({ request, body: [] });
    expect(await concept._awaitResponse({ request })).toEqual([{ status: 200, body: [] }]);
  });

  it("respond requires a pending request", async () => {
    const concept = requesting();
    expect(await concept.respond({ request: "unknown", body: {} })).toEqual({ error: "request not found", reason: "not_found" });
  });

  it("respond requires that no response was given yet: the first one stands", async () => {
    const concept = requesting();
    const { request } = await concept.request(aRequest);
    await concept.respond({ request, status: 201, body: { first: true } });
    expect(await concept.respond({ request, status: 500, body: { second: true } })).toEqual({
      error: "request already has a response",
      reason: "conflict",
    });
    expect(await concept._awaitResponse({ request })).toEqual([{ status: 201, body: { first: true } }]);
  });

  it("_awaitResponse answers nothing when no sync responded, and forgets the request", async () => {
    const concept = requesting();
    const { request } = await concept.request(aRequest);
    expect(await concept._awaitResponse({ request })).toEqual([]);
    expect(await concept.respond({ request, body: {} })).toMatchObject({ reason: "not_found" });
  });

  it("forgets requests nobody collected after five minutes", async () => {
    const clock = new FakeClock();
    const concept = requesting(clock);
    const { request: old } = await concept.request(aRequest);
    clock.advance(5 * minute);
    const { request: recent } = await concept.request(aRequest);
    expect(await concept.respond({ request: old, body: {} })).toMatchObject({ reason: "not_found" });
    expect(ok(await concept.respond({ request: recent, body: {} }))).toEqual({ request: recent });
  });
});
