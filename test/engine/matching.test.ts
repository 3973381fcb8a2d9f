import { describe, expect, it } from "vitest";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Badge, Requests, Sessions, Stats, Streak } from "./support/concepts.ts";
import { engineWith } from "./support/engine.ts";
import { requestFlowSyncs } from "./support/syncs.ts";

describe("when-patterns", () => {
  it("a sync with one pattern fires when its action happens, binding output fields to variables", async () => {
    const CountEndedSessions: Sync<{ user: string; minutes: number }> = ({ user, minutes }) => ({
      when: actions([Sessions.end, {}, { user, minutes }]),
      then: actions([Stats.record, { user, minutes }]),
    });
    const { engine, concepts } = engineWith({ CountEndedSessions });
    concepts.sessions.start("s1", "ada", 30);
    await engine.invoke(Sessions.end, { session: "s1" });
    expect(concepts.stats.totals.get("ada")).toBe(30);
  });

  it("a literal in an input pattern must equal the action's input", async () => {
    const OnlyEndRoute: Sync = ({ id }) => ({
      when: actions([Requests.request, { path: "/end", id }, {}]),
      then: actions([Sessions.end, { session: id }]),
    });
    const { engine, concepts } = engineWith({ OnlyEndRoute });
    concepts.sessions.start("s1", "ada");
    await engine.invoke(Requests.request, { path: "/other", id: "s1" });
    expect(concepts.sessions.open.has("s1")).toBe(true);
    await engine.invoke(Requests.request, { path: "/end", id: "s1" });
    expect(concepts.sessions.open.has("s1")).toBe(false);
  });

  it("among many syncs on one action, a record meets those whose literal is its value and those with none, in registration order", async () => {
    // Twelve syncs on Requests.request: enough for the matcher to index them by `path`.
    const fired: string[] = [];
    const syncs: Record<string, Sync> = {};
    for (const [name, path] of [["A1", "/a"], ["B1", "/b"], ["Any1", undefined], ["A2", "/a"], ["C", "/c"], ["D", "/d"], ["E", "/e"], ["F", "/f"], ["A3", "/a"], ["Any2", undefined], ["B2", "/b"], ["G", "/g"]] as const) {
      syncs[name] = ({ request, seen }) => ({
        when: actions([Requests.request, path === undefined ? { path: seen } : { path }, { request }]),
        where: (frames) => {
          fired.push(name);
          return frames;
        },
        then: actions(),
      });
    }
    const { engine } = engineWith(syncs);
    await engine.invoke(Requests.request, { path: "/a" });
    expect(fired).toEqual(["A1", "Any1", "A2", "A3", "Any2"]);
    fired.length = 0;
    await engine.invoke(Requests.request, { path: "/nowhere" });
    expect(fired).toEqual(["Any1", "Any2"]);
  });

  it("a sync with many patterns fires once all of them happened in the same flow", async () => {
    const { engine, concepts } = engineWith(requestFlowSyncs);
    concepts.sessions.start("s1", "ada");
    const { output } = await engine.invoke(Requests.request, { path: "/sessions/end", id: "s1" });
    expect(concepts.requests.responses.get((output as { request: string }).request)).toEqual({ session: "s1", badge: "streak" });
  });

  it("records of other flows never complete a many-pattern sync", async () => {
    const RespondWithTotal: Sync<{ request: string; total: number }> = ({ request, total }) => ({
      when: actions([Requests.request, { path: "/total" }, { request }], [Stats.record, {}, { total }]),
      then: actions([Requests.respond, { request, body: total }]),
    });
    const { engine, concepts } = engineWith({ RespondWithTotal });
    const { output } = await engine.invoke(Requests.request, { path: "/total" });
    await engine.invoke(Stats.record, { user: "ada", minutes: 5 });
    expect(concepts.requests.responses.has((output as { request: string }).request)).toBe(false);
  });

  it("a variable used in two patterns must have the same value in both", async () => {
    const StreakForSameUser: Sync<{ user: string; request: string }> = ({ user, request }) => ({
      when: actions([Requests.request, { path: "/bump", user }, { request }], [Streak.bump, { user }, {}]),
      then: actions([Requests.respond, { request, body: user }]),
    });
    const BumpOnRequest: Sync<{ requested: string }> = ({ requested }) => ({
      when: actions([Requests.request, { path: "/bump", user: requested }, {}]),
      then: actions([Streak.bump, { user: "someone else" }], [Streak.bump, { user: requested }]),
    });
    const { engine, concepts } = engineWith({ StreakForSameUser, BumpOnRequest });
    const { output } = await engine.invoke(Requests.request, { path: "/bump", user: "ada" });
    expect(concepts.requests.responses.get((output as { request: string }).request)).toBe("ada");
    expect(concepts.requests.responses.size).toBe(1);
  });

  it("an output pattern naming error matches error outputs, and the others match successes only", async () => {
    const seen: string[] = [];
    const OnEndFailed: Sync<{ error: string }> = ({ error }) => ({
      when: actions([Sessions.end, {}, { error }]),
      then: actions([Badge.award, { user: "errors", badge: error }]),
    });
    const OnEnded: Sync = () => ({
      when: actions([Sessions.end, {}, {}]),
      then: actions([Badge.award, { user: "successes", badge: "ended" }]),
    });
    const { engine, concepts } = engineWith({ OnEndFailed, OnEnded });
    await engine.invoke(Sessions.end, { session: "missing" });
    seen.push(...(concepts.badge.awarded.get("errors") ?? []));
    expect(seen).toEqual(["no running session missing"]);
    expect(concepts.badge.awarded.has("successes")).toBe(false);
  });

  it("an invalid input is recorded as an error output that error syncs can match", async () => {
    const OnBadRecord: Sync<{ error: string }> = ({ error }) => ({
      when: actions([Stats.record, {}, { error }]),
      then: actions([Badge.award, { user: "errors", badge: error }]),
    });
    const { engine, concepts } = engineWith({ OnBadRecord });
    const { output } = await engine.invoke(Stats.record, { user: "ada", minutes: "many" });
    expect(output).toMatchObject({ reason: "invalid" });
    expect([...(concepts.badge.awarded.get("errors") ?? [])][0]).toMatch(/minutes/);
  });

  it("a sync fires exactly once for each set of matched records", async () => {
    const BadgeForEachBump: Sync<{ user: string; request: string }> = ({ user, request }) => ({
      when: actions([Requests.request, { path: "/twice" }, { request }], [Streak.bump, { user }, {}]),
      then: actions([Stats.record, { user, minutes: 1 }]),
    });
    const BumpTwice: Sync = () => ({
      when: actions([Requests.request, { path: "/twice" }, {}]),
      then: actions([Streak.bump, { user: "ada" }], [Streak.bump, { user: "bob" }], [Streak.bump, { user: "ada" }]),
    });
    const { engine, concepts } = engineWith({ BadgeForEachBump, BumpTwice });
    await engine.invoke(Requests.request, { path: "/twice" });
    expect(concepts.stats.totals.get("ada")).toBe(2);
    expect(concepts.stats.totals.get("bob")).toBe(1);
  });

  it("syncs chain: actions run by one sync complete others, transitively, in the invoked flow", async () => {
    const { engine, concepts } = engineWith(requestFlowSyncs);
    concepts.sessions.start("s1", "ada");
    const { flow, record } = await engine.invoke(Requests.request, { path: "/sessions/end", id: "s1" });
    expect(concepts.stats.totals.get("ada")).toBe(25);
    expect(concepts.streak.current.get("ada")).toBe(1);
    expect(concepts.badge.awarded.get("ada")).toEqual(new Set(["streak"]));
    expect(flow).not.toBe(record);
  });

  it("then-actions run in declared order", async () => {
    const order: string[] = [];
    const InOrder: Sync = () => ({
      when: actions([Requests.request, { path: "/order" }, {}]),
      then: actions([Streak.bump, { user: "first" }], [Stats.record, { user: "second", minutes: 1 }], [Badge.award, { user: "third", badge: "b" }]),
    });
    const noting = <I extends { user: string }, O>(method: (input: I) => Promise<O>) => async (input: I) => {
      order.push(input.user);
      return method(input);
    };
    const { engine } = engineWith({ InOrder }, {}, ({ streak, stats, badge }) => {
      streak.bump = noting(streak.bump.bind(streak));
      stats.record = noting(stats.record.bind(stats));
      badge.award = noting(badge.award.bind(badge));
    });
    await engine.invoke(Requests.request, { path: "/order" });
    expect(order).toEqual(["first", "second", "third"]);
  });

  it("an action invoked into a running flow completes syncs with that flow's records", async () => {
    const RespondWithTotal: Sync<{ request: string; total: number }> = ({ request, total }) => ({
      when: actions([Requests.request, { path: "/total" }, { request }], [Stats.record, {}, { total }]),
      then: actions([Requests.respond, { request, body: total }]),
    });
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { engine, concepts } = engineWith({ RespondWithTotal }, {}, (concepts) => {
      const original = concepts.requests.request.bind(concepts.requests);
      concepts.requests.request = async () => {
        await gate;
        return original();
      };
    });
    const requested = engine.invoke(Requests.request, { path: "/total" }, { flow: "shared" });
    await engine.invoke(Stats.record, { user: "ada", minutes: 7 }, { flow: "shared" });
    release();
    const { output } = await requested;
    expect(concepts.requests.responses.get((output as { request: string }).request)).toBe(7);
  });
});

describe("patternLiterals", () => {
  it("lists the literal values when-patterns give to an input field", () => {
    const { engine } = engineWith(requestFlowSyncs);
    expect(engine.patternLiterals(Requests.request, "path")).toEqual(["/sessions/end"]);
    expect(engine.patternLiterals(Requests.request, "id")).toEqual([]);
  });
});
