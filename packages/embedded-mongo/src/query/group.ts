/**
 * `$group` run here rather than on mingo, so that its arithmetic keeps BSON types as mongod's
 * does: a `$sum` of int64 is an int64, of Decimal128 a Decimal128, of int32 an int32 until it
 * overflows. Taken when every operand is a field path or a constant (the common shape);
 * anything else is left to mingo.
 */
import type { Document } from "bson";
import { valueKey } from "../storage/value-key.ts";
import { isNumeric, isPlainDocument } from "./bson-types.ts";
import { compareValues } from "./compare.ts";
import { addNumbers, toNumber } from "./numeric.ts";
import { Decimal128 } from "bson";

type Operand = { path: string } | { constant: unknown };
type IdSpec = Operand | { fields: [string, Operand][] };

interface Accumulator {
  field: string;
  op: string;
  operand: Operand;
}

const ACCUMULATORS = new Set(["$sum", "$avg", "$min", "$max", "$first", "$last", "$push", "$addToSet", "$count"]);

function readOperand(value: unknown): Operand | undefined {
  if (typeof value === "string" && value.startsWith("$")) return value.startsWith("$$") ? undefined : { path: value.slice(1) };
  if (isPlainDocument(value) || Array.isArray(value)) return undefined;
  return { constant: value };
}

function readId(value: unknown): IdSpec | undefined {
  if (isPlainDocument(value)) {
    const fields: [string, Operand][] = [];
    for (const [name, inner] of Object.entries(value)) {
      const operand = readOperand(inner);
      if (!operand || name.startsWith("$")) return undefined;
      fields.push([name, operand]);
    }
    return { fields };
  }
  return readOperand(value);
}

/** The group stage's plan, or undefined when it holds expressions only mingo evaluates. */
function plan(spec: Document): { id: IdSpec; accumulators: Accumulator[] } | undefined {
  if (!("_id" in spec)) return undefined;
  const id = readId(spec._id);
  if (!id) return undefined;
  const accumulators: Accumulator[] = [];
  for (const [field, value] of Object.entries(spec)) {
    if (field === "_id") continue;
    if (!isPlainDocument(value) || Object.keys(value).length !== 1) return undefined;
    const [op, argument] = Object.entries(value)[0]!;
    if (!ACCUMULATORS.has(op)) return undefined;
    const operand = op === "$count" ? (isPlainDocument(argument) && Object.keys(argument).length === 0 ? { constant: 1 } : undefined) : readOperand(argument);
    if (!operand) return undefined;
    accumulators.push({ field, op: op === "$count" ? "$sum" : op, operand });
  }
  return { id, accumulators };
}

/** An aggregation field path: through arrays it collects the elements' values, as mongod. */
function fieldValue(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split(".")) {
    if (Array.isArray(current)) {
      current = current.flatMap((element) => (isPlainDocument(element) && element[part] !== undefined ? [element[part]] : []));
    } else if (isPlainDocument(current)) {
      current = current[part];
    } else {
      return undefined;
    }
  }
  return current;
}

function evaluate(operand: Operand, doc: Document): unknown {
  return "path" in operand ? fieldValue(doc, operand.path) : operand.constant;
}

function groupId(id: IdSpec, doc: Document): unknown {
  if ("fields" in id) {
    const key: Document = {};
    for (const [name, operand] of id.fields) {
      const value = evaluate(operand, doc);
      if (value !== undefined) key[name] = value;
    }
    return key;
  }
  return evaluate(id, doc) ?? null;
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

/** The `$group` stage over `docs`, or undefined when its spec is for mingo. */
export function groupDocuments(docs: Iterable<Document>, spec: Document): Document[] | undefined {
  const planned = plan(spec);
  if (!planned) return undefined;
  const groups = new Map<string, { id: unknown; states: State[] }>();
  for (const doc of docs) {
    const id = groupId(planned.id, doc);
    const key = valueKey(id);
    let group = groups.get(key);
    if (!group) {
      group = { id, states: planned.accumulators.map(() => ({ sum: 0, count: 0, value: null, values: [], keys: new Set<string>(), seen: false })) };
      groups.set(key, group);
    }
    planned.accumulators.forEach((accumulator, i) => accumulate(accumulator.op, group!.states[i]!, evaluate(accumulator.operand, doc)));
  }
  return [...groups.values()].map(({ id, states }) => {
    const out: Document = { _id: id };
    planned.accumulators.forEach((accumulator, i) => (out[accumulator.field] = result(accumulator.op, states[i]!)));
    return out;
  });
}
