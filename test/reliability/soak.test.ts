/**
 * Soak: mixed load on one API server over a shared database process (`npm run db`), so the
 * server's memory is measured apart from the data the database keeps. Short by default (~15 s,
 * in `npm test`); `SOAK_SECONDS=300 npx vitest run test/reliability/soak.test.ts` is the full run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectReadRoutes, FocusClient, loadApiKey, newTally, serverErrorCount } from "../support/focus-load.ts";
import { startApiServer, startSharedDatabase, type ApiServer, type SharedDatabase } from "../support/server-process.ts";
import { invariantsAt, residentBytes, sleep, startLoad, temporaryDir } from "./harness.ts";

const seconds = Number(process.env.SOAK_SECONDS ?? 15);
/** Memory before this share of the run is warm-up (JIT, pools, caches filling). */
const warmupShare = 1 / 3;
const sampleEveryMs = 500;

let dir: Awaited<ReturnType<typeof temporaryDir>>;
let database: SharedDatabase;
let server: ApiServer;

beforeAll(async () => {
  dir = await temporaryDir("soak-");
  database = await startSharedDatabase(dir.path);
  server = await startApiServer({ mongodbUrl: database.uri, env: { API_KEY: loadApiKey } });
});

afterAll(async () => {
  await server?.stop();
  await database?.stop();
  await dir?.remove();
});

/** The median of the samples taken between two moments (ms since the start). */
function medianBetween(samples: { atMs: number; bytes: number }[], fromMs: number, toMs: number): number {
  const window = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs).map((sample) => sample.bytes).sort((a, b) => a - b);
  return window[Math.floor(window.length / 2)] ?? Number.NaN;
}

describe(`soak (${seconds} s of mixed load)`, () => {
  it(
    "answers no 5xx, keeps the server's memory within 20% after warm-up, and leaves every user's invariants intact",
    async () => {
      const tally = newTally();
      const routes = await dialectReadRoutes(server.url);
      const began = Date.now();
      const samples: { atMs: number; bytes: number }[] = [];
      const sampler = setInterval(() => {
        void residentBytes(server.pid).then((bytes) => samples.push({ atMs: Date.now() - began, bytes }), () => undefined);
      }, sampleEveryMs);
      const load = startLoad({ workers: 8, usersPerWorker: 4, userPrefix: "soak", clientFor: () => new FocusClient(server.url, tally), dialectRoutes: routes });
      await sleep(seconds * 1000);
      await load.stop();
      clearInterval(sampler);

      const durationMs = seconds * 1000;
      const warmEndMs = durationMs * warmupShare;
      // Medians over a few seconds, so one garbage collection does not decide the verdict.
      const window = Math.max(2000, durationMs / 10);
      const afterWarmup = medianBetween(samples, warmEndMs, warmEndMs + window);
      const atEnd = medianBetween(samples, durationMs - window, durationMs);
      const growth = atEnd / afterWarmup - 1;
      const report = await invariantsAt(database.uri, tally);
      console.log(
        `soak ${seconds}s: ${tally.requests} requests (${Math.round(tally.requests / seconds)}/s), ${tally.lifecycles} lifecycles, ` +
          `statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}, server RSS ${(afterWarmup / 2 ** 20).toFixed(1)} -> ` +
          `${(atEnd / 2 ** 20).toFixed(1)} MiB (${(growth * 100).toFixed(1)}%), ${report.users} users, ${report.completedSessions} completed sessions checked`,
      );

      expect(tally.serverErrors).toEqual([]);
      expect(serverErrorCount(tally)).toBe(0);
      expect(tally.networkErrors).toBe(0);
      expect(tally.lifecycles).toBeGreaterThan(0);
      expect(growth).toBeLessThan(0.2);
      expect(report.violations).toEqual([]);
    },
    (seconds + 60) * 1000,
  );
});
