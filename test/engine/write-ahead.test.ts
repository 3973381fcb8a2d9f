/**
 * The crash window the write-ahead closes: an action's effect happened, the process died
 * before its record was written. The action was made durable as an intent before it ran, so a
 * restarted engine runs it again with the same idempotency key, and a concept that answers a
 * repeated key with its original outcome lets every sync that follows fire, once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/engine/bindings.ts";
import { SyncEngine } from "../../src/engine/engine.ts";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { testDatabase } from "../support/database.ts";
import type { TestDatabase } from "../support/database.ts";
import { Requests, Sessions, testConcepts } from "./support/concepts.ts";
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
  const countActions = (prefix: string, action: string) => database.db.collection(`${prefix}.actions`).countDocuments({ action });

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
    expect(await database.db.collection("external.pending").countDocuments()).toBe(0);
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

  it("writes an intent document only where firing again on resume could not redo the work: a where-chosen then-action that syncs watch", async () => {
    const intentsOf = async (prefix: string, syncs: Record<string, Sync>, session: string) => {
      const concepts = testConcepts();
      const engine = engineOn(concepts, prefix, syncs);
      await engine.start();
      concepts.sessions.start(session, "cy");
      const { flow } = await engine.invoke(Requests.request, { path: "/sessions/end", id: session });
      await engine.stop();
      const intents = await database.db.collection(`${prefix}.intents`).find({ flow }).sort({ seq: 1 }).toArray();
      const recordIds = new Set((await database.db.collection(`${prefix}.actions`).find({ flow }).toArray()).map((record) => record._id));
      expect(intents.every((intent) => recordIds.has(intent._id))).toBe(true);
      return intents.map((intent) => `${intent.concept}.${intent.action}`);
    };
    // The invocation's intent rides on the flow's pending marker (gone once the flow finished);
    // syncs without a where-clause plan the same action with the same key when they fire again.
    expect(await intentsOf("plain", requestFlowSyncs, "s3")).toEqual([]);
    const owned = { EndOwnedSessionOnRequest: EndOwnedSessionOnRequest as Sync, ...directFlowSyncs };
    expect(await intentsOf("chosen", owned, "s4")).toEqual(["Sessions.end"]);
  });
});
