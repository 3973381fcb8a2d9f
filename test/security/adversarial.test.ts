/**
 * Every route, attacked the usual ways: no credentials, a wrong key, forged, expired and
 * unsigned tokens, another user's ids, NoSQL operators where values belong, prototype
 * pollution keys, oversized bodies and malformed JSON. Each is refused with a 4xx, and none
 * writes anything: no write command reaches the database, and every collection reads the same
 * before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimitBytes, concretePath, credentialSets, securityApp, send, type SecurityApp, type SentRequest } from "./harness.ts";
import { seedUsers, type SeededIds } from "./seed-data.ts";

let target: SecurityApp;
let ids: SeededIds;
let credentials: Record<string, Record<string, string>>;
let before: Record<string, unknown[]>;

beforeAll(async () => {
  target = await securityApp();
  ids = await seedUsers(target.app);
  credentials = await credentialSets();
  target.takeWrites();
  before = await target.snapshot();
});

afterAll(async () => {
  // Whatever the attacks below did, the stored data must be exactly as seeded.
  expect(await target.snapshot()).toEqual(before);
  await target.close();
});

/** Every route as a request with a harmless, plausible body for alice. */
function everyRoute(): (SentRequest & { name: string; userField: boolean })[] {
  const concept = target.conceptRoutes.map((operation) => ({
    name: `POST ${operation.path}`,
    method: "POST",
    path: operation.path,
    body: JSON.stringify({ user: "alice", session: ids.aliceRunning }),
    userField: true,
  }));
  const rest = target.restRoutes.map((route) => ({
    name: route.literal,
    method: route.method,
    path: `${concretePath(route, ids.aliceRunning)}?userId=alice`,
    ...(route.method === "GET" ? {} : { body: JSON.stringify({ userId: "alice" }) }),
    userField: true,
  }));
  return [...concept, ...rest];
}

/** Sends the request, expects the status (or one of them), and that nothing was written. */
async function expectRefused(request: SentRequest, statuses: number[]): Promise<void> {
  const { status, text } = await send(target.app, request);
  const label = `${request.method} ${request.path} ${JSON.stringify(request.headers)} ${request.body?.slice(0, 120) ?? ""}`;
  expect(statuses, `${label} answered ${status}: ${text.slice(0, 200)}`).toContain(status);
  expect(target.takeWrites(), `${label} wrote`).toEqual([]);
  if (status === 401 || request.path.startsWith("/api/")) {
    expect(typeof (JSON.parse(text) as { error?: unknown }).error, `${label}: body ${text.slice(0, 200)}`).toBe("string");
  }
}

describe("every route refuses bad credentials with 401", () => {
  for (const name of ["none", "wrongKey", "emptyKey", "wrongKeyAsBearer", "forgedToken", "expiredToken", "unsignedToken", "garbageBearer", "basicAuth"]) {
    it(`refuses ${name} on every route`, async () => {
      for (const route of everyRoute()) await expectRefused({ ...route, headers: credentials[name] }, [401]);
    });
  }
});

