/**
 * `npm start` as a person runs it: the real entry point in a child process, on the embedded
 * database in a temporary DATA_DIR.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const apiKey = "server-test-key";
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "focus-server-test-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output: () => string;
}

function run(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function start(env: Record<string, string> = {}): Promise<Started> {
  const started = run({ API_KEY: apiKey, ...env });
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/\S+)/.exec(started.output());
    if (match) return { ...started, url: match[1]! };
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  started.child.kill("SIGKILL");
  throw new Error(`server did not start:\n${started.output()}`);
}

function call(server: Started, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("npm start", () => {
  it("serves on the embedded database, stops cleanly on SIGTERM, and keeps data across a restart", async () => {
    const first = await start();
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // A newcomer learns both pages from the start-up lines: the API's docs and the dev console.
      await expect.poll(first.output).toContain(`read and try every route at ${first.url}/docs\n`);
      await expect.poll(first.output).toContain(`see the sync graph and flows as they run at ${first.url}/dev\n`);
      expect((await call(first, "/dev")).status).toBe(200);
      expect((await call(first, "/health")).status).toBe(200);
      const started = await call(first, "/api/FocusTimer/start", { durationMs: 60_000, phase: "reading", user: "ada" });
      expect(started.status).toBe(200);
      const { timerId } = (await started.json()) as { timerId: string };

      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);

      const second = await start();
      try {
        const found = await call(second, "/api/FocusTimer/_getTimer", { timerId });
        expect(await found.json()).toEqual([expect.objectContaining({ _id: timerId, isActive: true })]);
      } finally {
        second.child.kill("SIGTERM");
        expect(await second.exited).toBe(0);
      }
    } finally {
      first.child.kill("SIGKILL");
    }
  });

  it("finishes a request in flight when asked to stop", async () => {
    const server = await start();
    try {
      const { hostname, port } = new URL(server.url);
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          { hostname, port, path: "/api/FocusTimer/start", method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" } },
          (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => (body += chunk.toString()));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on("error", reject);
        // Half the body now; the rest after the server has been told to stop.
        request.write('{"durationMs": 60000, ');
        setTimeout(() => {
          server.child.kill("SIGTERM");
          setTimeout(() => request.end('"phase": "break", "user": "ada"}'), 300);
        }, 200);
      });
      const { status, body } = await answered;
      expect(status).toBe(200);
      expect(JSON.parse(body)).toEqual({ timerId: expect.any(String) });
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
  });

  it("refuses to run open on a non-loopback address, with a clear message and a failing exit code", async () => {
    const refused = run({ HOST: "0.0.0.0" });
    expect(await refused.exited).not.toBe(0);
    expect(refused.output()).toMatch(/refusing to listen on 0\.0\.0\.0 without credentials: set API_KEY or JWT_SECRET/);
  });
});
