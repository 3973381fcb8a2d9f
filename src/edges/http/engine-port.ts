/** What the HTTP edge needs of the synchronization engine, and nothing more. */
import type { SyncEngine } from "../../engine/engine.ts";

export type HttpEngine = Pick<SyncEngine, "invoke" | "query" | "patternLiterals" | "provenance">;
