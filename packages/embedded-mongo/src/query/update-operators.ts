/** The update operators ($set, $inc, $push ...), each applied to one concrete path. */
import { Long, Timestamp } from "bson";
import { MongoServerFailure, badValue, typeMismatch } from "../errors.ts";
import { bsonTypeOf, isNumeric, isPlainDocument } from "./bson-types.ts";
import { cloneValue } from "./clone.ts";
import { compareValues } from "./compare.ts";
import { equalsOperand, isOperatorDocument, matchCondition, matches } from "./matcher.ts";
import { addNumbers, multiplyNumbers, toNumber } from "./numeric.ts";
import { compileSort } from "./sort.ts";
import { readPath, removePath, writePath } from "./update-paths.ts";

type Doc = Record<string, unknown>;
/** Applies one operator at one concrete path; returns whether the document changed. */
export type OperatorFn = (doc: Doc, parts: string[], operand: unknown) => boolean;

const ABSENT = undefined;

function identical(a: unknown, b: unknown): boolean {
  return a !== ABSENT && b !== ABSENT && bsonTypeOf(a) === bsonTypeOf(b) && compareValues(a, b) === 0;
}

function put(doc: Doc, parts: string[], value: unknown): boolean {
  if (identical(readPath(doc, parts), value)) return false;
  writePath(doc, parts, value);
  return true;
}

function describe(doc: Doc): string {
  return `{_id: ${JSON.stringify(doc._id)}}`;
}

function numericOperand(operator: string, operand: unknown): void {
  if (!isNumeric(operand)) {
    throw typeMismatch(`Cannot ${operator === "$inc" ? "increment" : "multiply"} with non-numeric argument: {${JSON.stringify(operand)}}`);
  }
}

function arithmetic(operator: "$inc" | "$mul"): OperatorFn {
  const combine = operator === "$inc" ? addNumbers : multiplyNumbers;
  return (doc, parts, operand) => {
    numericOperand(operator, operand);
    const current = readPath(doc, parts);
    if (current === ABSENT) return put(doc, parts, operator === "$inc" ? operand : multiplyNumbers(0, operand));
    if (!isNumeric(current)) {
      throw typeMismatch(
        `Cannot apply ${operator} to a value of non-numeric type. ${describe(doc)} has the field '${parts.join(".")}' of non-numeric type ${bsonTypeOf(current)}`,
      );
    }
    return put(doc, parts, combine(current, operand));
  };
}

function bound(direction: 1 | -1): OperatorFn {
  return (doc, parts, operand) => {
    const current = readPath(doc, parts);
    if (current === ABSENT || compareValues(operand, current) * direction > 0) return put(doc, parts, cloneValue(operand));
    return false;
  };
}

function arrayAt(doc: Doc, parts: string[]): unknown[] | undefined {
  const current = readPath(doc, parts);
  if (current === ABSENT) return undefined;
  if (!Array.isArray(current)) {
    throw badValue(`The field '${parts.join(".")}' must be an array but is of type ${bsonTypeOf(current)} in document ${describe(doc)}`);
  }
  return current;
}

function eachOf(operand: unknown): { items: unknown[]; modifiers: Doc } {
  if (isPlainDocument(operand) && "$each" in operand) {
    if (!Array.isArray(operand.$each)) throw badValue("The argument to $each must be an array");
    return { items: operand.$each.map(cloneValue), modifiers: operand };
  }
  return { items: [cloneValue(operand)], modifiers: {} };
}

const push: OperatorFn = (doc, parts, operand) => {
  const { items, modifiers } = eachOf(operand);
  const array = [...(arrayAt(doc, parts) ?? [])];
  const position = modifiers.$position === undefined ? array.length : toNumber(modifiers.$position);
  const at = position < 0 ? Math.max(array.length + position, 0) : Math.min(position, array.length);
  array.splice(at, 0, ...items);
  if (modifiers.$sort !== undefined) {
    const spec = modifiers.$sort;
    if (isPlainDocument(spec)) array.sort(compileSort(spec) as (a: unknown, b: unknown) => number);
    else array.sort((a, b) => compareValues(a, b) * toNumber(spec));
  }
  let result = array;
  if (modifiers.$slice !== undefined) {
    const n = toNumber(modifiers.$slice);
    result = n >= 0 ? array.slice(0, n) : array.slice(n);
  }
  writePath(doc, parts, result);
  return true;
};

