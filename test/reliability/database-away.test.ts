/**
 * The database away (issue 24, finding 3): the API (`npm start`) on `MONGODB_URL`, the database
 * (`npm run db`) killed with SIGKILL. What must hold:
 *
 * - every route answers within a bound, about 10 s: 503 with `Retry-After` (concept actions and
 *   queries, the REST dialects' reads and writes, a completion written ahead, a keyed request,
 *   a flow's provenance, the dev console's flows of a user), and `/health` at once;
 * - once the database is back, a request answered 503 without an Idempotency-Key has not taken
 *   effect, and does not later (no session started, no session ended); a keyed one's retry
 *   answers its outcome.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApiKey } from "../support/focus-load.ts";
import { portOf, startApiServer, startSharedDatabase, type ApiServer, type SharedDatabase } from "../support/server-process.ts";
import { sleep, temporaryDir } from "./harness.ts";
import { restartDatabase, send, type Sent } from "./database-away.ts";

/** "About 10 s at most": the bound a client may rely on, with room for a loaded machine. */
const answerBoundMs = 12_000;

let dir: Awaited<ReturnType<typeof temporaryDir>>;
let database: SharedDatabase | undefined;
let api: ApiServer | undefined;

beforeAll(async () => {
  dir = await temporaryDir("db-away-");
});
afterAll(async () => {
  await api?.crash();
  await database?.crash();
  await dir?.remove();
});

describe("while the database is away", () => {
  it(
    "answers every route 503 with Retry-After within about 10 s, and a 503 without a key never takes effect later",
    async () => {
      database = await startSharedDatabase(dir.path);
      const port = portOf(database.uri);
      api = await startApiServer({ mongodbUrl: database.uri, env: { API_KEY: loadApiKey } });
      const url = api.url;

      // A session to complete while the database is away (its end is written ahead: a marker).
      const running = await send(url, "POST", "/api/v1/sessions", { userId: "away-end", subject: "Calculus" });
      expect(running.status).toBe(201);
      const sessionId = (running.body as { session: { id: string } }).session.id;
      expect(running.flow).toBeTruthy();
      const keyed = await send(url, "POST", "/api/FocusSession/start", { user: "away-keyed" });
      const keyedSession = (keyed.body as { session: string }).session;

      await database.crash();
      const key = `away-${Date.now()}`;
      const answers: Sent[] = await Promise.all([
        send(url, "GET", "/health"),
        send(url, "POST", "/api/FocusSession/start", { user: "away-concept" }),
        send(url, "POST", "/api/FocusStats/_getTotals", { user: "away-concept" }),
        send(url, "POST", "/api/v1/sessions", { userId: "away-rest", subject: "Calculus" }),
        send(url, "GET", "/api/v1/sessions?userId=away-rest"),
        send(url, "PATCH", `/api/v1/sessions/${sessionId}`, { endStudyTimestamp: new Date().toISOString() }),
        send(url, "POST", "/api/flow/v1/sessions", { duration_seconds: 1500 }, { "x-user-id": "away-flow" }),
        send(url, "GET", "/focus-sessions", undefined, { "x-user-id": "away-flow" }),
        send(url, "POST", "/api/FocusSession/end", { session: keyedSession, status: "completed", elapsedMs: 60_000 }, { "Idempotency-Key": key }),
        send(url, "GET", `/api/_flows/${running.flow}`),
        send(url, "GET", "/dev/flows?user=away-end"),
      ]);
      console.log(`database away: ${answers.map((answer) => `${answer.label} ${answer.status} in ${answer.ms} ms`).join("; ")}`);
      for (const answer of answers) {
        expect(answer.status, `${answer.label}: ${answer.text}`).toBe(503);
        expect(answer.retryAfter, `${answer.label} has Retry-After`).toMatch(/^\d+$/);
        expect(answer.ms, `${answer.label} answered within the bound`).toBeLessThan(answerBoundMs);
      }
      expect(answers[0]!.ms, "/health answers at once").toBeLessThan(3_000);

      database = await restartDatabase(dir.path, port);
      // Back: the driver finds the database again, and the recovery pass has had its chance.
      const deadline = Date.now() + 20_000;
      while ((await send(url, "GET", "/health")).status !== 200 && Date.now() < deadline) await sleep(200);
      await sleep(5_000);

      const rest = await send(url, "GET", "/api/v1/sessions?userId=away-rest");
      expect(rest.body, "the no-key POST answered 503 started no session").toEqual({ sessions: [] });
      const concept = await send(url, "POST", "/api/FocusSession/_getRunning", { user: "away-concept" });
      expect(concept.body, "the no-key start answered 503 started no session").toEqual([]);
      const flow = await send(url, "GET", "/api/flow/v1/sessions/active", undefined, { "x-user-id": "away-flow" });
      expect((flow.body as { data: unknown }).data, `the no-key seed 002 start answered 503 started no session: ${flow.text}`).toBeNull();
      const ended = await send(url, "POST", "/api/FocusSession/_getSession", { session: sessionId });
      expect((ended.body as { status: string }[])[0]?.status, "the no-key completion answered 503 did not end the session").toBe("active");
      const retried = await send(url, "POST", "/api/FocusSession/end", { session: keyedSession, status: "completed", elapsedMs: 60_000 }, { "Idempotency-Key": key });
      expect(retried.status, `the keyed retry answers the outcome: ${retried.text}`).toBe(200);
      const totals = await send(url, "POST", "/api/FocusStats/_getTotals", { user: "away-keyed" });
      expect(totals.body).toEqual([{ user: "away-keyed", totalFocusMs: 60_000, sessionCount: 1 }]);
    },
    120_000,
  );

  it(
    "answers a request in flight at SIGTERM with 503 and Connection: close, then exits",
    async () => {
      // A database and server of its own, whatever the test before left.
      await api?.crash();
      await database?.crash();
      database = await startSharedDatabase(dir.path);
      api = await startApiServer({ mongodbUrl: database.uri, env: { API_KEY: loadApiKey } });
      const url = api.url;
      const before = await send(url, "POST", "/api/FocusStats/_getTotals", { user: "stopping" });
      expect(before.status).toBe(200);
      expect(before.connection, "keep-alive before the signal").not.toBe("close");

      await database.crash();
      const inFlight = send(url, "POST", "/api/FocusSession/start", { user: "stopping" });
      await sleep(300);
      api.child.kill("SIGTERM");
      const answer = await inFlight;
      expect(answer.status, answer.text).toBe(503);
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.connection).toBe("close");
      expect(answer.ms).toBeLessThan(answerBoundMs);
      const exited = await Promise.race([api.exited, sleep(30_000).then(() => "still running")]);
      expect(exited, api.output().slice(-2000)).not.toBe("still running");
    },
    90_000,
  );
});
