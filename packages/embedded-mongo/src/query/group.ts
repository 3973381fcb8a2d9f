/**
 * `$group` run here rather than on mingo, so that its arithmetic keeps BSON types as mongod's
 * does: a `$sum` of int64 is an int64, of Decimal128 a Decimal128, of int32 an int32 until it
 * overflows. Taken when every operand is an expression evaluated here (expressions.ts);
 * anything else is left to mingo.
 */
import type { Document } from "bson";
import { valueKey } from "../storage/value-key.ts";
import { isNumeric, isPlainDocument } from "./bson-types.ts";
import { compareValues } from "./compare.ts";
import { compileExpression, type Evaluate } from "./expressions.ts";
import { addNumbers, toNumber } from "./numeric.ts";
import { Decimal128 } from "bson";

interface Accumulator {
  field: string;
  op: string;
  operand: Evaluate;
}

const ACCUMULATORS = new Set(["$sum", "$avg", "$min", "$max", "$first", "$last", "$push", "$addToSet", "$count"]);

/** The group stage's plan, or undefined when it holds expressions only mingo evaluates. */
function plan(spec: Document): { id: Evaluate; accumulators: Accumulator[] } | undefined {
  if (!("_id" in spec)) return undefined;
  const id = compileExpression(spec._id);
  if (!id) return undefined;
  const accumulators: Accumulator[] = [];
  for (const [field, value] of Object.entries(spec)) {
    if (field === "_id") continue;
    if (!isPlainDocument(value) || Object.keys(value).length !== 1) return undefined;
    const [op, argument] = Object.entries(value)[0]!;
    if (!ACCUMULATORS.has(op)) return undefined;
    const counts = op === "$count" && isPlainDocument(argument) && Object.keys(argument).length === 0;
    const operand = counts ? () => 1 : op === "$count" ? undefined : compileExpression(argument);
    if (!operand) return undefined;
    accumulators.push({ field, op: op === "$count" ? "$sum" : op, operand });
  }
  return { id, accumulators };
}

interface State {
  sum: unknown;
  count: number;
  value: unknown;
  values: unknown[];
  keys: Set<string>;
  seen: boolean;
}

function accumulate(op: string, state: State, value: unknown): void {
  switch (op) {
    case "$sum":
    case "$avg":
      if (isNumeric(value)) {
        state.sum = addNumbers(state.sum, value);
        state.count += 1;
      }
      return;
    case "$min":
    case "$max":
      if (value === undefined || value === null) return;
      if (!state.seen || compareValues(value, state.value) * (op === "$min" ? -1 : 1) > 0) state.value = value;
      state.seen = true;
      return;
    case "$first":
      if (!state.seen) state.value = value ?? null;
      state.seen = true;
      return;
    case "$last":
      state.value = value ?? null;
      return;
    case "$push":
      if (value !== undefined) state.values.push(value);
      return;
    case "$addToSet":
      if (value !== undefined && !state.keys.has(valueKey(value))) {
        state.keys.add(valueKey(value));
        state.values.push(value);
      }
  }
}

function result(op: string, state: State): unknown {
  switch (op) {
    case "$sum":
      return state.sum;
    case "$avg":
      if (state.count === 0) return null;
      return state.sum instanceof Decimal128 ? Decimal128.fromString(String(toNumber(state.sum) / state.count)) : toNumber(state.sum) / state.count;
    case "$min":
    case "$max":
      return state.seen ? state.value : null;
    case "$first":
    case "$last":
      return state.value ?? null;
    default:
      return state.values;
  }
}

/** The `$group` stage as a function of its input, or undefined when its spec is for mingo. */
export function compileGroup(spec: Document): ((docs: Iterable<Document>) => Document[]) | undefined {
  const planned = plan(spec);
  if (!planned) return undefined;
  return (docs) => {
    const groups = new Map<string, { id: unknown; states: State[] }>();
    for (const doc of docs) {
      const id = planned.id(doc) ?? null;
      const key = valueKey(id);
      let group = groups.get(key);
      if (!group) {
        group = { id, states: planned.accumulators.map(() => ({ sum: 0, count: 0, value: null, values: [], keys: new Set<string>(), seen: false })) };
        groups.set(key, group);
      }
      planned.accumulators.forEach((accumulator, i) => accumulate(accumulator.op, group!.states[i]!, accumulator.operand(doc)));
    }
    return [...groups.values()].map(({ id, states }) => {
      const out: Document = { _id: id };
      planned.accumulators.forEach((accumulator, i) => (out[accumulator.field] = result(accumulator.op, states[i]!)));
      return out;
    });
  };
}
