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

/**
 * Hands unfinished engine work of servers known to be dead (or stopped) to the next start:
 * every lease in the engine's own collections (`engine.*`, whatever their layout) is set to
 * have run out, the same as a restart after the lease period. Answers how many entries held one.
 */
export async function expireEngineLeases(db: Db): Promise<number> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((name) => name.startsWith("engine."));
  let expired = 0;
  for (const name of names) {
    const { modifiedCount } = await db.collection(name).updateMany({ leaseUntil: { $gt: new Date(0) } }, { $set: { leaseUntil: new Date(0) } });
    expired += modifiedCount;
  }
  return expired;
}

/** How many entries of the engine's own collections still hold a lease: work not finished yet. */
export async function leasedEngineEntries(db: Db): Promise<number> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((name) => name.startsWith("engine."));
  const counts = await Promise.all(names.map((name) => db.collection(name).countDocuments({ leaseUntil: { $gt: new Date(0) } })));
  return counts.reduce((sum, count) => sum + count, 0);
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

/**
 * Where, for each of `users`, the statistics do not count exactly the completed sessions, read
 * through the API (what a client sees): `_getTotals`' session count against the completed
 * sessions `_listSessions` lists. Empty when they agree. A server whose database is in its own
 * process is checked so.
 */
export async function statsDisagreements(client: FocusClient, users: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    users.map(async (user) => {
      const [completed, totals] = await Promise.all([client.concept("FocusSession/_listSessions", { user, status: "completed", limit: 1000 }), client.concept("FocusStats/_getTotals", { user })]);
      if (completed?.status !== 200 || totals?.status !== 200) return [`${user}: answered ${completed?.status ?? "nothing"} and ${totals?.status ?? "nothing"}`];
      const [total] = totals.body as { sessionCount: number }[];
      const counted = total?.sessionCount ?? 0;
      const sessions = (completed.body as unknown[]).length;
      return counted === sessions ? [] : [`${user}: ${sessions} completed sessions, ${counted} counted`];
    }),
  );
  return found.flat();
}

/** Polls `agree` until it answers true; how long that took (ms), or undefined after `withinMs`. */
export async function timeUntil(agree: () => Promise<boolean>, withinMs: number): Promise<number | undefined> {
  const startedAt = Date.now();
  for (;;) {
    if (await agree()) return Date.now() - startedAt;
    if (Date.now() - startedAt >= withinMs) return undefined;
    await sleep(100);
  }
}

/** The median of some figures (the mean of the middle two for an even count). */
export function median(figures: readonly number[]): number {
  const sorted = [...figures].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
