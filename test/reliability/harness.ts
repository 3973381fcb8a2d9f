/**
 * What the reliability tests share: temporary data directories, the invariants read through a
 * driver connected to a running database process, memory samples of a process, and a pool of
 * load workers that runs until told to stop.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient, type Db } from "mongodb";
import { FocusClient, mixedLoad, type LoadTally } from "../support/focus-load.ts";
import { checkInvariants, type InvariantReport } from "../support/invariants.ts";

/** The database name `npm start` uses by default (MONGODB_DB). */
export const serverDbName = "focus";

export async function temporaryDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Runs `use` on the servers' database through a fresh driver connection. */
export async function withServerDb<T>(uri: string, use: (db: Db) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(uri);
  try {
    return await use(client.db(serverDbName));
  } finally {
    await client.close();
  }
}

export function invariantsAt(uri: string, tally?: LoadTally): Promise<InvariantReport> {
  return withServerDb(uri, (db) => checkInvariants(db, { acknowledgedCompletions: tally?.acknowledgedCompletions ?? [] }));
}

/** The resident set size of a process, in bytes (Linux /proc). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

export interface LoadPool {
  /** Stops the workers after their current step and waits for them. */
  stop(): Promise<void>;
}

/**
 * Starts `workers` mixed-load loops, each over its own users unless `sharedBy` > 1 makes that
 * many consecutive workers act for the same users (and race for their running sessions);
 * `clientFor(worker)` picks the server.
 */
export function startLoad(options: {
  workers: number;
  usersPerWorker: number;
  userPrefix: string;
  clientFor: (worker: number) => FocusClient;
  dialectRoutes: readonly string[];
  sharedBy?: number;
}): LoadPool {
  const group = (worker: number): number => Math.floor(worker / (options.sharedBy ?? 1));
  let running = true;
  const loops = Array.from({ length: options.workers }, (_, worker) =>
    mixedLoad({
      client: options.clientFor(worker),
      users: Array.from({ length: options.usersPerWorker }, (_, index) => `${options.userPrefix}-g${group(worker)}-u${index}`),
      dialectRoutes: options.dialectRoutes,
      running: () => running,
    }),
  );
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
