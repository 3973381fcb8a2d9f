import { describe, expect, it } from "vitest";
import { valueOf } from "../../src/engine/frames.ts";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Badge, Requests, Sessions, Stats } from "./support/concepts.ts";
import { engineWith } from "./support/engine.ts";

type RequestVars = { request: string; user: string };
const requested = (path: string) => actions([Requests.request, { path }, {}]);

async function respondedBody(path: string, sync: Sync<RequestVars & Record<string, unknown>>, prepare: Parameters<typeof engineWith>[2] = () => {}): Promise<unknown[]> {
  const { engine, concepts } = engineWith({ Under: sync as Sync }, {}, prepare);
  const { output } = await engine.invoke(Requests.request, { path, user: "ada" });
  const request = (output as { request: string }).request;
  return [...concepts.requests.responses.entries()].filter(([id]) => id === request).map(([, body]) => body);
}

describe("where-clauses", () => {
  it("zero frames: the then-clause does not run", async () => {
    const RespondWithTotal: Sync<{ request: string; user: string; total: number }> = ({ request, user, total }) => ({
      when: actions([Requests.request, { path: "/total", user }, { request }]),
      where: (frames) => frames.query(Stats._total, { user }, { total }),
      then: actions([Requests.respond, { request, body: total }]),
    });
    expect(await respondedBody("/total", RespondWithTotal as Sync)).toEqual([]);
  });

  it("one frame: a query binds row fields to variables for the then-clause", async () => {
    const RespondWithTotal: Sync<{ request: string; user: string; total: number }> = ({ request, user, total }) => ({
      when: actions([Requests.request, { path: "/total", user }, { request }]),
      where: (frames) => frames.query(Stats._total, { user }, { total }),
      then: actions([Requests.respond, { request, body: total }]),
    });
    const bodies = await respondedBody("/total", RespondWithTotal as Sync, ({ stats }) => stats.totals.set("ada", 42));
    expect(bodies).toEqual([42]);
  });

  it("many frames: the then-clause runs once per frame", async () => {
    const CopyBadges: Sync<{ user: string; badge: string }> = ({ user, badge }) => ({
      when: actions([Requests.request, { path: "/copy", user }, {}]),
      where: (frames) => frames.query(Badge._badges, { user }, { badge }),
      then: actions([Badge.award, { user: "copy", badge }]),
    });
    const { engine, concepts } = engineWith({ CopyBadges: CopyBadges as Sync }, {}, ({ badge }) => {
      badge.awarded.set("ada", new Set(["a", "b", "c"]));
    });
    await engine.invoke(Requests.request, { path: "/copy", user: "ada" });
    expect(concepts.badge.awarded.get("copy")).toEqual(new Set(["a", "b", "c"]));
  });

  it("collectAs gathers many frames into one, as a list of objects named after the variables", async () => {
    const ListBadges: Sync<{ request: string; user: string; badge: string; badges: { badge: string }[] }> = ({ request, user, badge, badges }) => ({
      when: actions([Requests.request, { path: "/badges", user }, { request }]),
      where: async (frames) => (await frames.query(Badge._badges, { user }, { badge })).collectAs([badge], badges),
      then: actions([Requests.respond, { request, body: badges }]),
    });
    const bodies = await respondedBody("/badges", ListBadges as Sync, ({ badge }) => badge.awarded.set("ada", new Set(["a", "b"])));
    expect(bodies).toEqual([[{ badge: "a" }, { badge: "b" }]]);
  });

  it("queryAll binds the whole (possibly empty) list of rows and keeps the frame", async () => {
    const ListBadges: Sync<{ request: string; user: string; badges: { badge: string }[] }> = ({ request, user, badges }) => ({
      when: actions([Requests.request, { path: "/badges", user }, { request }]),
      where: (frames) => frames.queryAll(Badge._badges, { user }, badges),
      then: actions([Requests.respond, { request, body: badges }]),
    });
    expect(await respondedBody("/badges", ListBadges as Sync)).toEqual([[]]);
  });

  it("queryOrDefault keeps a frame with no rows, binding the defaults", async () => {
    const RespondWithTotal: Sync<{ request: string; user: string; total: number }> = ({ request, user, total }) => ({
      when: actions([Requests.request, { path: "/total", user }, { request }]),
      where: (frames) => frames.queryOrDefault(Stats._total, { user }, { total }, { total: 0 }),
      then: actions([Requests.respond, { request, body: total }]),
    });
    expect(await respondedBody("/total", RespondWithTotal as Sync)).toEqual([0]);
  });

  it("notExists keeps only the frames for which the query finds nothing", async () => {
    const WelcomeNewcomer: Sync<{ user: string }> = ({ user }) => ({
      when: actions([Requests.request, { path: "/hello", user }, {}]),
      where: (frames) => frames.notExists(Badge._badges, { user }),
      then: actions([Badge.award, { user, badge: "welcome" }]),
    });
    const { engine, concepts } = engineWith({ WelcomeNewcomer: WelcomeNewcomer as Sync });
    await engine.invoke(Requests.request, { path: "/hello", user: "ada" });
    await engine.invoke(Requests.request, { path: "/hello", user: "ada" });
    expect(concepts.badge.awarded.get("ada")).toEqual(new Set(["welcome"]));
  });

  it("bind and filter compute and select values per frame", async () => {
    const RespondWithDouble: Sync<{ request: string; user: string; total: number; double: number }> = ({ request, user, total, double }) => ({
      when: actions([Requests.request, { path: "/double", user }, { request }]),
      where: async (frames) =>
        (await frames.query(Stats._total, { user }, { total })).filter(($) => valueOf($, total) > 10).bind(double, ($) => valueOf($, total) * 2),
      then: actions([Requests.respond, { request, body: double }]),
    });
    expect(await respondedBody("/double", RespondWithDouble as Sync, ({ stats }) => stats.totals.set("ada", 21))).toEqual([42]);
    expect(await respondedBody("/double", RespondWithDouble as Sync, ({ stats }) => stats.totals.set("ada", 5))).toEqual([]);
  });

  it("a where-clause written in the template's untyped style still works", async () => {
    const Untyped: Sync = ({ request, user, total, results }) => ({
      when: actions([Requests.request, { path: "/untyped", user }, { request }]),
      where: async (frames) => {
        frames = await frames.query(Stats._total, { user }, { total });
        return frames.filter(($) => ($[total] as number) > 0).collectAs([total], results);
      },
      then: actions([Requests.respond, { request, body: results }]),
    });
    expect(await respondedBody("/untyped", Untyped, ({ stats }) => stats.totals.set("ada", 3))).toEqual([[{ total: 3 }]]);
  });

  it("a then-action naming an unbound variable fails its sync, reported with the flow", async () => {
    const Unbound: Sync = ({ request, nowhere }) => ({
      when: actions([Requests.request, { path: "/unbound" }, { request }]),
      then: actions([Requests.respond, { request, body: nowhere }]),
    });
    const { engine } = engineWith({ Unbound });
    const { failures, flow } = await engine.invoke(Requests.request, { path: "/unbound" });
    expect(failures).toMatchObject([{ flow, sync: "Unbound", error: expect.stringMatching(/"nowhere" is not bound/) }]);
  });

  it("requested() patterns can be shared between syncs", async () => {
    const EndOnRequest: Sync = () => ({ when: requested("/end-s1"), then: actions([Sessions.end, { session: "s1" }]) });
    const { engine, concepts } = engineWith({ EndOnRequest }, {}, ({ sessions }) => sessions.start("s1", "ada"));
    await engine.invoke(Requests.request, { path: "/end-s1" });
    expect(concepts.sessions.open.size).toBe(0);
  });
});
