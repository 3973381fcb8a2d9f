/**
 * The crash window the write-ahead closes: an action's effect happened, the process died
 * before its record was written. The action was made durable as an intent before it ran, so a
 * restarted engine runs it again with the same idempotency key, and a concept that answers a
 * repeated key with its original outcome lets every sync that follows fire, once.
 */
import { MongoClient, type CommandStartedEvent } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ActionContext } from "../../src/engine/bindings.ts";
import { SyncEngine } from "../../src/engine/engine.ts";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { countLogged, pendingFlows } from "../support/action-log.ts";
import { testDatabase } from "../support/database.ts";
import type { TestDatabase } from "../support/database.ts";
import { Requests, Sessions, Stats, testConcepts } from "./support/concepts.ts";
import { directFlowSyncs, requestFlowSyncs } from "./support/syncs.ts";

type Concepts = ReturnType<typeof testConcepts>;
type EndOutput = Awaited<ReturnType<Concepts["sessions"]["end"]>>;

const never = new Promise<never>(() => {});

/**
 * Makes `sessions.end` answer a repeated idempotency key with its first outcome, as real
 * concepts do, and, while `crashAfterEffect` is set, hang for good once the effect is done:
 * the engine that called it never writes the record, as if killed at that moment.
 */
function endWithReplay(concepts: Concepts) {
  const end = concepts.sessions.end.bind(concepts.sessions);
  const outcomes = new Map<string, EndOutput>();
  const state = { crashAfterEffect: true, keys: [] as (string | undefined)[], effects: 0 };
  let reached: () => void = () => {};
  const effectDone = new Promise<void>((resolve) => (reached = resolve));
  concepts.sessions.end = async (input: { session: string }, context?: ActionContext) => {
    const key = context?.idempotencyKey;
    state.keys.push(key);
    const earlier = key === undefined ? undefined : outcomes.get(key);
    if (earlier !== undefined) return earlier;
    const output = await end(input);
    state.effects++;
    if (key !== undefined) outcomes.set(key, output);
    if (state.crashAfterEffect) {
      reached();
      return never;
    }
    return output;
  };
  return { state, effectDone };
}

/** Ends a session only while it has an owner: after the effect, this where-clause finds nothing. */
const EndOwnedSessionOnRequest: Sync<{ id: string; user: string }> = ({ id, user }) => ({
  when: actions([Requests.request, { path: "/sessions/end", id }, {}]),
  where: (frames) => frames.query(Sessions._owner, { session: id }, { user }),
  then: actions([Sessions.end, { session: id }]),
});

