/**
 * Soak: mixed load on one API server over a shared database process (`npm run db`), so the
 * server's memory is measured apart from the data the database keeps. Short by default (~15 s,
 * in `npm test`); `SOAK_SECONDS=300 npx vitest run test/reliability/soak.test.ts` is the full run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectReadRoutes, FocusClient, loadApiKey, newTally, serverErrorCount } from "../support/focus-load.ts";
import { heapReporterFlags, reportedHeaps, startApiServer, startSharedDatabase, type ApiServer, type SharedDatabase } from "../support/server-process.ts";
import { invariantsAt, residentBytes, sleep, startLoad, temporaryDir } from "./harness.ts";

const seconds = Number(process.env.SOAK_SECONDS ?? 15);
const sampleEveryMs = 500;

let dir: Awaited<ReturnType<typeof temporaryDir>>;
let database: SharedDatabase;
let server: ApiServer;

beforeAll(async () => {
  dir = await temporaryDir("soak-");
  database = await startSharedDatabase(dir.path);
  server = await startApiServer({ mongodbUrl: database.uri, env: { API_KEY: loadApiKey }, nodeFlags: heapReporterFlags });
});

afterAll(async () => {
  await server?.stop();
  await database?.stop();
  await dir?.remove();
});

/** The median of a list of numbers. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Growth from the middle third of a series to its last third (the first third is warm-up), by medians. */
function growthAfterWarmup(series: number[]): { afterWarmup: number; atEnd: number; growth: number } {
  const third = Math.floor(series.length / 3);
  const afterWarmup = median(series.slice(third, series.length - third));
  const atEnd = median(series.slice(series.length - third));
  return { afterWarmup, atEnd, growth: atEnd / afterWarmup - 1 };
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

describe(`soak (${seconds} s of mixed load)`, () => {
  it(
    "answers no 5xx, keeps the server's heap within 20% after warm-up, and leaves every user's invariants intact",
    async () => {
      const tally = newTally();
      const routes = await dialectReadRoutes(server.url);
      const heapsBefore = reportedHeaps(server).length;
      const rss: number[] = [];
      const sampler = setInterval(() => void residentBytes(server.pid).then((bytes) => rss.push(bytes), () => undefined), sampleEveryMs);
      const load = startLoad({ workers: 8, usersPerWorker: 4, userPrefix: "soak", clientFor: () => new FocusClient(server.url, tally), dialectRoutes: routes });
      await sleep(seconds * 1000);
      await load.stop();
      clearInterval(sampler);

      // The heap kept after a full collection (once a second, by the preloaded heap reporter) is
      // the criterion: RSS only climbs between collections and falls after them, so it is reported too.
      const heap = growthAfterWarmup(reportedHeaps(server).slice(heapsBefore));
      const resident = growthAfterWarmup(rss);
      const report = await invariantsAt(database.uri, tally);
      console.log(
        `soak ${seconds}s: ${tally.requests} requests (${Math.round(tally.requests / seconds)}/s), ${tally.lifecycles} lifecycles, ` +
          `statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}; server heap after GC ${mib(heap.afterWarmup)} -> ${mib(heap.atEnd)} MiB ` +
          `(${(heap.growth * 100).toFixed(1)}%), RSS ${mib(resident.afterWarmup)} -> ${mib(resident.atEnd)} MiB (${(resident.growth * 100).toFixed(1)}%); ` +
          `${report.users} users, ${report.completedSessions} completed sessions checked`,
      );

      expect(tally.serverErrors).toEqual([]);
      expect(serverErrorCount(tally)).toBe(0);
      expect(tally.networkErrors).toBe(0);
      expect(tally.lifecycles).toBeGreaterThan(0);
      expect(heap.growth).toBeLessThan(0.2);
      expect(report.violations).toEqual([]);
    },
    (seconds + 60) * 1000,
  );
});
