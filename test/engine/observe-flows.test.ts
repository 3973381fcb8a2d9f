import { describe, expect, it } from "vitest";
import type { EndedFlow } from "../../src/engine/index.ts";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Requests, Stats } from "./support/concepts.ts";
import { engineWith } from "./support/engine.ts";

const RecordStats: Sync = () => ({
  when: actions([Requests.request, { path: "/go" }, {}]),
  then: actions([Stats.record, { user: "ada", minutes: 1 }]),
});

describe("observing flows (engine.observeFlows)", () => {
  it("tells an observer of each flow as it ends, with its records and their causes, until it stops", async () => {
    const { engine } = engineWith({ RecordStats });
    const seen: EndedFlow[] = [];
    const stop = engine.observeFlows((flow) => seen.push(flow));
    const { flow } = await engine.invoke(Requests.request, { path: "/go" });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ flow, finished: true, failures: [] });
    expect(seen[0]!.records.map((record) => [`${record.concept}.${record.action}`, record.cause?.sync])).toEqual([
      ["Requests.request", undefined],
      ["Stats.record", "RecordStats"],
    ]);

    stop();
    await engine.invoke(Requests.request, { path: "/go" });
    expect(seen).toHaveLength(1);
  });

  it("keeps running a flow whose observer throws, and tells the other observers", async () => {
    const { engine, concepts } = engineWith({ RecordStats });
    engine.observeFlows(() => {
      throw new Error("a buggy watcher");
    });
    const told: string[] = [];
    engine.observeFlows((flow) => told.push(flow.flow));
    const { flow } = await engine.invoke(Requests.request, { path: "/go" });
    expect(told).toEqual([flow]);
    expect(concepts.stats.totals.get("ada")).toBe(1);
  });
});
