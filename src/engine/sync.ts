/**
 * The sync DSL: a sync is a function of its variables returning `{ when, where?, then }`.
 * `compileSync` calls it once with variables made on demand and turns the declaration into
 * plain data the matcher indexes by concept and action.
 */
import type { Frame, Frames } from "./frames.ts";
import type { ActionList, PatternData } from "./patterns.ts";
import { isVariable, variablesProxy } from "./vars.ts";
import type { Untyped, Vars } from "./vars.ts";

export interface SyncDeclaration {
  /** Actions that happened in one flow; all must match for the sync to fire. */
  readonly when: ActionList;
  /**
   * Frames in, frames out: filter and extend the bindings with concept queries. A method, so a
   * where-clause may declare the frames it takes more narrowly (the template's `Frames`).
   */
  where?(frames: Frames): Frames | readonly Frame[] | Promise<Frames | readonly Frame[]>;
  /**
   * The author's promise that the where-clause plans the same frames when it runs again after
   * some of its then-actions ran (it reads nothing they change in a way that alters its
   * answer). A crash mid-way is then finished by firing the sync again, as for a sync
   * without a where-clause, and its then-actions need not be written ahead (one log write
   * fewer per firing). Leave it out when in doubt: the default writes them ahead.
   */
  readonly whereIsReplayable?: true;
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
  /** Output patterns naming `error` match error outputs; the others match successes only (not for template syncs). */
  readonly matchesError: boolean;
  /** Matched as the template matches: every named field must be present, whatever the output (template/README.md). */
  readonly template: boolean;
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
  /** Its where-clause may call a reference as a function (`await Concept._query(...)`): the engine records those calls. */
  readonly callsDirectly: boolean;
  /** Written against `@engine`, the template's surface: it runs with the template's semantics (template/README.md). */
  readonly template: boolean;
  /** File and line of its declaration, when discovery found it on disk. */
  readonly location?: string;
  /** Firing it again plans the same actions (no where-clause, or one declared replayable): see `SyncDeclaration.whereIsReplayable`. */
  readonly replans: boolean;
}

/** Where a sync was declared (`src/syncs/auth.sync.ts:12`), when discovery found it on disk: for warnings. */
const declaredAt = new WeakMap<Sync, string>();

export function recordLocation(sync: Sync, location: string): void {
  declaredAt.set(sync, location);
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
  const template = isTemplateDeclaration(declaration);
  return {
    name,
    when: declaration.when.patterns.map((pattern) => compileWhen(pattern, template)),
    where: declaration.where,
    then: declaration.then.patterns.map(({ ref, input }) => ({ concept: ref.concept, action: ref.name, input })),
    // A template where-clause may call any action or query of any concept: always recorded.
    callsDirectly: declaration.where !== undefined && (template || callsQueryDirectly(declaration.where)),
    template,
    replans: declaration.where === undefined || declaration.whereIsReplayable === true,
    ...(declaredAt.has(sync) ? { location: declaredAt.get(sync) } : {}),
  };
}

/** Whether a sync was written with `@engine`'s `actions` (the template's surface; template/actions.ts). */
export function isTemplateDeclaration(declaration: Pick<SyncDeclaration, "when" | "then">): boolean {
  return declaration.when.template === true || declaration.then.template === true;
}

/**
 * Whether a where-clause's source calls a query reference (`Sessions._active(`, by the
 * convention that concepts are capitalized and queries start with `_`). A guess from the text:
 * a call it misses still runs, unrecorded; a false alarm only records nothing.
 */
function callsQueryDirectly(where: NonNullable<SyncDeclaration["where"]>): boolean {
  return /\b[A-Z][\w$]*\s*\.\s*_[\w$]*\s*\(/.test(Function.prototype.toString.call(where));
}

function compileWhen({ ref, input, output }: PatternData, template: boolean): CompiledPattern {
  const outputPattern = output ?? {};
  return {
    concept: ref.concept,
    action: ref.name,
    key: operationKey(ref.concept, ref.name),
    input,
    output: outputPattern,
    matchesError: "error" in outputPattern,
    template,
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
