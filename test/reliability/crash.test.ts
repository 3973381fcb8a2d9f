/**
 * Crash: `npm start` on its embedded database (in the same process, as deployed by default)
 * is killed with SIGKILL at random moments under mixed load, and restarted on the same
 * DATA_DIR, CRASH_KILLS times (20 in `npm test`). After recovery every completion the server
 * acknowledged is counted, and nothing is counted twice.
 *
 * Recovery: the engine resumes pending sync actions at start, but only those whose lease
 * (30 s) has run out, so that two live servers never run one action twice. The processes
 * here are known dead (SIGKILL), so before the final start the test expires their leases in
 * the database, instead of waiting 30 s: the same as a restart after the lease has run out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectReadRoutes, FocusClient, loadApiKey, newTally, serverErrorCount } from "../support/focus-load.ts";
import { startApiServer, startSharedDatabase } from "../support/server-process.ts";
import { expireEngineLeases, invariantsAt, sleep, startLoad, temporaryDir, withServerDb } from "./harness.ts";

/** Kills in `npm test`; `npm run crash` (CRASH_KILLS=50) is the full run. */
const kills = Number(process.env.CRASH_KILLS ?? 20);
const env = { API_KEY: loadApiKey };

let dir: Awaited<ReturnType<typeof temporaryDir>>;
beforeAll(async () => {
  dir = await temporaryDir("crash-");
});
afterAll(async () => {
  await dir?.remove();
});

/** Opens the DATA_DIR with `npm run db`, runs `use` on it, and stops the database again. */
async function onDataDir<T>(use: (uri: string) => Promise<T>): Promise<T> {
  const database = await startSharedDatabase(dir.path);
  try {
    return await use(database.uri);
  } finally {
    await database.stop();
  }
}

describe(`crash (${kills} kill -9 restarts under load)`, () => {
  it(
    "loses no acknowledged completion and counts none twice after every kill -9 and restart",
    async () => {
      const tally = newTally();
      let routes: string[] | undefined;
      for (let kill = 0; kill < kills; kill += 1) {
        const server = await startApiServer({ dataDir: dir.path, env });
        try {
          routes ??= await dialectReadRoutes(server.url);
          const load = startLoad({ workers: 6, usersPerWorker: 3, userPrefix: "crash", clientFor: () => new FocusClient(server.url, tally), dialectRoutes: routes });
          await sleep(150 + Math.random() * 700);
          await server.crash();
          await load.stop();
        } finally {
          await server.crash(); // a no-op once it is dead; never leaves a server behind if the test fails
        }
      }

      const pendingAtCrash = await onDataDir((uri) => withServerDb(uri, expireEngineLeases));
      // Recovery is part of start: pending actions are resumed before the server listens.
      const recovered = await startApiServer({ dataDir: dir.path, env });
      const exitCode = await recovered.stop();
      expect(exitCode, recovered.output().slice(-2000)).toBe(0);

      const report = await onDataDir((uri) => invariantsAt(uri, tally));
      console.log(
        `crash: ${kills} kills, ${tally.requests} requests, ${tally.acknowledgedCompletions.size} acknowledged completions, ` +
          `${pendingAtCrash} engine leases expired after the last kill, statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}, ` +
          `${tally.networkErrors} requests cut by a kill; ${report.users} users and ${report.completedSessions} completed sessions checked`,
      );
      expect(tally.acknowledgedCompletions.size).toBeGreaterThan(0);
      expect(tally.serverErrors).toEqual([]);
      expect(serverErrorCount(tally)).toBe(0);
      expect(report.violations).toEqual([]);
    },
    kills * 8000 + 60_000,
  );
});
