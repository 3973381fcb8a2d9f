/**
 * What `frames.query(...)` answers: a promise of the frames, on which the next steps can be
 * written at once, as the 6.1040 template's synchronous queries allow
 * (`frames.query(Counter._getCount, {}, { count }).filter(($) => $[count] === 3)`).
 * Each chained step waits for the previous one; `await` gives the frames.
 */
import type { AnyQueryRef, Frame, Frames, RowPattern } from "./frames.ts";
import type { InputOfRef, OutputOfRef, Pattern } from "./patterns.ts";
import type { Var } from "./vars.ts";

export class PendingFrames<F extends Frames> extends Promise<F> {
  // `then` answers plain promises: only the chained steps below make pending frames.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  private step(next: (frames: F) => F | Promise<F>): PendingFrames<F> {
    return pendingFrames(this.then(next));
  }

  filter(predicate: (frame: Frame, index: number, frames: Frame[]) => unknown): PendingFrames<F> {
    return this.step((frames) => frames.filter(predicate));
  }

  map(transform: (frame: Frame, index: number, frames: Frame[]) => Frame): PendingFrames<F> {
    return this.step((frames) => frames.map(transform));
  }

  query<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>, output: RowPattern<OutputOfRef<R>>): PendingFrames<F> {
    return this.step((frames) => frames.query(ref, input, output));
  }

  queryAsync<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>, output: RowPattern<OutputOfRef<R>>): PendingFrames<F> {
    return this.query(ref, input, output);
  }

  queryOrDefault<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>, output: RowPattern<OutputOfRef<R>>, defaults: Partial<OutputOfRef<R>>): PendingFrames<F> {
    return this.step((frames) => frames.queryOrDefault(ref, input, output, defaults));
  }

  notExists<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>): PendingFrames<F> {
    return this.step((frames) => frames.notExists(ref, input));
  }

  queryAll<R extends AnyQueryRef>(ref: R, input: Pattern<InputOfRef<R>>, as: Var<OutputOfRef<R>[]>): PendingFrames<F> {
    return this.step((frames) => frames.queryAll(ref, input, as));
  }

  bind<T>(variable: Var<T>, compute: (frame: Frame) => T): PendingFrames<F> {
    return this.step((frames) => frames.bind(variable, compute));
  }

  extend(compute: (frame: Frame) => Readonly<Record<symbol, unknown>> | undefined): PendingFrames<F> {
    return this.step((frames) => frames.extend(compute));
  }

  collectAs(variables: readonly symbol[], as: symbol): PendingFrames<F> {
    return this.step((frames) => frames.collectAs(variables, as));
  }
}

export function pendingFrames<F extends Frames>(promise: Promise<F>): PendingFrames<F> {
  return new PendingFrames<F>((resolve, reject) => promise.then(resolve, reject));
}
