/** An in-memory engine over fresh test concepts, with the given syncs. */
import { SyncEngine } from "../../../src/engine/engine.ts";
import type { EngineOptions } from "../../../src/engine/engine.ts";
import type { Sync } from "../../../src/engine/sync.ts";
import { testConcepts } from "./concepts.ts";

type Concepts = ReturnType<typeof testConcepts>;

/** `prepare` may replace concept methods before the engine binds them. */
export function engineWith(
  syncs: Record<string, Sync>,
  options: EngineOptions = {},
  prepare: (concepts: Concepts, engine: SyncEngine) => void = () => {},
): { engine: SyncEngine; concepts: Concepts } {
  const concepts = testConcepts();
  const engine = new SyncEngine(options);
  prepare(concepts, engine);
  engine.register(Object.values(concepts));
  engine.registerSyncs(syncs);
  return { engine, concepts };
}
