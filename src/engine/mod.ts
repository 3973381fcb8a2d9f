/**
 * `@engine`, as the 6.1040 template's `src/engine/mod.ts` exports it: `actions`, `Frames`,
 * `Sync`, `Vars`, `Empty`, `SyncConcept` and `Logging`, over this project's engine (whose
 * full API is `./index.ts`). `Sync`, `Vars` and `Empty` are values as well as types, so
 * `import { actions, Sync } from "@engine"` written without `type` runs under Node too.
 */
import type { Sync as SyncType } from "./sync.ts";
import type { Untyped, UntypedVars } from "./vars.ts";

export { actions } from "./patterns.ts";
export { Frames } from "./frames.ts";
export { Logging, SyncConcept } from "./sync-concept.ts";
export { Empty } from "../utils/types.ts";

/** A synchronization (`Sync<{ user: string }>` types its variables). */
export type Sync<V = Untyped> = SyncType<V>;
/** Declares a sync, checked against `Sync`: `export const S = Sync(({ a }) => ({ when, then }))`. */
export const Sync = <S extends SyncType>(sync: S): S => sync;

/** The template's untyped variables: any destructured name is a variable (a symbol), usable anywhere. */
export type Vars = UntypedVars;
/** Makes variables outside a sync (`const { a, b } = Vars()`), each a symbol named after its key. */
export const Vars = (): Record<string, symbol> => new Proxy({} as Record<string, symbol>, { get: (_target, name) => (typeof name === "string" ? Symbol(name) : undefined) });
