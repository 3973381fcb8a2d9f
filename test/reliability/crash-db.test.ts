/**
 * Database crash: the API server (`npm start`) on `MONGODB_URL`, pointing at the embedded
 * database run alone (`npm run db`), under mixed load; the database is killed with SIGKILL at
 * random moments and restarted on the same DATA_DIR and port (the API's driver reconnects to
 * the same URI), CRASH_DB_KILLS times (4 in `npm test`). The API is never restarted while the
 * load runs.
 *
 * What must hold:
 * - a 5xx (or no answer) only for a request that overlapped a database outage: from the kill
 *   until the restarted database listened, plus `reconnectGraceMs` for the driver to find it;
 * - after each restart the API answers again (a query, then a whole lifecycle of the load),
 *   without a restart of its own;
 * - afterwards every completion answered 200 is counted exactly once, and stats, streak and
 *   badges agree for every user (test/support/invariants.ts).
 *
 * Work a transient database error left unfinished is finished by the engine's recovery pass,
 * which runs every lease period. When the configuration knows a lease variable (the
 * environment below changes what `loadConfig` answers), the API runs with a short lease and
 * must finish that work while it runs. Otherwise the test does what a restart after the
 * 30 s lease would: stops the API, expires the engine's leases in the database, starts it once
 * more (it resumes that work before listening) and stops it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/edges/config.ts";
import { dialectReadRoutes, FocusClient, loadApiKey, newTally, type TimedAnswer } from "../support/focus-load.ts";
import { portOf, startApiServer, startSharedDatabase, type ApiServer, type SharedDatabase } from "../support/server-process.ts";
import { restartDatabase } from "./database-away.ts";
import { expireEngineLeases, invariantsAt, leasedEngineEntries, sleep, startLoad, temporaryDir, withServerDb } from "./harness.ts";

/** Database kills in `npm test`; `npm run crash` sets CRASH_DB_KILLS for the full run. */
const kills = Number(process.env.CRASH_DB_KILLS ?? 4);
/** After the restarted database listens, how long the API's driver may take to use it again. */
const reconnectGraceMs = 3_000;
/** How long the API may take to answer again after the database is back. */
const recoveryDeadlineMs = 20_000;
/** The lease the API runs with, when the configuration has a variable for it. */
const leaseSeconds = 2;
const leaseEnv = { ENGINE_LEASE_SECONDS: String(leaseSeconds) };
const leaseConfigurable = JSON.stringify(loadConfig({})) !== JSON.stringify(loadConfig(leaseEnv));
const apiEnv = { API_KEY: loadApiKey, ...(leaseConfigurable ? leaseEnv : {}) };

let dir: Awaited<ReturnType<typeof temporaryDir>>;
let database: SharedDatabase | undefined;
let api: ApiServer | undefined;

beforeAll(async () => {
  dir = await temporaryDir("crash-db-");
});
afterAll(async () => {
  // Never leave a process behind when the test failed midway.
  await api?.crash();
  await database?.crash();
  await dir?.remove();
});

/** A database outage as the test caused it: from the kill until the restarted database listened. */
interface Outage {
  killedAt: number;
  listeningAt: number;
  /** When the API first answered a query again after the restart. */
  recoveredAt?: number;
}

/**
 * Waits until the API answers a statistics query with 200 again, and then until the load
 * completes a lifecycle more than `lifecycles()` said now (writes work again); the moment
 * the query was answered.
 */
async function waitForApi(url: string, lifecycles: () => number): Promise<number> {
  const deadline = Date.now() + recoveryDeadlineMs;
  const before = lifecycles();
  let answeredAt: number | undefined;
  let last = "";
  while (Date.now() < deadline) {
    if (answeredAt !== undefined) {
      if (lifecycles() > before) return answeredAt;
      await sleep(50);
      continue;
    }
    try {
      const response = await fetch(`${url}/api/FocusStats/_getTotals`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": loadApiKey },
        body: JSON.stringify({ user: "crash-db-probe" }),
        signal: AbortSignal.timeout(5_000),
      });
      last = `${response.status} ${(await response.text()).slice(0, 200)}`;
      if (response.status === 200) answeredAt = Date.now();
    } catch (error) {
      last = String(error);
    }
    await sleep(100);
  }
  if (answeredAt !== undefined) throw new Error(`the API answered queries, but no lifecycle completed within ${recoveryDeadlineMs} ms of the database's restart`);
  throw new Error(`the API did not answer again within ${recoveryDeadlineMs} ms of the database's restart; last answer: ${last}`);
}

/** How long the database stays down: mostly a moment, every fourth time long enough to outlast the engine's retries. */
function downtimeMs(kill: number): number {
  return kill % 4 === 3 ? 7_000 + Math.random() * 2_000 : 100 + Math.random() * 1_400;
}

/** Polls the invariants until they hold or `ms` have passed; the last report. */
async function invariantsWithin(uri: string, tally: Parameters<typeof invariantsAt>[1], ms: number): Promise<Awaited<ReturnType<typeof invariantsAt>>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const report = await invariantsAt(uri, tally);
    if (report.violations.length === 0 || Date.now() >= deadline) return report;
    await sleep(500);
  }
}

