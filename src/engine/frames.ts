/**
 * Frames: the variable bindings a `where` clause filters and extends. An array of frames
 * (each an object keyed by variable symbols), as in the 6.1040 template, with typed helpers
 * to query a concept, filter, bind, handle "no result" and collect many frames into one.
 */
import { isErrorOutput } from "./concept.ts";
import type { ErrorOutput } from "./concept.ts";
import type { Field, InputOfRef, OutputOfRef, Pattern } from "./patterns.ts";
import { pendingFrames, type PendingFrames } from "./pending-frames.ts";
import type { OperationRef, QueryRef } from "./refs.ts";
import { valuesEqual } from "./values.ts";
import { isVariable, variableName } from "./vars.ts";
import type { Var } from "./vars.ts";

export type Frame = Readonly<Record<symbol, unknown>>;

/** A query reference, whatever its types. */
export type AnyQueryRef = QueryRef<never, unknown>;

/** Binds fields of each returned row to variables (or requires them to equal literals). */
export type RowPattern<Row> = { readonly [K in keyof Row]?: Field<Row[K]> };

/** How frames reach concept queries; the engine provides it. */
export interface QueryRunner {
  query(ref: OperationRef<never, unknown>, input: Record<string, unknown>): Promise<unknown[] | ErrorOutput>;
}

export class MissingBindingError extends Error {
  constructor(variable: symbol, where: string) {
    super(`variable "${variableName(variable)}" is not bound when ${where}`);
    this.name = "MissingBindingError";
  }
}

/** The value of a variable in a frame, typed by the variable. */
export function valueOf<T>(frame: Frame, variable: Var<T>): T {
  return frame[variable] as T;
}

/** Replaces variables in a pattern (also inside nested plain objects and arrays) by their values in the frame. */
export function instantiate(pattern: Readonly<Record<string, unknown>>, frame: Frame, where: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key in pattern) result[key] = instantiateValue(pattern[key], frame, where);
  return result;
}

function instantiateValue(value: unknown, frame: Frame, where: string): unknown {
  if (isVariable(value)) {
    if (!(value in frame)) throw new MissingBindingError(value, where);
    return frame[value];
  }
  if (Array.isArray(value)) return value.map((item) => instantiateValue(item, frame, where));
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return instantiate(value as Record<string, unknown>, frame, where);
  }
  return value;
}

/**
 * Extends a frame with the fields of `source` named by `pattern`: a variable binds (or must
 * equal its existing value), a literal must be equal. Returns undefined when they conflict.
 */
export function bindPattern(frame: Frame, pattern: Readonly<Record<string, unknown>>, source: Readonly<Record<string, unknown>>): Frame | undefined {
  let extended: Record<symbol, unknown> | undefined;
  for (const key in pattern) {
    const expected = pattern[key];
    const actual = source[key];
    if (actual === undefined && !(key in source)) return undefined;
    if (isVariable(expected)) {
      const current = extended ?? frame;
      if (expected in current) {
        if (!valuesEqual(current[expected], actual)) return undefined;
      } else {
        extended ??= { ...frame };
        extended[expected] = actual;
      }
    } else if (!valuesEqual(expected, actual)) {
      return undefined;
    }
  }
  return extended ?? frame;
}

export class Frames extends Array<Frame> {
  /** Set on the engine's own subclass, so frames derived by filter/map keep reaching it. */
  protected get runner(): QueryRunner | undefined {
    return undefined;
  }

  private requireRunner(): QueryRunner {
    const runner = this.runner;
    if (runner === undefined) throw new Error("Frames.query needs the frames `where` received (or frames derived from them), not `new Frames(...)`");
    return runner;
  }

  /** Frames of this class (so they keep reaching the engine) holding `frames`. One allocation: where-clauses run per request. */
  protected derive(frames: readonly Frame[]): this {
    const derived = new (this.constructor as new () => this)();
    for (const frame of frames) derived.push(frame);
    return derived;
  }

