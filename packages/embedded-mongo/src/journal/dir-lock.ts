/**
 * One process per data directory: two servers appending to the same log would interleave
 * frames and each would miss the other's writes. The lock file holds the owner's pid; a lock
 * whose process is gone (after a kill -9) is stale and taken over.
 */
import { link, readFile, rm, writeFile } from "node:fs/promises";
import { lockPath } from "./files.ts";

export interface DirectoryLock {
  release(): Promise<void>;
}

export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  const path = lockPath(dir);
  for (let attempt = 0; ; attempt += 1) {
    if (await tryCreateLock(path)) return { release: () => rm(path, { force: true }) };
    if (attempt > 0) throw new Error(`data directory ${dir} was locked by another process while opening`);
    const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && isAlive(owner)) {
      throw new Error(`data directory ${dir} is in use by process ${owner} (lock file ${path})`);
    }
    await rm(path, { force: true });
  }
}

/** Links a finished pid file into place, so the lock never exists without its owner's pid. */
async function tryCreateLock(path: string): Promise<boolean> {
  const draft = `${path}.${process.pid}`;
  await writeFile(draft, `${process.pid}\n`);
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if (isCode(error, "EEXIST")) return false;
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isCode(error, "EPERM");
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
