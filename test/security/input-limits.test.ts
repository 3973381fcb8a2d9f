/**
 * Issue 10 item 4, position by position. An id over the one length limit (`id` in
 * src/utils/schemas.ts, 200 characters), wherever a route takes one (body, query, path
 * parameter, x-user-id), answers 400 with the dialect's error body, never a 5xx. A time
 * before 2000-01-01 or more than a day after the server's clock answers 400 wherever a client
 * supplies one (see also test/http/focus-concepts.test.ts and test/syncs). Nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKey, securityApp, send, token, type SecurityApp, type SentRequest } from "./harness.ts";

let target: SecurityApp;
let alice: Record<string, string>;
const service = { "x-api-key": apiKey };
const long = "a".repeat(201);
const longPath = encodeURIComponent(long);

beforeAll(async () => {
  target = await securityApp();
  alice = { authorization: `Bearer ${await token("alice")}` };
});

afterAll(async () => {
  await target.close();
});

interface Probe {
  label: string;
  request: SentRequest;
  /** The dialect's error body: `error` a string, and `success: false` for seed 002's envelope. */
  envelope?: boolean;
}

const flow = "/api/flow/v1/sessions";

function json(method: string, path: string, body: object | undefined, headers: Record<string, string>): SentRequest {
  return { method, path, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
}

function idProbes(): Probe[] {
  const asService = (user: string) => ({ ...service, "x-user-id": user });
  return [
    { label: "004 start body userId", request: json("POST", "/api/v1/sessions", { userId: long, subject: "Math" }, service) },
    { label: "004 update path sessionId", request: json("PATCH", `/api/v1/sessions/${longPath}`, { status: "completed", endStudyTimestamp: Date.now() }, service) },
    { label: "004 list query userId", request: json("GET", `/api/v1/sessions?userId=${long}`, undefined, service) },
    { label: "004 summary query userId", request: json("GET", `/api/v1/sessions/summary?userId=${long}`, undefined, service) },
    { label: "004 summary x-user-id", request: json("GET", `/api/v1/sessions/summary`, undefined, asService(long)) },
    // x-user-id is read by the bridge, before any dialect: refused there with { error }.
    { label: "002 start x-user-id", request: json("POST", flow, { duration_seconds: 60 }, asService(long)) },
    { label: "002 history x-user-id", request: json("GET", flow, undefined, asService(long)) },
    { label: "002 pause path id", request: json("PATCH", `${flow}/${longPath}/pause`, {}, asService("alice")), envelope: true },
    { label: "002 resume path id", request: json("PATCH", `${flow}/${longPath}/resume`, {}, asService("alice")), envelope: true },
    { label: "002 end path id", request: json("PATCH", `${flow}/${longPath}/end`, { status: "completed" }, alice), envelope: true },
    { label: "001 start body quest_id", request: json("POST", "/focus-sessions", { duration_minutes: 25, quest_id: long }, asService("carol")) },
    { label: "001 list query quest_id", request: json("GET", `/focus-sessions?quest_id=${long}`, undefined, alice) },
    { label: "001 update path id", request: json("PATCH", `/focus-sessions/${longPath}`, { status: "completed" }, alice) },
    { label: "001 delete path id", request: json("DELETE", `/focus-sessions/${longPath}`, undefined, alice) },
    { label: "concept body user", request: json("POST", "/api/FocusSession/start", { user: long }, service) },
    { label: "concept body session", request: json("POST", "/api/FocusSession/_getSession", { session: long }, alice) },
    { label: "concept body timerId", request: json("POST", "/api/FocusTimer/pause", { timerId: long }, alice) },
    { label: "concept query user", request: json("POST", "/api/FocusStats/_viewStats", { user: long }, service) },
  ];
}

async function answers(probes: Probe[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const { label, request, envelope } of probes) {
    const { status, text } = await send(target.app, request);
    const body = JSON.parse(text) as { error?: unknown; success?: unknown };
    const shaped = typeof body.error === "string" && (envelope !== true || body.success === false);
    if (status !== 400 || !shaped) wrong.push(`${label}: ${status} ${text.slice(0, 160)}`);
  }
  return wrong;
}

describe("an id over the limit", () => {
  it("answers 400 with the dialect's error body in every position, and writes nothing", async () => {
    target.takeWrites();
    expect(await answers(idProbes())).toEqual([]);
    expect(target.takeWrites()).toEqual([]);
  });

  it("is one limit: 200 characters pass where 201 do not", async () => {
    const { status } = await send(target.app, json("GET", `/api/v1/sessions/summary?userId=${"a".repeat(200)}`, undefined, service));
    expect(status).toBe(200);
  });
});
