/**
 * Several processes: one shared embedded database (`npm run db`) and two API servers on it
 * (`MONGODB_URL`). Races are sent to both servers at once: of concurrent starts for one user
 * exactly one succeeds, of concurrent ends of one session exactly one succeeds and the session
 * counts once; then mixed load through both, and the invariants for every user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectReadRoutes, FocusClient, loadApiKey, newTally, serverErrorCount } from "../support/focus-load.ts";
import { startApiServer, startSharedDatabase, type ApiServer, type SharedDatabase } from "../support/server-process.ts";
import { invariantsAt, sleep, startLoad, temporaryDir } from "./harness.ts";

const racingUsers = 40;
const loadSeconds = Number(process.env.MULTI_SECONDS ?? 5);

let dir: Awaited<ReturnType<typeof temporaryDir>>;
let database: SharedDatabase;
let servers: ApiServer[] = [];

beforeAll(async () => {
  dir = await temporaryDir("multi-");
  database = await startSharedDatabase(dir.path);
  servers = await Promise.all([0, 1].map(() => startApiServer({ mongodbUrl: database.uri, env: { API_KEY: loadApiKey } })));
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await database?.stop();
  await dir?.remove();
});

/** The same call to both servers at the same moment, twice each; answers the statuses. */
async function race(clients: FocusClient[], path: string, body: object): Promise<{ status: number; body: unknown }[]> {
  const answers = await Promise.all([...clients, ...clients].map((client) => client.concept(path, body)));
  return answers.map((answer) => answer ?? { status: 0, body: undefined });
}

describe("two API servers sharing one database", () => {
  it("let exactly one of concurrent starts for a user succeed, the rest answering 409", async () => {
    const clients = servers.map((server) => new FocusClient(server.url, newTally()));
    for (let index = 0; index < racingUsers; index += 1) {
      const statuses = (await race(clients, "FocusSession/start", { user: `start-race-${index}` })).map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 409, 409, 409]);
    }
  });

  it("let exactly one of concurrent ends of a session succeed, and count the session once", async () => {
    const tally = newTally();
    const clients = servers.map((server) => new FocusClient(server.url, tally));
    const ended: string[] = [];
    for (let index = 0; index < racingUsers; index += 1) {
      const user = `end-race-${index}`;
      const started = await clients[index % 2]!.concept("FocusSession/start", { user });
      const { session } = started?.body as { session: string };
      const answers = await race(clients, "FocusSession/end", { session, status: "completed", elapsedMs: 25 * 60_000 });
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409]);
      ended.push(session);
    }
    for (const session of ended) tally.acknowledgedCompletions.add(session);
    const totals = await clients[0]!.concept("FocusStats/_getTotals", { user: "end-race-0" });
    expect(totals?.body).toEqual([{ user: "end-race-0", totalFocusMs: 25 * 60_000, sessionCount: 1 }]);
    expect((await invariantsAt(database.uri, tally)).violations).toEqual([]);
  });

  it("keep every user's invariants under mixed load through both servers, with no 5xx", async () => {
    const tally = newTally();
    const routes = await dialectReadRoutes(servers[0]!.url);
    // Workers 0 and 1 share users (and so do 2 and 3...), each pair split across the servers.
    const load = startLoad({
      workers: 8,
      usersPerWorker: 3,
      userPrefix: "multi",
      clientFor: (worker) => new FocusClient(servers[worker % 2]!.url, tally),
      dialectRoutes: routes,
      sharedBy: 2,
    });
    await sleep(loadSeconds * 1000);
    await load.stop();
    const report = await invariantsAt(database.uri, tally);
    console.log(
      `multi-process: ${tally.requests} requests, ${tally.lifecycles} lifecycles through 2 servers, ` +
        `statuses ${JSON.stringify(Object.fromEntries(tally.statuses))}; ${report.users} users, ${report.completedSessions} completed sessions checked`,
    );
    expect(tally.serverErrors).toEqual([]);
    expect(serverErrorCount(tally)).toBe(0);
    expect(tally.lifecycles).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
  }, 60_000);
});
