/**
 * The checks `npm run port` runs in the project once the files are in place, each as a person
 * would run it: `npm run typecheck`, the ported tests under vitest, and `npm start` (on a free
 * port, with an embedded database in a temporary directory, stopped once it listens). Each
 * answers what needs attention, file by file.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Attention } from "./attention.ts";

export interface CheckResult {
  summary: string;
  attention: Attention[];
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: checkEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment the checks run in: no database URL (an embedded one) and no credentials (open, on loopback). */
function checkEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env, HOST: "127.0.0.1", PORT: "0", FORCE_COLOR: "0" };
  for (const name of ["MONGODB_URL", "API_KEY", "JWT_SECRET", "DATA_DIR", "npm_config_color"]) delete env[name];
  return env;
}

function typeErrorFix(code: string, message: string): string {
  const missing = /Cannot find module '([^']+)'/.exec(message)?.[1];
  if (missing !== undefined && !missing.startsWith(".") && !missing.startsWith("@utils") && !missing.startsWith("@concepts")) return `npm install ${missing}`;
  if (missing !== undefined) return "check the path: the file is not where the import says";
  if (code === "TS2305" || code === "TS2724" || code === "TS2614") return "this project's module exports other names than the template's: see PORTING.md, \"What may need a change\"";
  return "fix the type as deno check would have asked (these files are checked with the template's options); if deno check passed, the difference is Node's types (e.g. setTimeout answers a Timeout, not a number)";
}

/** `npm run import`: the `@concepts` barrel with the ported concepts (a concept module that cannot load is attention). */
export async function checkBarrel(project: string): Promise<CheckResult> {
  const result = await run("npm", ["run", "--silent", "import"], project, 300_000);
  if (result.code === 0) return { summary: "barrel: src/concepts/concepts.ts up to date", attention: [] };
  return { summary: "barrel: not written", attention: [{ file: "src/concepts/concepts.ts", problem: `npm run import failed: ${lastLines(result.stderr || result.stdout)}`, fix: "a concept module throws as it loads: run npm run import to see which" }] };
}

/** `npm run typecheck`: each error is attention for its file. */
export async function checkTypes(project: string): Promise<CheckResult> {
  const result = await run("npm", ["run", "--silent", "typecheck"], project, 600_000);
  const attention: Attention[] = [];
  for (const match of result.stdout.matchAll(/^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm)) {
    const [, file, line, , code, message] = match as unknown as [string, string, string, string, string, string];
    attention.push({ file, problem: `line ${line}: ${code} ${message}`, fix: typeErrorFix(code, message) });
  }
  if (result.code !== 0 && attention.length === 0) attention.push({ file: "", problem: `npm run typecheck failed: ${lastLines(result.stderr || result.stdout)}`, fix: "run npm run typecheck to see it" });
  return { summary: result.code === 0 ? "typecheck: no errors" : `typecheck: ${attention.length} error(s)`, attention };
}

function lastLines(text: string, count = 3): string {
  return text.trim().split("\n").slice(-count).join(" / ");
}

interface VitestJson {
  testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
  numPassedTests: number;
  numFailedTests: number;
}

/** The ported tests under vitest: each failing test (or file that cannot load) is attention. */
export async function checkTests(project: string, testFiles: readonly string[]): Promise<CheckResult> {
  if (testFiles.length === 0) return { summary: "tests: none ported", attention: [] };
  const scratch = await mkdtemp(join(tmpdir(), "port-tests-"));
  try {
    const output = join(scratch, "results.json");
    const result = await run("npx", ["vitest", "run", "--reporter=json", `--outputFile=${output}`, ...testFiles], project, 1_200_000);
    const report = JSON.parse(await readFile(output, "utf8").catch(() => "null")) as VitestJson | null;
    if (report === null) return { summary: "tests: vitest did not finish", attention: [{ file: "", problem: `vitest did not finish: ${lastLines(result.stderr)}`, fix: `run npx vitest run ${testFiles.join(" ")}` }] };
    const attention: Attention[] = [];
    for (const file of report.testResults) {
      const path = relative(project, file.name);
      const failed = file.assertionResults.filter((test) => test.status === "failed");
      for (const test of failed) {
        attention.push({ file: path, problem: `test "${test.fullName}" fails: ${(test.failureMessages[0] ?? "").split("\n")[0]}`, fix: `npx vitest run ${path} shows it; if it passed under deno test, see PORTING.md (Deno.test, jsr:@std/assert and testDb() run on vitest)` });
      }
      if (failed.length === 0 && file.status === "failed") attention.push({ file: path, problem: `does not load: ${(file.message ?? "").split("\n")[0]}`, fix: `npx vitest run ${path} shows it` });
    }
    return { summary: `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed`, attention };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `npm start` on a free port and an empty embedded database: refusals and warnings are attention; stopped once it listens. */
export async function checkStart(project: string, portedFiles: readonly string[]): Promise<CheckResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "port-start-"));
  try {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: project, env: { ...checkEnv(), DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const listening = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 120_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const url = /listening on (\S+)/.exec(stdout)?.[1];
        if (url !== undefined) {
          clearTimeout(timer);
          resolve(url);
        }
      });
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.on("close", () => resolve())));
    child.kill("SIGTERM");
    const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
    if (!stopped) child.kill("SIGKILL");

    const attention: Attention[] = [];
    const fileOf = (text: string) => portedFiles.find((file) => text.includes(file)) ?? "";
    for (const line of stdout.split("\n")) {
      const entry = parseLog(line);
      if (entry === undefined || entry.level < 40) continue;
      const text = entry.detail === "" ? entry.msg : `${entry.msg} (${entry.detail})`;
      attention.push({ file: fileOf(text), problem: `npm start ${entry.level >= 50 ? "error" : "warning"}: ${text}`, fix: "see PORTING.md for what the warning means here" });
    }
    if (listening === undefined) {
      const reason = lastLines(stderr || stdout, 6);
      attention.push({ file: fileOf(reason), problem: `npm start stops before it listens: ${reason}`, fix: "run npm start to see the whole message; PORTING.md says what differs from the template" });
      return { summary: "start: does not start", attention };
    }
    return { summary: `start: listened on ${listening}, stopped${stopped ? "" : " (killed after 15 s)"}`, attention };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function parseLog(line: string): { level: number; msg: string; detail: string } | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (typeof entry.level !== "number") return undefined;
    const { level, msg, time: _time, pid: _pid, hostname: _hostname, service: _service, ...rest } = entry;
    return { level: level as number, msg: String(msg ?? ""), detail: Object.keys(rest).length > 0 ? JSON.stringify(rest) : "" };
  } catch {
    return undefined;
  }
}
