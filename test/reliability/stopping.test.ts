/**
 * Stopping and starting as a person does it (issue 10, item 7): `npm start` in its own process
 * group, Ctrl-C as the terminal sends it (SIGINT to the whole group, twice in quick
 * succession), SIGTERM to the `npm start` process alone (as a process manager sends it), and
 * the mistakes a person can fix (port in use, a data directory that cannot be written) said
 * in one line before the database is opened.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest, type ClientRequest } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceProbeFlags, startApiServer, startSharedDatabase } from "../support/server-process.ts";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const apiKey = "stopping-test-key";
let scratch: string;
const started: ChildProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "focus-stopping-"));
});
afterAll(async () => {
  // Whatever a failed run left behind in the groups this file started (a server orphaned by npm).
  for (const child of started) if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
  await rm(scratch, { recursive: true, force: true });
});

interface NpmStart {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** `npm start` in a process group of its own, as a terminal runs a foreground job. */
function npmStart(env: Record<string, string>): NpmStart {
  const child = spawn("npm", ["start"], {
    cwd: projectRoot,
    detached: true,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: "0", LOG_LEVEL: "warn", API_KEY: apiKey, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function listening(run: NpmStart): Promise<URL> {
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/\S+)/.exec(run.output());
    if (match) return new URL(match[1]!);
    if (run.child.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`npm start did not start:\n${run.output()}`);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("stopping npm start", () => {
  it("Ctrl-C twice in quick succession finishes every request in flight, then exits 0", async () => {
    const dataDir = join(scratch, "ctrl-c");
    const run = npmStart({ DATA_DIR: dataDir });
    const url = await listening(run);
    const pid = run.child.pid!;

    // 100 requests whose headers the server has (so they are in flight, not idle
    // connections) and whose bodies end only after the signals.
    const inFlight = 100;
    const requests: ClientRequest[] = [];
    const connected: Promise<unknown>[] = [];
    const answers = Array.from({ length: inFlight }, (_, index) =>
      new Promise<{ status: number; body: string }>((resolve) => {
        const request = httpRequest(
          { hostname: url.hostname, port: url.port, path: "/api/FocusTimer/start", method: "POST", agent: false, headers: { "x-api-key": apiKey, "content-type": "application/json" } },
          (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => (body += chunk.toString()));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
            response.on("error", (error) => resolve({ status: -1, body: String(error) }));
          },
        );
        request.on("error", (error) => resolve({ status: -1, body: String(error) }));
        request.write(`{"durationMs": 60000, "phase": "reading", `);
        requests.push(request);
        connected.push(new Promise((resolve) => request.once("socket", (socket) => (socket.connecting ? socket.once("connect", resolve) : resolve(undefined)))));
        void index;
      }),
    );
    // Every connection made, then time for the server (idle otherwise) to read their headers.
    await Promise.all(connected);
    await sleep(300);

    // The terminal's Ctrl-C reaches the whole group (npm relays it once more), twice in 20 ms.
    killGroup(pid, "SIGINT");
    await sleep(20);
    killGroup(pid, "SIGINT");
    await sleep(200);
    requests.forEach((request, index) => request.end(`"user": "ctrl-c-${index}"}`));

    const answered = await Promise.all(answers);
    const failed = answered.filter((answer) => answer.status !== 200);
    expect(failed, run.output()).toEqual([]);
    for (const answer of answered) expect(JSON.parse(answer.body)).toEqual({ timerId: expect.any(String) });
    expect(await run.exited, run.output()).toBe(0);
    expect(existsSync(join(dataDir, "LOCK"))).toBe(false);
  });

  it("SIGTERM to the npm start process stops the server and frees the data directory", async () => {
    const dataDir = join(scratch, "sigterm");
    const run = npmStart({ DATA_DIR: dataDir });
    const url = await listening(run);
    const serverPid = Number.parseInt(await readFile(join(dataDir, "LOCK"), "utf8"), 10);
    expect(isAlive(serverPid)).toBe(true);
    expect((await fetch(new URL("/health", url))).status).toBe(200);

    run.child.kill("SIGTERM"); // the npm process only, not its group
    await run.exited;
    const deadline = Date.now() + 10_000;
    while (isAlive(serverPid) && Date.now() < deadline) await sleep(50);
    expect(isAlive(serverPid), "the server outlived npm start").toBe(false);
    expect(existsSync(join(dataDir, "LOCK"))).toBe(false);

    // The directory is free: a new start opens it.
    const again = npmStart({ DATA_DIR: dataDir });
    await listening(again);
    killGroup(again.child.pid!, "SIGTERM");
    expect(await again.exited).toBe(0);
  });
});

describe("stopped the moment the address is printed", () => {
  // Scripts (and these tests) start a server with PORT=0, read its address, and may stop it at
  // once. A signal that arrives before the handlers exist kills with the default action: no
  // orderly shutdown, exit by signal. The probe reports the listeners as the line is written.
  it("npm start has its SIGTERM and SIGINT handlers before it prints its URL, and a SIGTERM right then exits 0", async () => {
    const server = await startApiServer({ dataDir: join(scratch, "announce-api"), env: { API_KEY: apiKey }, nodeFlags: announceProbeFlags });
    const exitCode = await server.stop();
    expect(server.output()).toMatch(/stop-signals-handled SIGTERM=[1-9]\d* SIGINT=[1-9]\d*\n.*listening on http/);
    expect(exitCode, server.output()).toBe(0);
  });

  it("npm run db has its SIGTERM and SIGINT handlers before it prints its URI, and a SIGTERM right then exits 0", async () => {
    const database = await startSharedDatabase(join(scratch, "announce-db"), { nodeFlags: announceProbeFlags });
    const exitCode = await database.stop();
    expect(database.output()).toMatch(/stop-signals-handled SIGTERM=[1-9]\d* SIGINT=[1-9]\d*\n[^\n]*\nmongodb:\/\//);
    expect(exitCode, database.output()).toBe(0);
  });
});

describe("mistakes a person can fix, in one line, before the database is opened", () => {
  /** The server itself (not npm, which adds its own lines), on the given environment. */
  async function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", API_KEY: apiKey, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { code, stderr };
  }

  it("a port in use", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const dataDir = join(scratch, "port-in-use");
      const { code, stderr } = await runServer({ PORT: String(port), DATA_DIR: dataDir });
      expect(code).not.toBe(0);
      expect(stderr).toBe(`focus-backend: port ${port} on 127.0.0.1 is already in use: stop the other server or set PORT to a free port (PORT=0 picks one)\n`);
      expect(existsSync(dataDir), "the database was opened").toBe(false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it("a data directory that cannot be written", async () => {
    const aFile = join(scratch, "a-file");
    await writeFile(aFile, "");
    const { code, stderr } = await runServer({ PORT: "0", DATA_DIR: join(aFile, "data") });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/^focus-backend: data directory \S+ is not writable \(ENOTDIR\): set DATA_DIR to a directory you can write, or fix its permissions\n$/);
  });
});