describe(`database crash (${kills} kill -9 restarts of npm run db under load, the API on MONGODB_URL)`, () => {
  it(
    "answers 5xx only while the database is down, recovers without a restart, and loses or doubles no acknowledged completion",
    async () => {
      database = await startSharedDatabase(dir.path);
      const { uri } = database;
      const port = portOf(uri);
      api = await startApiServer({ mongodbUrl: uri, env: apiEnv });
      const tally = newTally();
      const answers: TimedAnswer[] = [];
      const routes = await dialectReadRoutes(api.url);
      const load = startLoad({ workers: 6, usersPerWorker: 3, userPrefix: "crash-db", clientFor: () => new FocusClient(api!.url, tally, (answer) => answers.push(answer)), dialectRoutes: routes });

      const outages: Outage[] = [];
      try {
        for (let kill = 0; kill < kills; kill += 1) {
          await sleep(500 + Math.random() * 1_000);
          const killedAt = Date.now();
          await database.crash();
          await sleep(downtimeMs(kill));
          database = await restartDatabase(dir.path, port);
          const outage: Outage = { killedAt, listeningAt: Date.now() };
          outages.push(outage);
          expect(database.uri, "the restarted database must be reachable at the URI the API was given").toBe(uri);
          expect(api.child.exitCode, `the API exited when the database went away:\n${api.output().slice(-3000)}`).toBeNull();
          outage.recoveredAt = await waitForApi(api.url, () => tally.lifecycles);
        }
        // Some load on a database that stays up, then the clients stop.
        await sleep(1_000);
      } finally {
        await load.stop();
      }
      expect(api.child.exitCode, `the API exited under load:\n${api.output().slice(-3000)}`).toBeNull();

      // Work a transient error left pending: finished by the live API's recovery pass when its
      // lease is configurable, else by one more start after the leases are expired.
      let recovery: string;
      if (leaseConfigurable) {
        const report = await invariantsWithin(uri, tally, 5 * leaseSeconds * 1000 + 10_000);
        const lastRestart = outages.at(-1)?.listeningAt ?? Date.now();
        recovery = `live API (lease ${leaseSeconds} s): ${report.violations.length} violations left, stats agreed by ${Date.now() - lastRestart} ms after the last restart (load stopped 1 s after it)`;
        expect(report.violations, "the running API's recovery pass did not finish the pending work").toEqual([]);
        expect(await api.stop(), api.output().slice(-2000)).toBe(0);
      } else {
        expect(await api.stop(), api.output().slice(-2000)).toBe(0);
        const expired = await withServerDb(uri, expireEngineLeases);
        const recovered = await startApiServer({ mongodbUrl: uri, env: apiEnv });
        const exitCode = await recovered.stop();
        expect(exitCode, recovered.output().slice(-2000)).toBe(0);
        recovery = `no lease variable in the configuration: API stopped, ${expired} engine leases expired, started once more to resume them`;
      }

      const report = await invariantsAt(uri, tally);
      const stillLeased = await withServerDb(uri, leasedEngineEntries);
      expect(await database.stop()).toBe(0);

      const outsideOutages = answers.filter((answer) => (answer.status === undefined || answer.status >= 500) && !outages.some((outage) => overlaps(answer, outage)));
      const during = answers.filter((answer) => (answer.status === undefined || answer.status >= 500) && outages.some((outage) => overlaps(answer, outage)));
      const recoveries = outages.map((outage) => (outage.recoveredAt ?? NaN) - outage.listeningAt);
      console.log(
        `crash-db: ${kills} database kills (down ${outages.map((o) => o.listeningAt - o.killedAt).join(", ")} ms; API answering again ${recoveries.join(", ")} ms after each restart), ` +
          `${tally.requests} requests, ${tally.lifecycles} lifecycles, ${tally.acknowledgedCompletions.size} acknowledged completions, ` +
          `statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}, ${tally.networkErrors} without an answer; ` +
          `${during.length} 5xx or unanswered during outages, ${outsideOutages.length} outside; recovery: ${recovery}; ` +
          `${stillLeased} engine entries still leased; ${report.users} users and ${report.completedSessions} completed sessions checked`,
      );
      if (during.length > 0) console.log(`crash-db: during outages, e.g. ${during.slice(0, 3).map(describe5xx).join(" | ")}`);
      expect(tally.acknowledgedCompletions.size).toBeGreaterThan(0);
      expect(outsideOutages.slice(0, 10).map(describe5xx), "5xx or no answer while the database was up").toEqual([]);
      expect(report.violations).toEqual([]);
    },
    kills * 20_000 + 90_000,
  );
});

/** Whether a request was in flight at some moment of the outage (the grace after the restart included). */
function overlaps(answer: TimedAnswer, outage: Outage): boolean {
  return answer.sentAt <= outage.listeningAt + reconnectGraceMs && answer.answeredAt >= outage.killedAt;
}

function describe5xx(answer: TimedAnswer): string {
  return `${answer.method} ${answer.path} -> ${answer.status ?? "no answer"} after ${answer.answeredAt - answer.sentAt} ms: ${answer.text.slice(0, 160)}`;
}
