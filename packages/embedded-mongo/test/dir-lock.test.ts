/**
 * One process per data directory, and the lock dies with its owner however it dies: a LOCK
 * file naming a live pid (1, or this very process: a restarted container gets its old pid)
 * left by a killed owner never blocks a start, nor does an owner that is now a zombie; a live
 * owner in another process does, with its pid in the message.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../src/index.ts";

const holderScript = fileURLToPath(new URL("./support/lock-holder.ts", import.meta.url));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function dataDir(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "embedded-lock-"));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  return path.join(root, "data");
}

/** Starts `command` and resolves with the pid the lock holder reports once it holds the lock. */
async function holderLocked(child: ChildProcess): Promise<number> {
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const pid = /locked (\d+)/.exec(output)?.[1];
      if (pid !== undefined) resolve(Number(pid));
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", () => setTimeout(() => reject(new Error(`the lock holder exited:\n${output}`)), 100));
  });
}

function holder(dir: string, mode: "hold" | "exit" = "hold"): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", holderScript, dir, mode], { stdio: ["ignore", "pipe", "pipe"] });
}

const exited = (child: ChildProcess): Promise<unknown> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", resolve));

/** Whether `pid` is a zombie: dead, not yet reaped by its parent (Linux's /proc). */
async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return / Z /.test(stat.slice(stat.lastIndexOf(")")));
}

async function startsAndHoldsTheLock(dir: string): Promise<void> {
  const server = await startEmbeddedMongo({ dataDir: dir });
  try {
    expect(server.holdsDataDirLock).toBe(true);
    expect(Number.parseInt(await readFile(path.join(dir, "LOCK"), "utf8"), 10)).toBe(process.pid);
  } finally {
    await server.stop();
  }
}

describe("the data directory lock", () => {
  it("is not fooled by a LOCK file naming a live pid (1, or the new server's own) left by a killed owner", async () => {
    const dir = await dataDir();
    const child = holder(dir);
    const pid = await holderLocked(child);
    expect(Number.parseInt(await readFile(path.join(dir, "LOCK"), "utf8"), 10)).toBe(pid);
    child.kill("SIGKILL");
    await exited(child);

    for (const livePid of [1, process.pid]) {
      await writeFile(path.join(dir, "LOCK"), `${livePid}\n`);
      await startsAndHoldsTheLock(dir);
      expect(existsSync(path.join(dir, "LOCK"))).toBe(false);
    }
  });

  it("refuses a start while another live process holds the directory, naming it", async () => {
    const dir = await dataDir();
    const child = holder(dir);
    const pid = await holderLocked(child);
    await expect(startEmbeddedMongo({ dataDir: dir })).rejects.toThrow(new RegExp(`data directory .* is in use by process ${pid}\\b`));
    // Its LOCK file is the holder's still.
    expect(Number.parseInt(await readFile(path.join(dir, "LOCK"), "utf8"), 10)).toBe(pid);
    child.kill("SIGKILL");
    await exited(child);
    await startsAndHoldsTheLock(dir);
  });

  it("is not held by a zombie: an owner that died and was never reaped", async () => {
    const dir = await dataDir();
    // The holder's parent is `sleep`, which never reaps it: once it exits it stays a zombie.
    const parent = spawn("sh", ["-c", `"$0" --import tsx "$1" "$2" exit & exec sleep 60`, process.execPath, holderScript, dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = await holderLocked(parent);
    const deadline = Date.now() + 10_000;
    while (!(await isZombie(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await isZombie(pid)).toBe(true);
    // To kill(pid, 0) a zombie is alive, and its LOCK file names it.
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(Number.parseInt(await readFile(path.join(dir, "LOCK"), "utf8"), 10)).toBe(pid);

    await startsAndHoldsTheLock(dir);
  });

  it("tells the API whether it holds the lock: with a data directory, not in memory", async () => {
    const inMemory = await startEmbeddedMongo({ inMemory: true });
    cleanups.push(() => inMemory.stop());
    expect(inMemory.holdsDataDirLock).toBe(false);
    const dir = await dataDir();
    const inWorker = await startEmbeddedMongo({ dataDir: dir, worker: true });
    cleanups.push(() => inWorker.stop());
    expect(inWorker.holdsDataDirLock).toBe(true);
    await expect(startEmbeddedMongo({ dataDir: dir })).rejects.toThrow(new RegExp(`in use by process ${process.pid}\\b`));
  });
});
