/** What the HTTP edge needs of the synchronization engine, and nothing more. */
import type { SyncEngine } from "../../engine/engine.ts";

/** `observeFlows`, `syncDeclarations` and `flushLog` serve the dev console (src/edges/dev-console/). */
export type HttpEngine = Pick<SyncEngine, "invoke" | "query" | "queryBatches" | "patternLiterals" | "provenance" | "observeFlows" | "syncDeclarations" | "flushLog">;