describe("write-ahead: an action whose effect happened but whose record was lost", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const engineOn = (concepts: Concepts, prefix: string, syncs: Record<string, Sync>) => {
    // A lease of 0 s: the stopped engine's flow counts as abandoned at once, as after a kill -9.
    const engine = new SyncEngine({ db: database.db, collectionPrefix: prefix, leaseSeconds: 0 });
    engine.register(Object.values(concepts));
    engine.registerSyncs(syncs);
    return engine;
  };
  const countActions = (prefix: string, action: string) => countLogged(database.db, prefix, action);

  it("an external invocation is run again at restart with the same key, and its syncs fire exactly once", async () => {
    const concepts = testConcepts();
    const { state, effectDone } = endWithReplay(concepts);
    const crashed = engineOn(concepts, "external", directFlowSyncs);
    await crashed.start();
    concepts.sessions.start("s1", "ada", 30);
    void crashed.invoke(Sessions.end, { session: "s1" });
    await effectDone;
    await crashed.stop();
    expect(concepts.sessions.open.has("s1")).toBe(false);
    expect(concepts.stats.totals.size).toBe(0);

    state.crashAfterEffect = false;
    const restarted = engineOn(concepts, "external", directFlowSyncs);
    await restarted.start();
    await restarted.stop();
    expect(state.effects).toBe(1);
    expect(state.keys).toHaveLength(2);
    expect(state.keys[0]).toBeDefined();
    expect(state.keys[1]).toBe(state.keys[0]);
    expect(concepts.stats.totals.get("ada")).toBe(30);
    expect(concepts.streak.current.get("ada")).toBe(1);
    expect(concepts.badge.awarded.get("ada")).toEqual(new Set(["streak"]));
    expect(await countActions("external", "end")).toBe(1);

    const again = engineOn(concepts, "external", directFlowSyncs);
    await again.start();
    await again.stop();
    expect(state.keys).toHaveLength(2);
    expect(concepts.stats.totals.get("ada")).toBe(30);
    expect(concepts.streak.current.get("ada")).toBe(1);
    expect(await pendingFlows(database.db, "external")).toBe(0);
  });

  it("a sync's single then-action is run again as planned, not re-planned on the changed state, and its syncs fire exactly once", async () => {
    const concepts = testConcepts();
    const { state, effectDone } = endWithReplay(concepts);
    const syncs = { EndOwnedSessionOnRequest: EndOwnedSessionOnRequest as Sync, ...directFlowSyncs };
    const crashed = engineOn(concepts, "planned", syncs);
    await crashed.start();
    concepts.sessions.start("s2", "bob", 20);
    void crashed.invoke(Requests.request, { path: "/sessions/end", id: "s2" });
    await effectDone;
    await crashed.stop();
    // The where-clause would now find no owner: only the durable intent can finish the flow.
    expect(await crashed.query(Sessions._owner, { session: "s2" })).toEqual([]);

    state.crashAfterEffect = false;
    const restarted = engineOn(concepts, "planned", syncs);
    await restarted.start();
    await restarted.stop();
    expect(state.effects).toBe(1);
    expect(state.keys).toHaveLength(2);
    expect(state.keys[1]).toBe(state.keys[0]);
    expect(concepts.stats.totals.get("bob")).toBe(20);
    expect(concepts.streak.current.get("bob")).toBe(1);
    expect(concepts.badge.awarded.get("bob")).toEqual(new Set(["streak"]));
    expect(await countActions("planned", "end")).toBe(1);
    expect(await countActions("planned", "record")).toBe(1);
    expect(await countActions("planned", "bump")).toBe(1);
  });

  it("writes ahead only what recovery needs: the action whose record syncs with durable effects wait for, never what firing again redoes", async () => {
    const client = await MongoClient.connect(inject("mongoUri"), { monitorCommands: true });
    try {
      const db = client.db(database.db.databaseName);
      const intentsOf = async (prefix: string, syncs: Record<string, Sync>, run: (engine: SyncEngine, concepts: Concepts) => Promise<unknown>) => {
        const written: string[] = [];
        const listener = (event: CommandStartedEvent) => {
          if (event.command[event.commandName] !== `${prefix}.flows`) return;
          const docs = (event.command["documents"] ?? []) as { state: string; intents?: { concept: string; action: string }[] }[];
          for (const doc of docs) for (const intent of doc.intents ?? []) written.push(`${intent.concept}.${intent.action}`);
          const updates = (event.command["updates"] ?? []) as { u: { $push?: { intents: { $each: { concept: string; action: string }[] } } } }[];
          for (const update of updates) for (const intent of update.u.$push?.intents.$each ?? []) written.push(`${intent.concept}.${intent.action}`);
        };
        client.on("commandStarted", listener);
        const concepts = testConcepts();
        const engine = new SyncEngine({ db, collectionPrefix: prefix, leaseSeconds: 0 });
        engine.register(Object.values(concepts));
        engine.registerSyncs(syncs);
        await engine.start();
        await run(engine, concepts);
        await engine.stop();
        client.off("commandStarted", listener);
        expect(await pendingFlows(db, prefix)).toBe(0);
        return written;
      };
      const endOn = (session: string) => async (engine: SyncEngine, concepts: Concepts) => {
        concepts.sessions.start(session, "cy");
        await engine.invoke(Requests.request, { path: "/sessions/end", id: session });
      };
      // The request is ephemeral (nothing to redo after a crash); the end its sync runs is what
      // stats, streak and badge wait for. What follows the end is planned again from it.
      expect(await intentsOf("plain", requestFlowSyncs, endOn("s3"))).toEqual(["Sessions.end"]);
      const owned = { EndOwnedSessionOnRequest: EndOwnedSessionOnRequest as Sync, ...directFlowSyncs };
      expect(await intentsOf("chosen", owned, endOn("s4"))).toEqual(["Sessions.end"]);
      // An external invocation whose record syncs wait for is written ahead, and nothing after it.
      const direct = async (engine: SyncEngine, concepts: Concepts) => {
        concepts.sessions.start("s5", "cy");
        await engine.invoke(Sessions.end, { session: "s5" });
      };
      expect(await intentsOf("direct", directFlowSyncs, direct)).toEqual(["Sessions.end"]);
      // An action nothing durable follows needs no intent: a crash loses nothing a restart could make good.
      const lone = async (engine: SyncEngine) => engine.invoke(Stats.record, { user: "cy", minutes: 5 });
      expect(await intentsOf("lone", directFlowSyncs, lone)).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("a read, a flow that changes no durable state, writes nothing at all", async () => {
    const AnswerTotal: Sync<{ user: string; request: string; total: number }> = ({ user, request, total }) => ({
      when: actions([Requests.request, { path: "/total", user }, { request }]),
      where: (frames) => frames.query(Stats._total, { user }, { total }),
      then: actions([Requests.respond, { request, body: { total } }]),
    });
    const client = await MongoClient.connect(inject("mongoUri"), { monitorCommands: true });
    try {
      const db = client.db(database.db.databaseName);
      const concepts = testConcepts();
      const engine = new SyncEngine({ db, collectionPrefix: "reads" });
      engine.register(Object.values(concepts));
      engine.registerSyncs({ AnswerTotal: AnswerTotal as Sync });
      await engine.start();
      await concepts.stats.record({ user: "eve", minutes: 12 });
      const commands: string[] = [];
      // The engine's heartbeat (its beats, and its farewell at stop) is the engine's life, not the flows'.
      const heartbeat = (event: CommandStartedEvent) => event.command[event.commandName] === "reads.engines";
      client.on("commandStarted", (event: CommandStartedEvent) => void (heartbeat(event) || commands.push(event.commandName)));
      const { output } = await engine.invoke(Requests.request, { path: "/total", user: "eve" });
      await engine.invoke(Requests.request, { path: "/elsewhere" });
      await engine.stop();
      expect(concepts.requests.take((output as { request: string }).request)).toEqual({ total: 12 });
      expect(commands.filter((name) => !["hello", "isMaster", "ismaster", "ping"].includes(name))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
