/**
 * Open mode (neither API_KEY nor JWT_SECRET) is for a developer's own machine: no web page
 * and no rebound DNS name may drive it. Only a loopback `Host` (and `Origin`, when a browser
 * sends one) is answered, never with `Access-Control-Allow-Origin: *`; and, in every mode,
 * a body is JSON or refused with 415, so no page can send one without a CORS preflight.
 */
import { request as httpRequest } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, useFocusApp, type FocusApp } from "../support/app.ts";
import { startApiServer, type ApiServer } from "../support/server-process.ts";
import { asService } from "../http/harness.ts";

const open = { apiKey: undefined, jwtSecret: undefined, corsOrigins: ["*"] };
const sessions = "/api/v1/sessions";
const evil = "https://evil.example";

function request(app: FocusApp["app"], path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return app.request(path, { method: init.method ?? "GET", headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
}

async function sessionsOf(app: FocusApp["app"], user: string): Promise<unknown[]> {
  const { status, body } = await send(app, "GET", `${sessions}?userId=${user}`, { headers: { host: "127.0.0.1:8000" } });
  expect(status).toBe(200);
  return body.sessions;
}

describe("open mode", () => {
  const focus = useFocusApp({ config: open });
  const startBody = (user: string) => JSON.stringify({ userId: user, subject: "Calculus" });

  /** Starts a seed 004 session for `user` as a page at `origin` would, with a body of `type`. */
  const startFrom = (origin: string, type: string, user: string) =>
    request(focus.app, sessions, { method: "POST", body: startBody(user), headers: { host: "127.0.0.1:8000", origin, "content-type": type } });

  it("refuses a text/plain POST from a web page (Origin https://evil.example) with 403, creating nothing", async () => {
    const response = await startFrom(evil, "text/plain;charset=UTF-8", "open-evil");
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/Origin/) });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(await sessionsOf(focus.app, "open-evil")).toEqual([]);
  });

  it("refuses a JSON POST from that page too: its Origin is not loopback", async () => {
    expect((await startFrom(evil, "application/json", "open-evil-json")).status).toBe(403);
    expect(await sessionsOf(focus.app, "open-evil-json")).toEqual([]);
  });

  it("refuses the page's preflight, so a browser sends nothing after it", async () => {
    const response = await request(focus.app, sessions, {
      method: "OPTIONS",
      headers: { host: "localhost:8000", origin: evil, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses a rebound DNS name (Host: attacker.example) with 403 on the API, the dialects, the dev console and the docs", async () => {
    for (const path of [`${sessions}?userId=ada`, "/dev/graph.json", "/health", "/openapi.json", "/docs"]) {
      const response = await request(focus.app, path, { headers: { host: "attacker.example" } });
      expect(response.status, path).toBe(403);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/Host/) });
    }
    const post = await request(focus.app, sessions, { method: "POST", body: startBody("open-rebound"), headers: { host: "attacker.example:8000", "content-type": "application/json" } });
    expect(post.status).toBe(403);
    expect(await sessionsOf(focus.app, "open-rebound")).toEqual([]);
  });

  it("refuses Host values that only look like loopback", async () => {
    for (const host of ["localhost.attacker.example", "127.0.0.1.nip.io", "0.0.0.0:8000", "[::]:8000", "localhost@attacker.example", "attacker.example#127.0.0.1"]) {
      expect((await request(focus.app, "/health", { headers: { host } })).status, host).toBe(403);
    }
  });

  it("answers loopback callers as before: every loopback Host, with and without a port, and a loopback page's Origin", async () => {
    for (const host of ["localhost", "localhost:8000", "127.0.0.1", "127.0.0.1:8000", "[::1]", "[::1]:8000", "LOCALHOST:8000"]) {
      expect((await request(focus.app, "/dev/graph.json", { headers: { host } })).status, host).toBe(200);
    }
    const page = "http://localhost:5173";
    const response = await startFrom(page, "application/json", "open-local");
    expect(response.status).toBe(201);
    expect(response.headers.get("access-control-allow-origin")).toBe(page);
    expect(response.headers.get("vary")).toMatch(/Origin/);
    expect(await sessionsOf(focus.app, "open-local")).toHaveLength(1);
  });

  it("never answers Access-Control-Allow-Origin: *, even when CORS_ORIGINS is *", async () => {
    const plain = await request(focus.app, "/health", { headers: { host: "localhost:8000" } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await request(focus.app, sessions, {
      method: "OPTIONS",
      headers: { host: "localhost:8000", origin: "http://127.0.0.1:3000", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:3000");
  });
});

describe("bodies are JSON, in every mode", () => {
  const focus = useFocusApp();

  it("refuses another content type with 415, creating nothing", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
      const headers: Record<string, string> = { ...asService, ...(type === undefined ? {} : { "content-type": type }) };
      // A Request with a string body and no type would say text/plain: a Blob without a type sends none.
      const body = type === undefined ? new Blob([JSON.stringify({ userId: "json-only", subject: "x" })]) : JSON.stringify({ userId: "json-only", subject: "x" });
      const response = await focus.app.request(sessions, { method: "POST", body, headers });
      expect(response.status, String(type)).toBe(415);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/application\/json/) });
    }
    expect((await send(focus.app, "GET", `${sessions}?userId=json-only`, { headers: asService })).body.sessions).toEqual([]);
  });

  it("accepts application/json, with parameters, and +json types; an empty body counts as {}", async () => {
    for (const [index, type] of ["application/json", "application/json; charset=utf-8", "application/vnd.focus+json", "Application/JSON"].entries()) {
      const response = await focus.app.request(sessions, { method: "POST", body: JSON.stringify({ userId: `json-ok-${index}`, subject: "x" }), headers: { ...asService, "content-type": type } });
      expect(response.status, type).toBe(201);
    }
    const empty = await focus.app.request("/api/FocusStats/_getTotals", { method: "POST", headers: asService });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: "user: is required" });
  });
});

describe("npm start in open mode, over the network", () => {
  let dataDir: string;
  let server: ApiServer;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "focus-open-mode-"));
    server = await startApiServer({ dataDir });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A raw HTTP request, so the Host header is exactly the one given. */
  function raw(path: string, { method = "GET", host, headers = {}, body }: { method?: string; host: string; headers?: Record<string, string>; body?: string }) {
    const { port } = new URL(server.url);
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path, method, headers: { ...headers, host } }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  it("refuses Host: attacker.example on /api/v1/sessions and /dev/graph.json, and a text/plain POST from evil.example, while localhost works", async () => {
    expect((await raw(`${sessions}?userId=ada`, { host: "attacker.example" })).status).toBe(403);
    expect((await raw("/dev/graph.json", { host: "attacker.example:80" })).status).toBe(403);
    const { port } = new URL(server.url);
    const created = await raw(sessions, { method: "POST", host: `localhost:${port}`, headers: { origin: evil, "content-type": "text/plain" }, body: JSON.stringify({ userId: "net-evil", subject: "x" }) });
    expect(created.status).toBe(403);
    const listed = await raw(`${sessions}?userId=net-evil`, { host: `127.0.0.1:${port}` });
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.text).sessions).toEqual([]);
    expect((await raw("/dev/graph.json", { host: `localhost:${port}` })).status).toBe(200);
  });
});
