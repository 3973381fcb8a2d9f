/**
 * A transient database error (a connection reset, a restart) is not what an action did: the
 * engine runs the action again with the same idempotency key, and when the database stays
 * away the flow stays pending for the recovery pass, which finishes it once the database is back.
 */
import { MongoBulkWriteError, MongoNetworkError } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/engine/bindings.ts";
import { SyncEngine } from "../../src/engine/engine.ts";
import { DatabaseUnavailableError, isTransientError } from "../../src/engine/transient.ts";
import { countLogged, pendingFlows } from "../support/action-log.ts";
import { testDatabase, type TestDatabase } from "../support/database.ts";
import { Sessions, testConcepts } from "./support/concepts.ts";
import { directFlowSyncs } from "./support/syncs.ts";

type Concepts = ReturnType<typeof testConcepts>;

function networkError(): Error {
  const error = new Error("connection 3 to 127.0.0.1:27017 closed");
  error.name = "MongoNetworkError";
  return error;
}

/** Makes Stats.record fail transiently `times` times (after which it works), remembering the keys it was given. */
function flakyStats(concepts: Concepts, times: number) {
  const record = concepts.stats.record.bind(concepts.stats);
  const state = { failuresLeft: times, keys: [] as (string | undefined)[] };
  concepts.stats.record = async (input, context?: ActionContext) => {
    state.keys.push(context?.idempotencyKey);
    if (state.failuresLeft > 0) {
      state.failuresLeft--;
      throw networkError();
    }
    return record(input, context);
  };
  return state;
}

describe("transient database errors", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const engineOn = (concepts: Concepts, prefix: string, leaseSeconds = 30) => {
    const engine = new SyncEngine({ db: database.db, collectionPrefix: prefix, leaseSeconds, retryPolicy: { delaysMs: [1, 1, 1] } });
    engine.register(Object.values(concepts));
    engine.registerSyncs(directFlowSyncs);
    return engine;
  };

  it("tells the driver's network, selection and shutdown errors from final ones", () => {
    expect(isTransientError(networkError())).toBe(true);
    expect(isTransientError(Object.assign(new Error("x"), { name: "MongoServerSelectionError" }))).toBe(true);
    expect(isTransientError(Object.assign(new Error("shutting down"), { code: 11600 }))).toBe(true);
    expect(isTransientError(Object.assign(new Error("dup"), { code: 11000 }))).toBe(false);
    expect(isTransientError(new TypeError("a bug"))).toBe(false);
  });

  it("sees through the driver's bulk-write wrapper around a command that could not reach the server", () => {
    // insertMany/bulkWrite wrap the network error of a command in a MongoBulkWriteError with
    // no code, no labels and no cause (the driver's bulk/common.js): taken for final, an
    // acknowledged completion's statistics were once recorded as failed while the database restarted.
    const wrapped = new MongoBulkWriteError(new MongoNetworkError("connection 7 to 127.0.0.1:27017 closed"), {} as never);
    expect(wrapped.code).toBeUndefined();
    expect(isTransientError(wrapped)).toBe(true);
    expect(isTransientError(new MongoBulkWriteError({ message: "dup", code: 11000, writeErrors: [] } as never, {} as never))).toBe(false);
  });

  it("runs a then-action again with the same key until the database answers, and records only its real outcome", async () => {
    const concepts = testConcepts();
    const flaky = flakyStats(concepts, 2);
    const engine = engineOn(concepts, "flaky");
    await engine.start();
    concepts.sessions.start("t1", "ann", 20);
    const { failures } = await engine.invoke(Sessions.end, { session: "t1" });
    await engine.stop();
    expect(failures).toEqual([]);
    expect(concepts.stats.totals.get("ann")).toBe(20);
    expect(flaky.keys).toHaveLength(3);
    expect(new Set(flaky.keys).size).toBe(1);
    expect(await countLogged(database.db, "flaky", "Stats.record", (record) => record.thrown === undefined)).toBe(1);
  });

  it("leaves the flow pending when the database stays away, and the recovery pass finishes it once it is back", async () => {
    const concepts = testConcepts();
    const flaky = flakyStats(concepts, 4);
    const live = engineOn(concepts, "outage", 0);
    await live.start();
    concepts.sessions.start("t2", "bo", 35);
    await expect(live.invoke(Sessions.end, { session: "t2" })).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await live.stop();
    // Not recorded as a failure: still pending, with the end written ahead.
    expect(concepts.stats.totals.size).toBe(0);
    expect(await pendingFlows(database.db, "outage")).toBe(1);

    const recovering = engineOn(concepts, "outage", 0);
    await recovering.start();
    await recovering.stop();
    expect(flaky.failuresLeft).toBe(0);
    expect(concepts.stats.totals.get("bo")).toBe(35);
    expect(concepts.streak.current.get("bo")).toBe(1);
    expect(concepts.badge.awarded.get("bo")).toEqual(new Set(["streak"]));
    expect(new Set(flaky.keys).size).toBe(1);
    expect(await pendingFlows(database.db, "outage")).toBe(0);
    expect(await countLogged(database.db, "outage", "Sessions.end")).toBe(1);
  });
});
