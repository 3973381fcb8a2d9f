import { MongoClient } from "mongodb";
import type { CommandStartedEvent } from "mongodb";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { SyncEngine } from "../../src/engine/engine.ts";
import type { EngineOptions } from "../../src/engine/engine.ts";
import type { FlowProvenance, ProvenanceNode } from "../../src/engine/provenance.ts";
import { countLogged, loggedRecords, pendingFlows } from "../support/action-log.ts";
import { testDatabase } from "../support/database.ts";
import type { TestDatabase } from "../support/database.ts";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Requests, Sessions, Stats, Streak, testConcepts } from "./support/concepts.ts";
import { requestFlowSyncs } from "./support/syncs.ts";

type Concepts = ReturnType<typeof testConcepts>;

function durableEngine(database: TestDatabase, concepts: Concepts, options: EngineOptions = {}): SyncEngine {
  const engine = new SyncEngine({ db: database.db, ...options });
  engine.register(Object.values(concepts));
  engine.registerSyncs(requestFlowSyncs);
  return engine;
}

const never = new Promise<never>(() => {});

describe("the durable action log", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it("a flow interrupted after a session ended but before its stats were recorded is finished at restart, exactly once", async () => {
    const concepts = testConcepts();
    const keys: (string | undefined)[] = [];
    const record = concepts.stats.record.bind(concepts.stats);
    let reachedStats: () => void = () => {};
    const statsReached = new Promise<void>((resolve) => (reachedStats = resolve));
    // The first engine "crashes" inside Stats.record: its pending entry is written, the effect never happens.
    concepts.stats.record = async (_input, context?: { idempotencyKey?: string }) => {
      keys.push(context?.idempotencyKey);
      reachedStats();
      return never;
    };
    // A lease of 0 s: its pending work counts as abandoned at once, as it would be after a real crash.
    const crashed = durableEngine(database, concepts, { leaseSeconds: 0 });
    await crashed.start();
    concepts.sessions.start("s1", "ada", 30);
    void crashed.invoke(Requests.request, { path: "/sessions/end", id: "s1" });
    await statsReached;
    await crashed.stop();
    expect(concepts.stats.totals.size).toBe(0);
    expect(concepts.requests.responses.size).toBe(0);

    concepts.stats.record = async (input, context?: { idempotencyKey?: string }) => {
      keys.push(context?.idempotencyKey);
      return record(input);
    };
    const restarted = durableEngine(database, concepts, { leaseSeconds: 0 });
    await restarted.start();
    await restarted.stop();
    expect(concepts.stats.totals.get("ada")).toBe(30);
    expect(concepts.streak.current.get("ada")).toBe(1);
    expect(concepts.badge.awarded.get("ada")).toEqual(new Set(["streak"]));
    // The HTTP exchange died with the process: the request concept is ephemeral, nobody is answered.
    expect(concepts.requests.responses.size).toBe(0);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBeDefined();
    expect(keys[1]).toBe(keys[0]);

    const again = durableEngine(database, concepts, { leaseSeconds: 0 });
    await again.start();
    await again.stop();
    expect(concepts.stats.totals.get("ada")).toBe(30);
    expect(concepts.streak.current.get("ada")).toBe(1);
    expect(await pendingFlows(database.db)).toBe(0);
  });

  it("a sync interrupted between its then-actions finishes the rest at restart, as planned", async () => {
    const concepts = testConcepts();
    const RecordThenBump: Sync<{ user: string; minutes: number }> = ({ user, minutes }) => ({
      when: actions([Sessions.end, {}, { user, minutes }]),
      // Planned once: after the stats are recorded this where-clause would find nothing.
      where: (frames) => frames.notExists(Stats._total, { user }),
      then: actions([Stats.record, { user, minutes }], [Streak.bump, { user }]),
    });
    let reached: () => void = () => {};
    const bumpReached = new Promise<void>((resolve) => (reached = resolve));
    const bump = concepts.streak.bump.bind(concepts.streak);
    concepts.streak.bump = async () => {
      reached();
      return never;
    };
    const engineOn = (leaseSeconds: number) => {
      const engine = new SyncEngine({ db: database.db, collectionPrefix: "planned", leaseSeconds });
      engine.register(Object.values(concepts));
      engine.registerSyncs({ RecordThenBump: RecordThenBump as Sync });
      return engine;
    };
    const crashed = engineOn(0);
    await crashed.start();
    concepts.sessions.start("s4", "dee", 15);
    void crashed.invoke(Sessions.end, { session: "s4" });
    await bumpReached;
    await crashed.stop();
    concepts.streak.bump = bump;
    const restarted = engineOn(0);
    await restarted.start();
    await restarted.stop();
    expect(concepts.stats.totals.get("dee")).toBe(15);
    expect(concepts.streak.current.get("dee")).toBe(1);
    expect(await countLogged(database.db, "planned", "bump")).toBe(1);
    expect(await countLogged(database.db, "planned", "record")).toBe(1);
  });

  it("an unfinished flow of a live engine is left alone until its lease runs out", async () => {
    const concepts = testConcepts();
    let reached: () => void = () => {};
    const hanging = new Promise<void>((resolve) => (reached = resolve));
    concepts.streak.bump = async () => {
      reached();
      return never;
    };
    const live = durableEngine(database, concepts, { collectionPrefix: "lease", leaseSeconds: 60 });
    await live.start();
    concepts.sessions.start("s2", "bob");
    void live.invoke(Requests.request, { path: "/sessions/end", id: "s2" });
    await hanging;
    await live.stop();
    const otherConcepts = testConcepts();
    const other = durableEngine(database, otherConcepts, { collectionPrefix: "lease", leaseSeconds: 60 });
    await other.start();
    await other.stop();
    expect(otherConcepts.stats.totals.size + otherConcepts.streak.current.size).toBe(0);
    expect(await pendingFlows(database.db, "lease")).toBe(1);
  });

  it("records every action with its flow and cause, and answers provenance for a record and a flow", async () => {
    const concepts = testConcepts();
    const engine = durableEngine(database, concepts, { collectionPrefix: "provenance" });
    await engine.start();
    concepts.sessions.start("s3", "cy");
    const { flow, record } = await engine.invoke(Requests.request, { path: "/sessions/end", id: "s3" });
    await engine.stop();

    const actions = await loggedRecords(database.db, "provenance", flow);
    expect(actions.map((action) => `${action.concept}.${action.action}`).sort()).toEqual(
      ["Badge.award", "Requests.request", "Requests.respond", "Sessions.end", "Stats.record", "Streak.bump"].sort(),
    );
    const tree = (await engine.provenance(flow)) as FlowProvenance;
    const render = (node: ProvenanceNode): unknown => ({ [`${node.record.concept}.${node.record.action}`]: node.children.map(render) });
    expect(tree.roots.map(render)).toEqual([
      { "Requests.request": [{ "Sessions.end": [{ "Stats.record": [] }, { "Streak.bump": [{ "Badge.award": [{ "Requests.respond": [] }] }] }] }] },
    ]);
    const respond = actions.find((action) => action.action === "respond");
    const why = await engine.provenance(String(respond?.id));
    expect(why).toMatchObject({ kind: "record", sync: "RespondWhenSessionEnded" });
    expect(why?.kind === "record" && why.causes.map((cause) => cause.action)).toEqual(["request", "end", "award"]);
    expect(why?.kind === "record" && why.causes[0]?.id).toBe(record);
    expect(await pendingFlows(database.db, "provenance")).toBe(0);
  });

  it("reads a record an earlier version wrote as nested documents, and drops that version's index", async () => {
    const flows = database.db.collection<{ _id: string } & Record<string, unknown>>("earlier.flows");
    await flows.createIndex({ "records.id": 1 });
    const at = new Date("2026-11-30T10:00:00Z");
    const records = [
      { id: "r1", concept: "Requests", action: "request", input: { path: "/sessions/end", at }, output: { request: "q1" }, at },
      { id: "r2", concept: "Sessions", action: "end", input: { id: "s9" }, output: { user: "dee" }, cause: { sync: "EndSession", records: ["r1"], key: "EndSession|r1#0.0" }, at },
    ];
    await flows.insertOne({ _id: "old-flow", flow: "old-flow", state: "done", records, failures: [], at, finishedAt: at });
    const engine = new SyncEngine({ db: database.db, collectionPrefix: "earlier" });
    await engine.start();
    try {
      const tree = (await engine.provenance("old-flow")) as FlowProvenance;
      expect(tree.roots.map((root) => [root.record.id, root.children.map((child) => child.record.id)])).toEqual([["r1", ["r2"]]]);
      expect(tree.roots[0]?.record).toMatchObject({ input: { path: "/sessions/end", at }, at });
    } finally {
      await engine.stop();
    }
    expect((await flows.indexes()).map((index) => index.name)).not.toContain("records.id_1");
  });

  it("keeps records for the configured retention, through a TTL index", async () => {
    const engine = new SyncEngine({ db: database.db, collectionPrefix: "retention", retentionSeconds: 3600 });
    await engine.start();
    await engine.stop();
    const indexes = await database.db.collection("retention.flows").indexes();
    expect(indexes.find((index) => index.expireAfterSeconds !== undefined)).toMatchObject({ key: { finishedAt: 1 }, expireAfterSeconds: 3600 });
  });

  it("batches log writes: concurrent flows share round trips to the database", async () => {
    const client = await MongoClient.connect(inject("mongoUri"), { monitorCommands: true });
    try {
      const writes: string[] = [];
      client.on("commandStarted", (event: CommandStartedEvent) => {
        if (["insert", "update", "delete"].includes(event.commandName)) writes.push(event.commandName);
      });
      const concepts = testConcepts();
      const engine = new SyncEngine({ db: client.db(database.db.databaseName), collectionPrefix: "batched" });
      engine.register(Object.values(concepts));
      engine.registerSyncs(requestFlowSyncs);
      await engine.start();
      const flows = 200;
      for (let i = 0; i < flows; i++) concepts.sessions.start(`b${i}`, `u${i}`);
      writes.length = 0;
      await Promise.all(Array.from({ length: flows }, (_, i) => engine.invoke(Requests.request, { path: "/sessions/end", id: `b${i}` })));
      await engine.stop();
      expect(concepts.requests.responses.size).toBe(flows);
      expect(await loggedRecords(client.db(database.db.databaseName), "batched")).toHaveLength(flows * 6);
      // 1,200 records and 200 markers written then turned into records, in far fewer commands.
      expect(writes.length).toBeLessThan(flows / 4);
    } finally {
      await client.close();
    }
  });
});
