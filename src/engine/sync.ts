/**
 * The sync DSL: a sync is a function of its variables returning `{ when, where?, then }`.
 * `compileSync` calls it once with variables made on demand and turns the declaration into
 * plain data the matcher indexes by concept and action.
 */
import type { Frames } from "./frames.ts";
import type { ActionList, PatternData } from "./patterns.ts";
import { isVariable, variablesProxy } from "./vars.ts";
import type { Untyped, Vars } from "./vars.ts";

export interface SyncDeclaration {
  /** Actions that happened in one flow; all must match for the sync to fire. */
  readonly when: ActionList;
  /** Frames in, frames out: filter and extend the bindings with concept queries. */
  readonly where?: (frames: Frames) => Frames | Promise<Frames>;
  /** Actions to run, in order, once for each frame `where` leaves. */
  readonly then: ActionList;
}

/**
 * A synchronization. `Sync<{ user: string }>` types its variables; plain `Sync` keeps the
 * template's untyped surface, where any destructured name is a variable.
 */
export type Sync<V = Untyped> = (vars: Vars<V>) => SyncDeclaration;

/** A when-pattern ready for matching: fields split into literal checks and variable bindings. */
export interface CompiledPattern {
  readonly concept: string;
  readonly action: string;
  /** `concept.action`, the index key. */
  readonly key: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly output: Readonly<Record<string, unknown>>;
  /** Output patterns naming `error` match error outputs; the others match successes only. */
  readonly matchesError: boolean;
}

export interface CompiledThen {
  readonly concept: string;
  readonly action: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface CompiledSync {
  readonly name: string;
  readonly when: readonly CompiledPattern[];
  readonly where: SyncDeclaration["where"];
  readonly then: readonly CompiledThen[];
  /** Its where-clause calls a query as a function (`await Concept._query(...)`): the engine records those reads. */
  readonly callsQueries: boolean;
}

export function operationKey(concept: string, action: string): string {
  return `${concept}.${action}`;
}

export function compileSync(name: string, sync: Sync): CompiledSync {
  const { vars } = variablesProxy();
  const declaration = sync(vars);
  if (declaration?.when?.patterns === undefined || declaration.then?.patterns === undefined) {
    throw new TypeError(`sync ${name}: expected { when: actions(...), then: actions(...) }`);
  }
  if (declaration.when.patterns.length === 0) throw new TypeError(`sync ${name}: when needs at least one action pattern`);
  return {
    name,
    when: declaration.when.patterns.map(compileWhen),
    where: declaration.where,
    then: declaration.then.patterns.map(({ ref, input }) => ({ concept: ref.concept, action: ref.name, input })),
    callsQueries: declaration.where !== undefined && callsQueryDirectly(declaration.where),
  };
}

/**
 * Whether a where-clause's source calls a query reference (`Sessions._active(`, by the
 * convention that concepts are capitalized and queries start with `_`). A guess from the text:
 * a call it misses still runs, unrecorded; a false alarm only records nothing.
 */
function callsQueryDirectly(where: NonNullable<SyncDeclaration["where"]>): boolean {
  return /\b[A-Z][\w$]*\s*\.\s*_[\w$]*\s*\(/.test(Function.prototype.toString.call(where));
}

function compileWhen({ ref, input, output }: PatternData): CompiledPattern {
  const outputPattern = output ?? {};
  return {
    concept: ref.concept,
    action: ref.name,
    key: operationKey(ref.concept, ref.name),
    input,
    output: outputPattern,
    matchesError: "error" in outputPattern,
  };
}

/** The literal values when-patterns give to one input field of an action (e.g. every route). */
export function literalsOf(syncs: Iterable<CompiledSync>, concept: string, action: string, field: string): unknown[] {
  const literals: unknown[] = [];
  for (const sync of syncs) {
    for (const pattern of sync.when) {
      if (pattern.concept !== concept || pattern.action !== action || !(field in pattern.input)) continue;
      const value = pattern.input[field];
      if (!isVariable(value) && !literals.includes(value)) literals.push(value);
    }
  }
  return literals;
}
