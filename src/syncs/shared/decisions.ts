/**
 * Deciding what a request asks for, inside `where`. A dialect writes one pure function per
 * route that reads the request (and whatever its where-clause queried) and answers a
 * decision: `{ kind: "refuse", status, body }` or a kind of action with its inputs. Each sync
 * keeps the frames whose decision is its kind and binds the decision's fields to its
 * variables, so the syncs of one route share a single, testable reading of the request.
 */
import type { Frame, Frames } from "../../engine/index.ts";

export interface Decision {
  readonly kind: string;
}

/** A request answered at once with a status and the dialect's error body. */
export interface Refusal extends Decision {
  readonly kind: "refuse";
  readonly status: number;
  readonly body: unknown;
}

/**
 * Keeps the frames for which `decide` answers `kind` (or one of several), binding each field named in `fields`
 * to its variable (a field the decision leaves out binds `undefined`, for optional inputs).
 */
export function decided<F extends Frames, D extends Decision>(
  frames: F,
  decide: (frame: Frame) => D,
  kind: D["kind"] | readonly D["kind"][],
  fields: Readonly<Record<string, symbol>>,
): F {
  const kinds: readonly string[] = Array.isArray(kind) ? kind : [kind];
  const bindings = Object.entries(fields);
  return frames.extend((frame) => {
    const decision = decide(frame) as D & Record<string, unknown>;
    if (!kinds.includes(decision.kind)) return undefined;
    const values: Record<symbol, unknown> = {};
    for (const [field, variable] of bindings) values[variable] = decision[field];
    return values;
  });
}

/** Keeps the frames for which `test` holds of the value bound to `variable`. */
export function whereValue<F extends Frames>(frames: F, variable: symbol, test: (value: unknown) => boolean): F {
  return frames.filter((frame) => test(frame[variable]));
}