describe("a user token cannot reach another user's data", () => {
  it("refuses naming another user in a body with 403 on every concept route", async () => {
    for (const operation of target.conceptRoutes) {
      for (const field of ["user", "userId", "user_id"]) {
        await expectRefused({ method: "POST", path: operation.path, headers: credentials.alice, body: JSON.stringify({ [field]: "bob" }) }, [403]);
      }
    }
  });

  it("refuses acting on another user's session on every concept route that takes one", async () => {
    const sessionRoutes = target.conceptRoutes.filter((operation) => operation.concept === "FocusSession" && operation.name !== "start" && !operation.name.startsWith("_list") && operation.name !== "_getRunning");
    expect(sessionRoutes.length).toBeGreaterThan(3);
    for (const operation of sessionRoutes) {
      for (const session of [ids.bobRunning, ids.bobCompleted]) {
        // 403 (not yours), or 400 when the body is otherwise incomplete for the operation; never a success.
        await expectRefused({ method: "POST", path: operation.path, headers: credentials.alice, body: JSON.stringify({ session, status: "completed" }) }, [400, 403]);
      }
    }
  });

  it("refuses another user named in the query, the body or x-user-id with 403 on every dialect route", async () => {
    for (const route of target.restRoutes) {
      const path = concretePath(route, ids.aliceRunning);
      await expectRefused({ method: route.method, path: `${path}?userId=bob`, headers: credentials.alice }, [403]);
      await expectRefused({ method: route.method, path, headers: { ...credentials.alice, "x-user-id": "bob" } }, [403]);
      if (route.method !== "GET") {
        await expectRefused({ method: route.method, path, headers: credentials.alice, body: JSON.stringify({ userId: "bob", user_id: "bob" }) }, [403]);
      }
    }
  });

  it("does not let a user token act on another user's session through the dialects' :id routes", async () => {
    const withId = target.restRoutes.filter((route) => route.path.includes(":") && route.method !== "GET");
    expect(withId.length).toBeGreaterThan(0);
    for (const route of withId) {
      const body = JSON.stringify({ status: "completed", subject: "stolen", endStudyTimestamp: new Date().toISOString() });
      await expectRefused({ method: route.method, path: concretePath(route, ids.bobRunning), headers: credentials.alice, body }, [400, 403, 404]);
    }
  });
});

describe("values that try to act as queries or reach prototypes are refused with 400", () => {
  const operators = [{ $gt: "" }, { $ne: null }, { $where: "sleep(1000)" }, { $regex: ".*" }, { $in: ["alice", "bob"] }];
  const pollution = ['{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '{"user":"alice","subject":{"__proto__":{"x":1}}}', '{"prototype":{"x":1}}'];

  it("refuses NoSQL operators in place of any field's value on every route", async () => {
    for (const route of everyRoute()) {
      if (route.method === "GET") continue;
      for (const operator of operators) {
        for (const field of ["user", "userId", "session", "sessionId", "status"]) {
          await expectRefused({ ...route, headers: credentials.service, body: JSON.stringify({ [field]: operator }) }, [400]);
        }
      }
    }
  });

  it("refuses operator names as query parameters on every dialect route", async () => {
    for (const route of target.restRoutes) {
      await expectRefused({ method: route.method, path: `${concretePath(route, ids.aliceRunning)}?userId=alice&$where=1`, headers: credentials.service }, [400]);
    }
  });

  it("refuses prototype keys anywhere in a body on every route, and pollutes nothing", async () => {
    for (const route of everyRoute()) {
      if (route.method === "GET") continue;
      for (const body of pollution) await expectRefused({ ...route, headers: credentials.service, body }, [400]);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("bodies that are not what a route reads are refused", () => {
  it("refuses bodies over the size limit sent without a declared length with 413 on every route that reads one", async () => {
    const huge = JSON.stringify({ user: "alice", notes: "x".repeat(bodyLimitBytes + 1) });
    for (const route of everyRoute()) {
      if (route.method === "GET") continue;
      await expectRefused({ ...route, headers: credentials.service, body: huge }, [413]);
    }
  });

  it("refuses a declared Content-Length over the limit with 413 before reading the body", async () => {
    const huge = JSON.stringify({ user: "alice", notes: "x".repeat(bodyLimitBytes + 1) });
    for (const route of everyRoute()) {
      if (route.method === "GET") continue;
      await expectRefused({ ...route, headers: { ...credentials.service, "content-length": String(huge.length) }, body: huge }, [413]);
    }
  });

  it("refuses malformed JSON and bodies that are not objects with 400 on every route that reads one", async () => {
    for (const route of everyRoute()) {
      if (route.method === "GET") continue;
      for (const body of ["{", '{"user":', "[1,2", "nul", '"alice"', "[]", "42", '{"user":"alice"}}']) {
        await expectRefused({ ...route, headers: credentials.service, body }, [400]);
      }
    }
  });
});
