/**
 * `npm run bench`: every benchmark file of `bench/` and of `packages/<name>/bench/` (db, engine, http and
 * compare first, then any other), one
 * after the other, each in its own process so none inherits another's heap or JIT state.
 * Their output streams through; the last line each prints is its JSON figures. This ends with
 * ONE JSON line holding all of them and the machine they ran on, also written to
 * `bench/results/<date>.json`. Exits non-zero if a benchmark failed (the others still run).
 */
import { spawn } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
const firstOrder = ["db", "engine", "http", "compare"];

interface Benchmark {
  name: string;
  /** Relative to the project root. */
  file: string;
}

async function benchFiles(dir: string): Promise<Benchmark[]> {
  const files = await readdir(`${projectRoot}${dir}`).catch(() => []);
  return files.filter((file) => file.endsWith(".bench.ts")).map((file) => ({ name: file.replace(/\.bench\.ts$/, ""), file: `${dir}/${file}` }));
}

async function benchmarks(): Promise<Benchmark[]> {
  const packages = await readdir(`${projectRoot}packages`).catch(() => []);
  const all = (await Promise.all([benchFiles("bench"), ...packages.map((name) => benchFiles(`packages/${name}/bench`))])).flat();
  const rank = ({ name }: Benchmark): number => (firstOrder.includes(name) ? firstOrder.indexOf(name) : firstOrder.length);
  return all.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** Runs one benchmark, passing its output through; resolves with its last line parsed as JSON. */
function runBenchmark({ file }: Benchmark): Promise<{ figures?: unknown; error?: string; seconds: number }> {
  const began = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
    let lastLine = "";
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop() ?? "";
      const complete = lines.filter((line) => line.trim() !== "");
      if (complete.length > 0) lastLine = complete.at(-1)!;
    });
    child.on("close", (code) => {
      if (pending.trim() !== "") lastLine = pending;
      const seconds = (performance.now() - began) / 1000;
      if (code !== 0) return resolve({ error: `exited with ${code}`, seconds });
      try {
        resolve({ figures: JSON.parse(lastLine), seconds });
      } catch {
        resolve({ error: "its last line is not JSON", seconds });
      }
    });
  });
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // Other work on the machine skews every figure; the 1-minute load average says how much.
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const host = machine();
  const results: Record<string, unknown> = {};
  const failures: string[] = [];
  for (const benchmark of await benchmarks()) {
    const { name } = benchmark;
    process.stdout.write(`\n=== ${name} ===\n`);
    const { figures, error, seconds } = await runBenchmark(benchmark);
    if (error !== undefined) failures.push(`${name}: ${error}`);
    results[name] = figures ?? { error };
    process.stdout.write(`=== ${name}: ${error ?? "done"} in ${seconds.toFixed(1)} s ===\n`);
  }
  const summary = { benchmark: "all", startedAt: startedAt.toISOString(), machine: host, loadAverageAtEnd: os.loadavg(), results, failures };
  const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
  await mkdir(resultsDir, { recursive: true });
  const file = `${resultsDir}${startedAt.toISOString().replace(/[:.]/g, "-")}.json`;
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${file.slice(projectRoot.length)}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
