import { describe, expect, it } from "vitest";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Badge, Requests, Stats, Streak } from "./support/concepts.ts";
import { engineWith } from "./support/engine.ts";

const BumpThenAward: Sync = () => ({
  when: actions([Requests.request, { path: "/go" }, {}]),
  then: actions([Streak.bump, { user: "ada" }], [Badge.award, { user: "ada", badge: "after-bump" }]),
});
const RecordStats: Sync = () => ({
  when: actions([Requests.request, { path: "/go" }, {}]),
  then: actions([Stats.record, { user: "ada", minutes: 1 }]),
});

describe("exceptions in then-actions", () => {
  it("are reported with their flow, skip the rest of their sync, and leave unrelated syncs running", async () => {
    const { engine, concepts } = engineWith({ BumpThenAward, RecordStats }, {}, ({ streak }) => {
      streak.bump = async () => {
        throw new Error("streak store is down");
      };
    });
    const { failures, flow } = await engine.invoke(Requests.request, { path: "/go" });
    expect(failures).toMatchObject([{ flow, sync: "BumpThenAward", error: "Streak.bump threw: streak store is down" }]);
    expect(concepts.badge.awarded.size).toBe(0);
    expect(concepts.stats.totals.get("ada")).toBe(1);
  });

  it("in a where-clause fail only that sync", async () => {
    const BrokenWhere: Sync = () => ({
      when: actions([Requests.request, { path: "/go" }, {}]),
      where: () => {
        throw new Error("bug in where");
      },
      then: actions([Badge.award, { user: "ada", badge: "never" }]),
    });
    const { engine, concepts } = engineWith({ BrokenWhere, RecordStats });
    const { failures } = await engine.invoke(Requests.request, { path: "/go" });
    expect(failures.map((failure) => failure.error)).toEqual(["bug in where"]);
    expect(concepts.stats.totals.get("ada")).toBe(1);
  });

  it("an exception in the invoked action itself rejects the invocation, and the engine keeps serving", async () => {
    const { engine, concepts } = engineWith({ RecordStats }, {}, ({ requests }) => {
      const request = requests.request.bind(requests);
      let calls = 0;
      requests.request = async () => {
        if (calls++ === 0) throw new Error("first request fails");
        return request();
      };
    });
    await expect(engine.invoke(Requests.request, { path: "/go" })).rejects.toThrow("first request fails");
    await engine.invoke(Requests.request, { path: "/go" });
    expect(concepts.stats.totals.get("ada")).toBe(1);
  });
});
