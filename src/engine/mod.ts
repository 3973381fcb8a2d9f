/**
 * `@engine`, as the 6.1040 template's `src/engine/mod.ts` exports it: `actions`, `Frames`,
 * `Sync`, `Vars`, `Empty`, `SyncConcept` and `Logging`, over this project's engine (whose
 * full API is `./index.ts`). Code written against it runs with the template's semantics
 * (`./template/README.md`): `actions` marks its syncs, and `Frames` are the template's.
 * `Sync`, `Vars` and `Empty` are values as well as types, so
 * `import { actions, Sync } from "@engine"` written without `type` runs under Node too.
 */
import type { Sync as SyncType } from "./sync.ts";
import type { TemplateSync } from "./template/sync.ts";
import type { Untyped, UntypedVars } from "./vars.ts";

export { actions } from "./template/actions.ts";
export { TemplateFrames as Frames } from "./template/frames.ts";
export { Logging, SyncConcept } from "./sync-concept.ts";
export { Empty } from "../utils/types.ts";

/** A synchronization, as the template writes it (`Sync<{ user: string }>` types its variables, the project's way). */
export type Sync<V = Untyped> = [V] extends [Untyped] ? TemplateSync : SyncType<V>;
/** Declares a sync, checked against `Sync`: `export const S = Sync(({ a }) => ({ when, then }))`. */
export const Sync = <S extends TemplateSync | SyncType>(sync: S): S => sync;

/** The template's untyped variables: any destructured name is a variable (a symbol), usable anywhere. */
export type Vars = UntypedVars;
/** Makes variables outside a sync (`const { a, b } = Vars()`), each a symbol named after its key. */
export const Vars = (): Record<string, symbol> => new Proxy({} as Record<string, symbol>, { get: (_target, name) => (typeof name === "string" ? Symbol(name) : undefined) });
