import { describe, expect, it } from "vitest";
import { Requests } from "./support/concepts.ts";
import { chainSyncs } from "./support/chain.ts";
import { engineWith } from "./support/engine.ts";
import { heapAfterGc } from "./support/gc.ts";
import { requestFlowSyncs } from "./support/syncs.ts";

describe("cost", () => {
  it("finished flows leave memory: the heap after GC stays flat over 100k request flows", async () => {
    const { engine, concepts } = engineWith(requestFlowSyncs);
    const run = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        concepts.sessions.start(`s${i}`, `u${i % 100}`);
        const { output } = await engine.invoke(Requests.request, { path: "/sessions/end", id: `s${i}` });
        concepts.requests.take((output as { request: string }).request);
      }
    };
    await run(0, 10_000);
    const before = heapAfterGc();
    await run(10_000, 100_000);
    const retainedPerFlow = (heapAfterGc() - before) / 100_000;
    expect(concepts.stats.totals.size).toBe(100);
    expect(retainedPerFlow).toBeLessThan(100);
  }, 120_000);

  it("a 16k-action flow costs linear time", async () => {
    const timeOf = async (actions: number) => {
      const { engine, concepts } = engineWith(chainSyncs(actions));
      const started = performance.now();
      const { output } = await engine.invoke(Requests.request, { path: "/chain" });
      const elapsed = performance.now() - started;
      expect(concepts.stats.totals.get("chain")).toBe(actions);
      expect(concepts.requests.responses.get((output as { request: string }).request)).toBe(actions);
      return elapsed;
    };
    await timeOf(2_000);
    const quarter = Math.min(await timeOf(4_000), await timeOf(4_000));
    const full = Math.min(await timeOf(16_000), await timeOf(16_000));
    // Linear: 4x the actions cost about 4x the time; quadratic would cost 16x.
    expect(full / quarter).toBeLessThan(8);
    expect(full).toBeLessThan(1_000);
  }, 60_000);
});
