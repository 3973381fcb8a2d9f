/**
 * A flow that gives up (issue 24): its deadline passes while its marker's write is still under
 * way (the database away, or too slow), so `invoke` rejects with `DatabaseUnavailableError`
 * (HTTP answers 503) before the action written ahead began. What happens when the write then
 * lands is the rule for a 503:
 *
 * - without a caller's key the caller was told "nothing happened": the marker is cancelled, and
 *   no engine, this one or one started later, ever runs the action;
 * - with a key the caller's retry asks for the outcome: the marker stays, and the recovery pass
 *   finishes the flow.
 */
import type { Collection, Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncEngine } from "../../src/engine/engine.ts";
import { DatabaseUnavailableError } from "../../src/engine/transient.ts";
import { pendingFlows } from "../support/action-log.ts";
import { testDatabase, type TestDatabase } from "../support/database.ts";
import { Sessions, testConcepts } from "./support/concepts.ts";
import { directFlowSyncs } from "./support/syncs.ts";

type Concepts = ReturnType<typeof testConcepts>;

/**
 * The database as the engine sees it, except that inserts into `<prefix>.flows` (markers)
 * wait until `release()`: a write in flight while the flow's deadline passes.
 */
function slowMarkers(db: Db, prefix: string): { db: Db; release(): void } {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const gated = (collection: Collection) =>
    new Proxy(collection, {
      get(target, property, receiver) {
        if (property !== "insertMany") return Reflect.get(target, property, receiver) as unknown;
        return async (...args: Parameters<Collection["insertMany"]>) => {
          await released;
          return target.insertMany(...args);
        };
      },
    });
  const proxied = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "collection") return Reflect.get(target, property, receiver) as unknown;
      return (name: string) => (name === `${prefix}.flows` ? gated(target.collection(name)) : target.collection(name));
    },
  });
  return { db: proxied, release };
}

describe("a flow given up before its written-ahead action began", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const engineOn = (db: Db, concepts: Concepts, prefix: string) => {
    // A lease of 0 s: a later engine may resume anything left pending at once, as after a kill -9.
    const engine = new SyncEngine({ db, collectionPrefix: prefix, leaseSeconds: 0, flowBudgetMs: 300 });
    engine.register(Object.values(concepts));
    engine.registerSyncs(directFlowSyncs);
    return engine;
  };

  async function giveUp(prefix: string, key: string | undefined): Promise<{ concepts: Concepts; later: SyncEngine }> {
    const concepts = testConcepts();
    concepts.sessions.start("s1", "ann", 30);
    const slow = slowMarkers(database.db, prefix);
    const engine = engineOn(slow.db, concepts, prefix);
    await engine.start();
    const invoked = engine.invoke(Sessions.end, { session: "s1" }, key === undefined ? {} : { key });
    await expect(invoked).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(await concepts.sessions._owner({ session: "s1" }), "given up before the action ran").toEqual([{ user: "ann" }]);
    // The marker's write lands after the caller was answered; then whatever follows it is written.
    slow.release();
    await engine.flushLog();
    await engine.stop();
    // Another engine (a restart, or a second server) on the same log and concepts.
    const later = engineOn(database.db, concepts, prefix);
    await later.start();
    await later.stop();
    return { concepts, later };
  }

  it("without a key: the marker is cancelled, and no engine ever runs the action", async () => {
    const { concepts } = await giveUp("given-up", undefined);
    expect(await pendingFlows(database.db, "given-up")).toBe(0);
    expect(await concepts.sessions._owner({ session: "s1" }), "the session is still running").toEqual([{ user: "ann" }]);
    expect(concepts.stats.totals.get("ann")).toBeUndefined();
  });

  it("with a key: the marker stays, and the recovery pass finishes the flow", async () => {
    const { concepts } = await giveUp("given-up-keyed", "retry-me");
    expect(await pendingFlows(database.db, "given-up-keyed")).toBe(0);
    expect(await concepts.sessions._owner({ session: "s1" }), "the session ended").toEqual([]);
    expect(concepts.stats.totals.get("ann")).toBe(30);
  });
});