  /**
   * For each frame, runs the query with the frame's values and yields one frame per returned
   * row, binding row fields to variables as `output` says; a frame with no rows is dropped.
   */
  query<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>, output: RowPattern<OutputOfRef<R>>): PendingFrames<this> {
    return pendingFrames(this.queryRows(ref, input, output));
  }

  /** `query` under the template's name for its asynchronous form (every query is asynchronous here). */
  queryAsync<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>, output: RowPattern<OutputOfRef<R>>): PendingFrames<this> {
    return this.query(ref, input, output);
  }

  private async queryRows<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>, output: RowPattern<OutputOfRef<R>>): Promise<this> {
    const runner = this.requireRunner();
    const result: Frame[] = [];
    for (const frame of this) {
      for (const row of await runRows(runner, ref, input, frame)) {
        const bound = bindPattern(frame, output as Record<string, unknown>, row);
        if (bound !== undefined) result.push(bound);
      }
    }
    return this.derive(result);
  }

  /** Like `query`, but a frame with no rows is kept, its output variables bound to `defaults`. */
  async queryOrDefault<R extends AnyQueryRef>(
    ref: R,
    input: Pattern<InputOfRef<R>>,
    output: RowPattern<OutputOfRef<R>>,
    defaults: Partial<OutputOfRef<R>>,
  ): Promise<this> {
    const runner = this.requireRunner();
    const result: Frame[] = [];
    for (const frame of this) {
      const rows = await runRows(runner, ref, input, frame);
      for (const row of rows.length > 0 ? rows : [defaults as Record<string, unknown>]) {
        const bound = bindPattern(frame, output as Record<string, unknown>, row);
        if (bound !== undefined) result.push(bound);
      }
    }
    return this.derive(result);
  }

  /** Keeps the frames for which the query returns no row ("there is no such thing"). */
  async notExists<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>): Promise<this> {
    const runner = this.requireRunner();
    const result: Frame[] = [];
    for (const frame of this) {
      if ((await runRows(runner, ref, input, frame)).length === 0) result.push(frame);
    }
    return this.derive(result);
  }

  /** Binds `as` to the array of all rows the query returns for each frame (possibly empty); keeps every frame. */
  async queryAll<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>, as: Var<OutputOfRef<R>[]>): Promise<this> {
    const runner = this.requireRunner();
    const result: Frame[] = [];
    for (const frame of this) {
      result.push({ ...frame, [as]: await runRows(runner, ref, input, frame) });
    }
    return this.derive(result);
  }

  /** Maps each frame to a new one; frames in, frames out (as the template's `Frames.map`). */
  override map(transform: (frame: Frame, index: number, frames: Frame[]) => Frame, thisArg?: unknown): this;
  override map<U>(transform: (frame: Frame, index: number, frames: Frame[]) => U, thisArg?: unknown): U[];
  override map<U>(transform: (frame: Frame, index: number, frames: Frame[]) => U, thisArg?: unknown): U[] {
    // Array species makes it a Frames of this class at run time already; the overloads say so.
    return super.map(transform, thisArg);
  }

  /** Keeps the frames the predicate accepts (typed to return frames, so the helpers chain). */
  override filter<S extends Frame>(predicate: (frame: Frame, index: number, frames: Frame[]) => frame is S, thisArg?: unknown): this & S[];
  override filter(predicate: (frame: Frame, index: number, frames: Frame[]) => unknown, thisArg?: unknown): this;
  override filter(predicate: (frame: Frame, index: number, frames: Frame[]) => unknown, thisArg?: unknown): this {
    const kept: Frame[] = [];
    this.forEach((frame, index) => {
      if (predicate.call(thisArg, frame, index, this)) kept.push(frame);
    });
    return this.derive(kept);
  }

  /** Adds a variable computed from each frame. */
  bind<T>(variable: Var<T>, compute: (frame: Frame) => T): this {
    const bound: Frame[] = new Array<Frame>(this.length);
    for (let index = 0; index < this.length; index++) {
      const frame = this[index] as Frame;
      bound[index] = { ...frame, [variable]: compute(frame) };
    }
    return this.derive(bound);
  }

  /**
   * Adds the variables `compute` gives each frame (`{ [variable]: value }`); a frame for which
   * it gives undefined is dropped. Several bindings and a filter in one pass.
   */
  extend(compute: (frame: Frame) => Readonly<Record<symbol, unknown>> | undefined): this {
    const extended: Frame[] = [];
    for (const frame of this) {
      const values = compute(frame);
      if (values !== undefined) extended.push({ ...frame, ...values });
    }
    return this.derive(extended);
  }

  /**
   * Groups frames that agree on every variable except `variables`, and gives each group one
   * frame where `as` holds the list of `{ name: value }` objects of those variables (the
   * template's semantics). No frames in, no frames out.
   */
  collectAs(variables: readonly symbol[], as: symbol): this {
    const collected = new Set<symbol>([...variables, as]);
    const groups: { identity: unknown[]; frame: Record<symbol, unknown>; items: Record<string, unknown>[] }[] = [];
    for (const frame of this) {
      const kept: Record<symbol, unknown> = {};
      const identity: unknown[] = [];
      for (const key of Object.getOwnPropertySymbols(frame)) {
        if (collected.has(key)) continue;
        kept[key] = frame[key];
        identity.push(key, frame[key]);
      }
      let group = groups.find((candidate) => sameIdentity(candidate.identity, identity));
      if (group === undefined) {
        group = { identity, frame: kept, items: [] };
        groups.push(group);
      }
      const item: Record<string, unknown> = {};
      for (const variable of variables) item[variableName(variable)] = frame[variable];
      group.items.push(item);
    }
    return this.derive(groups.map(({ frame, items }) => ({ ...frame, [as]: items })));
  }
}

function sameIdentity(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => valuesEqual(value, b[index]));
}

async function runRows(runner: QueryRunner, ref: AnyQueryRef, input: object, frame: Frame): Promise<Record<string, unknown>[]> {
  const rows = await runner.query(ref, instantiate(input as Record<string, unknown>, frame, `querying ${ref.concept}.${ref.name}`));
  return isErrorOutput(rows) ? [] : (rows as Record<string, unknown>[]);
}

/** A Frames class whose frames (and every frame derived from them) query through `runner`. */
export function framesFor(runner: QueryRunner): typeof Frames {
  return class EngineFrames extends Frames {
    protected override get runner(): QueryRunner {
      return runner;
    }
  };
}
