import { describe, expect, it } from "vitest";
import { discoverConcepts, discoverSyncs } from "../../src/engine/discover.ts";
import { SyncEngine } from "../../src/engine/engine.ts";
import { Counter, CounterConcept } from "./fixtures/concepts/Counter/CounterConcept.ts";

const fixtures = "test/engine/fixtures";

describe("discovery", () => {
  it("finds every <Name>/<Name>Concept.ts exporting a concept class, and nothing else", async () => {
    const concepts = await discoverConcepts(`${fixtures}/concepts`);
    expect(concepts.map((concept) => concept.conceptName)).toEqual(["Counter"]);
  });

  it("finds every exported sync of every *.sync.ts below the folder, skipping helpers", async () => {
    const syncs = await discoverSyncs(`${fixtures}/syncs`);
    expect(Object.keys(syncs).sort()).toEqual(["CountTwiceOnLargeSteps", "NestedSyncsAreFound"]);
  });

  it("an engine built from discovered concepts and syncs runs them", async () => {
    const engine = new SyncEngine();
    for (const conceptClass of await discoverConcepts(`${fixtures}/concepts`)) engine.registerConcept(conceptClass, new conceptClass({} as never));
    engine.registerSyncs(await discoverSyncs(`${fixtures}/syncs`));
    const { output } = await engine.invoke(Counter.increment, { by: 10 });
    expect(output).toEqual({ count: 10 });
    expect(await engine.invoke(Counter.increment, { by: 0 })).toMatchObject({ output: { count: 11 } });
    expect(CounterConcept.conceptName).toBe("Counter");
  });

  it("a missing syncs folder holds no syncs", async () => {
    expect(await discoverSyncs(`${fixtures}/nowhere`)).toEqual({});
  });
});
