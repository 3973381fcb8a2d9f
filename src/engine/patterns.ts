/**
 * Action patterns, as `when` and `then` write them: `[Concept.action, inputPattern, outputPattern]`.
 * Each field of a pattern is a literal or a variable; the referenced operation's zod schemas
 * type both, so a misspelt field, a literal of the wrong type or a variable of another type
 * is a compile error.
 */
import type { ErrorReason } from "./concept.ts";
import type { ActionRef, OperationRef } from "./refs.ts";
import type { Var } from "./vars.ts";

/** What may stand for a field of type F: a literal, or a variable of F (or of F without undefined). */
export type Field<F> = F | Var<F> | Var<NonNullable<F>>;

/** A partial object pattern over T: each named field must equal a literal or bind a variable. */
export type Pattern<T> = { readonly [K in keyof T]?: Field<T[K]> };

/** Output patterns match a success output, or an `{ error }` output when they name `error`. */
export type OutputPattern<O> = Pattern<O> | Pattern<{ error: string; reason?: ErrorReason }>;

export type InputOfRef<R> = R extends OperationRef<infer I, unknown> ? I : never;
export type OutputOfRef<R> = R extends { readonly __types?: (input: never) => infer O } ? O : never;

/** Any action reference, whatever its types (inputs are contravariant, hence `never`). */
export type AnyActionRef = ActionRef<never, unknown>;

/**
 * A then-pattern's input: every input the action requires (a literal or a variable each),
 * optional ones as they like. Leaving a required input out is a compile error rather than a
 * sync that fails at run time on every firing.
 */
export type ThenInput<T> = { readonly [K in keyof T]: Field<T[K]> };

/**
 * One pattern, checked against the types of the reference in its first position: with an
 * output pattern it is a when-pattern (any fields to match on); without one it is an action
 * to run (a then-pattern), which must give every required input.
 */
export type ActionPattern<R extends AnyActionRef> =
  | readonly [action: R, input: Pattern<InputOfRef<R>>, output: OutputPattern<OutputOfRef<R>>]
  | readonly [action: R, input: ThenInput<InputOfRef<R>>];

/** The value `actions(...)` returns: the patterns as plain data for the engine. */
export interface ActionList {
  readonly patterns: readonly PatternData[];
  /** Written with `@engine`'s `actions`, the 6.1040 template's surface: the sync follows its semantics (engine/template/). */
  readonly template?: true;
}

export interface PatternData {
  readonly ref: OperationRef<never, unknown>;
  readonly input: Readonly<Record<string, unknown>>;
  readonly output: Readonly<Record<string, unknown>> | undefined;
}

/** `when: actions([A.x, {...}, {...}], ...)` and `then: actions([B.y, {...}], ...)`. */
export function actions<R extends readonly AnyActionRef[]>(
  ...patterns: { readonly [K in keyof R]: ActionPattern<R[K]> }
): ActionList {
  return {
    patterns: patterns.map((pattern) => {
      const [ref, input, output] = pattern as unknown as readonly [AnyActionRef, Record<string, unknown>, Record<string, unknown>?];
      if (ref === undefined || typeof ref.concept !== "string" || typeof ref.name !== "string") {
        throw new TypeError("actions(): each pattern starts with an action reference such as Concept.action");
      }
      return { ref, input: input ?? {}, output };
    }),
  };
}
