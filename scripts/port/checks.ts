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
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: "127.0.0.1", PORT: "0", FORCE_COLOR: "0" };
  for (const name of ["MONGODB_URL", "API_KEY", "JWT_SECRET", "DATA_DIR", "npm_config_color"]) delete env[name];
  return env;
}

function typeErrorFix(code: string, message: string): string {
  const missing = /Cannot find module '([^']+)'/.exec(message)?.[1];
  if (missing !== undefined && !missing.startsWith(".") && !missing.startsWith("@utils") && !missing.startsWith("@concepts")) return `npm install ${missing}`;
  if (missing !== undefined) return "check the path: the file is not where the import says";
  if (code === "TS2305" && message.includes('"@concepts"')) return "the @concepts barrel lacks this concept: check that its folder is src/concepts/<Name> with <Name>Concept.ts in it, and that the module loads (npm run import says why not)";
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
  // One item per file and error, with every line it is on: a test file's `Deno.test` errors are one thing to fix.
  const lines = new Map<string, { file: string; code: string; message: string; lines: string[] }>();
  let errors = 0;
  for (const match of result.stdout.matchAll(/^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm)) {
    const [, file, line, , code, message] = match as unknown as [string, string, string, string, string, string];
    const key = `${file}\0${code}\0${message}`;
    const seen = lines.get(key) ?? { file, code, message, lines: [] };
    seen.lines.push(line);
    lines.set(key, seen);
    errors += 1;
  }
  const attention: Attention[] = [...lines.values()].map(({ file, code, message, lines: at }) => ({
    file,
    problem: `${at.length === 1 ? "line" : "lines"} ${at.join(", ")}: ${code} ${message}`,
    fix: typeErrorFix(code, message),
  }));
  if (result.code !== 0 && attention.length === 0) attention.push({ file: "", problem: `npm run typecheck failed: ${lastLines(result.stderr || result.stdout)}`, fix: "run npm run typecheck to see it" });
  return { summary: result.code === 0 ? "typecheck: no errors" : `typecheck: ${errors} error(s)`, attention };
}

/** The line that says what went wrong (the first naming an error), else the last lines. */
function lastLines(text: string, count = 3): string {
  const lines = text.trim().split("\n");
  return lines.find((line) => /^(focus-backend\b|\w*Error\b|error\b)/i.test(line.trim()))?.trim() ?? lines.slice(-count).join(" / ");
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
    // A warning names a ported file, or starts with a ported concept's name.
    const fileOf = (text: string) => portedFiles.find((file) => text.includes(file)) ?? portedFiles.find((file) => file === `src/concepts/${/^(\w+)/.exec(text)?.[1]}/${/^(\w+)/.exec(text)?.[1]}Concept.ts`) ?? "";
    // One item per concept for its unlisted routes: a backend can have dozens.
    const unlisted = new Map<string, string[]>();
    for (const line of stdout.split("\n")) {
      const entry = parseLog(line);
      if (entry === undefined || entry.level < 40) continue;
      const text = entry.detail === "" ? entry.msg : `${entry.msg} (${entry.detail})`;
      const route = /^UNVERIFIED ROUTE: POST (\/\S+\/(\w+)\/\w+) /.exec(text);
      if (route !== null) unlisted.set(route[2]!, [...(unlisted.get(route[2]!) ?? []), route[1]!]);
      else attention.push({ file: fileOf(text), problem: `npm start ${entry.level >= 50 ? "error" : "warning"}: ${text}`, fix: startWarningFix(text) });
    }
    for (const [concept, routes] of unlisted) {
      attention.push({
        file: fileOf(concept),
        problem: `npm start warning: ${routes.length} route(s) listed in neither inclusions nor exclusions, so served to any caller: ${routes.join(", ")}`,
        fix: "list each in src/concepts/Requesting/passthrough.ts: inclusions (with a reason) for what the frontend calls directly, exclusions for what your syncs answer",
      });
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

function startWarningFix(text: string): string {
  if (text.includes("declares no schemas")) return "nothing to do: it runs as in the template; add `static schemas` when you want its routes checked and documented (PORTING.md, \"What is better here\")";
  if (text.includes("which is no concept route")) return "remove the route from src/concepts/Requesting/passthrough.ts, or correct its concept or operation name";
  return "PORTING.md says what the warning means and how this project differs from the template there";
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
