/**
 * ERROR_STATUS=200, for frontends written against the 6.1040 template: every refusal of a
 * concept route's input or action answers 200 `{ error }`; credentials still answer 401/403.
 */
import { describe, expect, it } from "vitest";
import { send, testApiKey, useFocusApp } from "../support/app.ts";

const service = { "x-api-key": testApiKey };

describe("ERROR_STATUS=200", () => {
  const lenient = useFocusApp({ config: { errorStatus: "200" } });

  it("answers an input the schema refuses with 200 { error }, and starts nothing", async () => {
    const refused = await send(lenient.app, "POST", "/api/FocusTimer/start", { body: { user: "eve", durationMs: -5, phase: "reading" }, headers: service });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ error: expect.stringContaining("durationMs") });
    const far = await send(lenient.app, "POST", "/api/FocusSession/start", { body: { user: "eve", startedAt: "2999-01-01T00:00:00Z" }, headers: service });
    expect(far).toMatchObject({ status: 200, body: { error: expect.stringContaining("startedAt") } });
    expect(await send(lenient.app, "POST", "/api/FocusTimer/_getActiveTimers", { body: { user: "eve" }, headers: service })).toEqual({ status: 200, body: [] });
  });

  it("answers an action's { error } with 200 too, and still 401 without credentials", async () => {
    const missing = await send(lenient.app, "POST", "/api/FocusTimer/pause", { body: { timer: "no-such-timer", user: "eve" }, headers: service });
    expect(missing).toMatchObject({ status: 200, body: { error: expect.any(String) } });
    expect((await send(lenient.app, "POST", "/api/FocusTimer/start", { body: { durationMs: 5 } })).status).toBe(401);
  });
});

describe("ERROR_STATUS unset", () => {
  const strict = useFocusApp();

  it("answers the same input refusal with 400", async () => {
    const refused = await send(strict.app, "POST", "/api/FocusTimer/start", { body: { user: "eve", durationMs: -5, phase: "reading" }, headers: service });
    expect(refused).toMatchObject({ status: 400, body: { error: expect.stringContaining("durationMs") } });
  });
});
