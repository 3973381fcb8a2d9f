/**
 * The frames a template-style where-clause receives (and `new Frames(...)` from `@engine`
 * makes). They differ from the project's in what `query` accepts and what a row binds,
 * as the template's `Frames.query` does:
 * - any function answering rows (sync or async) may stand for the query, not only a
 *   concept's reference, and a reference may be an action's;
 * - a row binds the output variables whose fields it has, and only those: a row without
 *   `user` (an `{ error }` row for an unknown session) keeps its frame with `user` unbound,
 *   so the next filter can answer "unauthorized". The project's frames drop that frame.
 * - an answer that is not an array (a method answering `{ userInfo }` or `{ error }`)
 *   counts as one row, where the template would fail on iterating it.
 */
import { Frames, instantiate, type AnyQueryRef, type Frame, type QueryRunner } from "../frames.ts";
import { pendingFrames, type PendingFrames } from "../pending-frames.ts";
import type { OperationRef } from "../refs.ts";
import { isVariable } from "../vars.ts";

/** What a template query may be: a concept's reference or any function of one object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the template's own typing: course code passes any function
export type TemplateQuery = ((input: any) => unknown) | AnyQueryRef;

/**
 * A frame as template code reads it: a bound value is `any`, as the template's typing makes it
 * the type of the query output it came from (`frames[0][user]` passes where an `ID` is wanted).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the template's own leniency, for course code
export type TemplateFrame = Readonly<Record<symbol, any>>;

export class TemplateFrames extends Frames {
  [index: number]: TemplateFrame;

  override filter(predicate: (frame: TemplateFrame, index: number, frames: TemplateFrame[]) => unknown, thisArg?: unknown): this {
    return super.filter(predicate as (frame: Frame, index: number, frames: Frame[]) => unknown, thisArg);
  }

  override map(transform: (frame: TemplateFrame, index: number, frames: TemplateFrame[]) => Frame, thisArg?: unknown): this;
  override map<U>(transform: (frame: TemplateFrame, index: number, frames: TemplateFrame[]) => U, thisArg?: unknown): U[];
  override map<U>(transform: (frame: TemplateFrame, index: number, frames: TemplateFrame[]) => U, thisArg?: unknown): U[] {
    return super.map(transform as (frame: Frame, index: number, frames: Frame[]) => U, thisArg);
  }

  override [Symbol.iterator](): ArrayIterator<TemplateFrame> {
    return super[Symbol.iterator]();
  }

  override query(query: TemplateQuery, input: Readonly<Record<string, unknown>>, output: Readonly<Record<string, symbol>>): PendingFrames<this> {
    return pendingFrames(this.queryEach(query, input, output));
  }

  override queryAsync(query: TemplateQuery, input: Readonly<Record<string, unknown>>, output: Readonly<Record<string, symbol>>): PendingFrames<this> {
    return this.query(query, input, output);
  }

  private async queryEach(query: TemplateQuery, input: Readonly<Record<string, unknown>>, output: Readonly<Record<string, symbol>>): Promise<this> {
    const result: Frame[] = [];
    for (const frame of this) {
      const answer = await this.call(query, instantiate(input, frame, `querying ${describe(query)}`));
      for (const row of rowsOf(answer)) result.push(bindPresentFields(frame, output, row));
    }
    return this.derive(result);
  }

  /** A query reference goes through the engine when these frames came from one (validated, retried); anything else is called. */
  private call(query: TemplateQuery, input: Record<string, unknown>): unknown {
    const runner = this.runner;
    const ref = query as Partial<OperationRef>;
    if (runner !== undefined && typeof ref.concept === "string" && typeof ref.name === "string" && ref.kind === "query") {
      return runner.query(ref as OperationRef<never, unknown>, input);
    }
    if (typeof query !== "function") throw new TypeError(`frames.query needs a query (a concept's _query or a function), got ${typeof query}`);
    return (query as (input: unknown) => unknown)(input);
  }
}

/** An answer as rows: an array as it is, nothing as no row, any other value as one row. */
function rowsOf(answer: unknown): readonly unknown[] {
  if (Array.isArray(answer)) return answer;
  return answer === undefined || answer === null ? [] : [answer];
}

/** The frame with each output variable bound to its row field, for the fields the row has (later rows' values win, as in the template). */
export function bindPresentFields(frame: Frame, output: Readonly<Record<string, unknown>>, row: unknown): Frame {
  if (typeof row !== "object" || row === null) return frame;
  let bound: Record<symbol, unknown> | undefined;
  for (const key in output) {
    const variable = output[key];
    if (!isVariable(variable) || !(key in row)) continue;
    bound ??= { ...frame };
    bound[variable] = (row as Record<string, unknown>)[key];
  }
  return bound ?? frame;
}

function describe(query: TemplateQuery): string {
  const ref = query as Partial<OperationRef>;
  return typeof ref.concept === "string" ? `${ref.concept}.${String(ref.name)}` : (query as { name?: string }).name || "a function";
}

/** Template frames whose (and whose derived frames') concept queries go through `runner`. */
export function templateFramesFor(runner: QueryRunner): typeof TemplateFrames {
  return class EngineTemplateFrames extends TemplateFrames {
    protected override get runner(): QueryRunner {
      return runner;
    }
  };
}