const addToSet: OperatorFn = (doc, parts, operand) => {
  const { items } = eachOf(operand);
  const array = [...(arrayAt(doc, parts) ?? [])];
  let changed = readPath(doc, parts) === ABSENT;
  for (const item of items) {
    if (!array.some((existing) => identical(existing, item))) {
      array.push(item);
      changed = true;
    }
  }
  if (changed) writePath(doc, parts, array);
  return changed;
};

const pop: OperatorFn = (doc, parts, operand) => {
  const array = arrayAt(doc, parts);
  if (!array || array.length === 0) return false;
  writePath(doc, parts, toNumber(operand) < 0 ? array.slice(1) : array.slice(0, -1));
  return true;
};

function removeWhere(doc: Doc, parts: string[], remove: (element: unknown) => boolean): boolean {
  const array = arrayAt(doc, parts);
  if (!array) return false;
  const kept = array.filter((element) => !remove(element));
  if (kept.length === array.length) return false;
  writePath(doc, parts, kept);
  return true;
}

const pull: OperatorFn = (doc, parts, operand) => {
  if (isOperatorDocument(operand)) return removeWhere(doc, parts, (e) => matchCondition([e], operand));
  if (isPlainDocument(operand)) return removeWhere(doc, parts, (e) => isPlainDocument(e) && matches(e, operand));
  return removeWhere(doc, parts, (e) => equalsOperand(e, operand) && !Array.isArray(e));
};

const pullAll: OperatorFn = (doc, parts, operand) => {
  if (!Array.isArray(operand)) throw badValue("$pullAll requires an array argument");
  return removeWhere(doc, parts, (e) => operand.some((o) => compareValues(e, o) === 0));
};

const currentDate: OperatorFn = (doc, parts, operand) => {
  const wantsTimestamp = isPlainDocument(operand) && operand.$type === "timestamp";
  const now = Date.now();
  const value = wantsTimestamp ? new Timestamp({ t: Math.floor(now / 1000), i: 1 }) : new Date(now);
  writePath(doc, parts, value);
  return true;
};

const bit: OperatorFn = (doc, parts, operand) => {
  if (!isPlainDocument(operand)) throw badValue("$bit needs a document");
  const current = readPath(doc, parts) ?? 0;
  if (!(typeof current === "number" || current instanceof Long)) throw badValue("$bit needs an integral field");
  let result = current instanceof Long ? current.toBigInt() : BigInt(current);
  for (const [op, value] of Object.entries(operand)) {
    const mask = BigInt(Math.trunc(toNumber(value)));
    result = op === "and" ? result & mask : op === "or" ? result | mask : op === "xor" ? result ^ mask : result;
  }
  const typed = current instanceof Long || operand instanceof Long ? Long.fromBigInt(BigInt.asIntN(64, result)) : Number(BigInt.asIntN(32, result));
  return put(doc, parts, typed);
};

export const OPERATORS: Record<string, OperatorFn> = {
  $set: (doc, parts, operand) => put(doc, parts, cloneValue(operand)),
  $setOnInsert: (doc, parts, operand) => put(doc, parts, cloneValue(operand)),
  $unset: (doc, parts) => removePath(doc, parts),
  $inc: arithmetic("$inc"),
  $mul: arithmetic("$mul"),
  $min: bound(-1),
  $max: bound(1),
  $push: push,
  $addToSet: addToSet,
  $pop: pop,
  $pull: pull,
  $pullAll: pullAll,
  $currentDate: currentDate,
  $bit: bit,
};

/** `$rename` moves a value between two paths, so it is not a per-path operator. */
export function rename(doc: Doc, from: string, to: string): boolean {
  if (typeof to !== "string") throw badValue("The 'to' field for $rename must be a string");
  const parts = from.split(".");
  const value = readPath(doc, parts);
  if (value === ABSENT) return false;
  removePath(doc, parts);
  writePath(doc, to.split("."), value);
  return true;
}

export function unknownModifier(name: string): MongoServerFailure {
  return new MongoServerFailure(9, "FailedToParse", `Unknown modifier: ${name}. Expected a valid update modifier or pipeline-style update specified as an array`);
}

