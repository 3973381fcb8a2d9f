/**
 * Real processes for reliability tests and benchmarks: the API server as `npm start` runs it
 * (`src/main.ts`, PORT=0 so it picks a free port) and the shared embedded database as
 * `npm run db` runs it (`packages/embedded-mongo/src/cli.ts`, DB_PORT=0 unless a restart asks for
 * the port it had). Each helper waits for the line the process prints with its address, and
 * kills only the process it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const startTimeoutMs = 30_000;

export interface ChildHandle {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** kill -9: no shutdown hook runs, as in a power cut. */
  crash(): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>;
}

export interface ApiServer extends ChildHandle {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
}

export interface SharedDatabase extends ChildHandle {
  /** The `mongodb://` URI printed by `npm run db`. */
  readonly uri: string;
}

export interface ApiServerOptions {
  /** The embedded database's directory (ignored when `mongodbUrl` is given). */
  dataDir?: string;
  /** Share a database started elsewhere (e.g. by `startSharedDatabase`). */
  mongodbUrl?: string;
  /** More environment: API_KEY, JWT_SECRET, LOG_LEVEL, BENCH_BARE_ROUTE... */
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`, or `heapReporterFlags`. */
  nodeFlags?: string[];
}

/** Node flags that make the process print its heap after a full GC every second (see `heap-reporter.ts`). */
export const heapReporterFlags = ["--expose-gc", "--import", fileURLToPath(new URL("./heap-reporter.ts", import.meta.url))];

/** Node flags that make the process say, as it prints its address, how many listeners SIGTERM and SIGINT have (see `announce-probe.ts`). */
export const announceProbeFlags = ["--import", fileURLToPath(new URL("./announce-probe.ts", import.meta.url))];

/** The `heap-after-gc` figures a process started with `heapReporterFlags` printed so far, in bytes. */
export function reportedHeaps(handle: ChildHandle): number[] {
  return [...handle.output().matchAll(/^heap-after-gc (\d+)$/gm)].map((match) => Number(match[1]));
}

/**
 * The V8 flags `npm start` gives node (package.json's start script), so that tests and
 * benchmarks run the server as it runs in use (a larger young generation, for one).
 */
export const startFlags: readonly string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
  return scripts.start.split(/\s+/).filter((word) => /^--(?!import$)[a-z-]+=/.test(word));
})();

/** Starts `src/main.ts` on a free loopback port, as `npm start` does, and resolves once it prints its URL. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const env: Record<string, string> = { PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...options.env };
  if (options.mongodbUrl !== undefined) env.MONGODB_URL = options.mongodbUrl;
  else if (options.dataDir !== undefined) env.DATA_DIR = options.dataDir;
  const handle = spawnTs("src/main.ts", env, [...startFlags, ...(options.nodeFlags ?? [])]);
  const [url] = await waitForLine(handle, /listening on (http:\/\/\S+)/);
  return { ...handle, url: url! };
}

export interface SharedDatabaseOptions {
  /**
   * The port (DB_PORT); default 0, a free one. A restart after a crash passes the port the
   * first start chose, so that servers already connected find it again at the same URI.
   */
  port?: number;
  /** Extra node flags, as for the API server. */
  nodeFlags?: string[];
}

/** Starts the embedded database alone (`npm run db`) over `dataDir`, on a free port unless told which. */
export async function startSharedDatabase(dataDir: string, { port = 0, nodeFlags = [] }: SharedDatabaseOptions = {}): Promise<SharedDatabase> {
  const handle = spawnTs("packages/embedded-mongo/src/cli.ts", { DATA_DIR: dataDir, DB_PORT: String(port) }, nodeFlags);
  const [uri] = await waitForLine(handle, /^(mongodb:\/\/\S+)$/m);
  return { ...handle, uri: uri! };
}

/** The port a `mongodb://` URI names (a single host, as `npm run db` prints it). */
export function portOf(uri: string): number {
  const port = Number(/^mongodb:\/\/(?:[^@/]*@)?[^:/]+:(\d+)/.exec(uri)?.[1]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in ${uri}`);
  return port;
}

function spawnTs(entry: string, env: Record<string, string>, nodeFlags: string[]): ChildHandle {
  // tsx first, so that flags may preload TypeScript (`--import some.ts`).
  const child = spawn(process.execPath, ["--import", "tsx", ...nodeFlags, entry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${entry}`);
  let output = "";
  const keep = (chunk: Buffer): void => {
    // Keep the head (startup) and the tail (the latest trouble); drop the middle of long runs.
    output = output.length > 200_000 ? output.slice(0, 20_000) + output.slice(-100_000) : output;
    output += chunk.toString();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // "close", not "exit": by then stdout and stderr are drained, so output() holds the last words
  // of a process that died (a fatal error's message arrives after its exit).
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code, signal) => {
      if (signal !== null) output += `\n[process ${pid} ended by ${signal}]\n`;
      resolve(code);
    }),
  );
  return {
    child,
    pid,
    output: () => output,
    exited,
    crash: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

async function waitForLine(handle: ChildHandle, pattern: RegExp): Promise<string[]> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(handle.output());
    if (match) return match.slice(1);
    if (handle.child.exitCode !== null || handle.child.signalCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await handle.crash();
  throw new Error(`process ${handle.pid} did not start:\n${handle.output()}`);
}
