/**
 * The typed client in client/: generated from the API as it stands (not stale), its sample
 * calls type-check and its mistakes do not (tsc on sample-calls.ts alone), and the calls
 * work against the server.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { focusClient } from "../../client/index.ts";
import { testApiKey, useFocusApp } from "../support/app.ts";
import { userToken } from "../http/harness.ts";
import { flowSession, startAndReadTimer, studySession } from "./sample-calls.ts";

const focus = useFocusApp();

describe("client/", () => {
  // In a process of its own: openapi-typescript reads the command line, which a test worker's globals may hide.
  it("is what npm run client generates from the API today", { timeout: 60_000 }, async () => {
    const check = await promisify(execFile)(process.execPath, [resolve("node_modules/tsx/dist/cli.mjs"), resolve("scripts/client/cli.ts"), "--check"]).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(`${check.stdout}${check.stderr}`).toBe("client/ is up to date\n");
  });

  it("type-checks the sample calls and refuses each marked mistake", { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(resolve("test/client"), ".tsc-"));
    try {
      const config = { extends: resolve("tsconfig.json"), include: [resolve("test/client/sample-calls.ts")] };
      await writeFile(join(dir, "tsconfig.json"), JSON.stringify(config));
      const tsc = await promisify(execFile)(process.execPath, [resolve("node_modules/typescript/bin/tsc"), "--noEmit", "-p", dir]).catch((error: { stdout: string }) => error);
      expect(tsc.stdout).toBe("");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the client against the server", () => {
  const fetchFromApp = (request: Request) => Promise.resolve(focus.app.fetch(request));

  it("starts a timer and reads the time left, with a user's token", async () => {
    const api = focusClient({ baseUrl: "http://focus.test", token: await userToken("ada"), fetch: fetchFromApp });
    const { timerId, remainingMs } = await startAndReadTimer(api);
    expect(timerId).toMatch(/.+/);
    expect(remainingMs).toBeGreaterThan(24 * 60_000);
  });

  it("walks a seed 004 session and a seed 002 session, with the service key", async () => {
    const service = focusClient({ baseUrl: "http://focus.test", apiKey: testApiKey, fetch: fetchFromApp });
    expect(await studySession(service, "bo")).toEqual({ status: "completed", badgeCount: 1, listed: 1 });
    const asCy = focusClient({ baseUrl: "http://focus.test", apiKey: testApiKey, userId: "cy", fetch: fetchFromApp });
    expect(await flowSession(asCy)).toBe("active");
  });

  it("answers a refusal as a typed error", async () => {
    const api = focusClient({ baseUrl: "http://focus.test", apiKey: testApiKey, fetch: fetchFromApp });
    const { data, error, response } = await api.GET("/api/v1/sessions", { params: { query: { userId: "bo", limit: 0 } } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error).toEqual({ error: "limit must be a positive integer" });
  });
});
