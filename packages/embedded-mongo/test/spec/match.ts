/**
 * The unified test format's matching rules ("Evaluating Matches"): extra fields allowed only in
 * root-level documents, int32/int64/double compared by value, Decimal128 only with Decimal128,
 * and the `$$` operators the CRUD tests use. A mismatch throws with the path where it happened.
 */
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp, type Document } from "bson";

export class MatchError extends Error {}

type Entities = ReadonlyMap<string, unknown>;

export interface MatchContext {
  entities: Entities;
}

function isDocument(value: unknown): value is Document {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The BSON type tag of a wrapper value, whichever copy of the bson package made it (the driver's may not be ours). */
function bsonTag(value: unknown): string | undefined {
  return value !== null && typeof value === "object" ? (value as { _bsontype?: string })._bsontype : undefined;
}

/** A number of any BSON numeric type but Decimal128, as a JS number (NaN when not numeric). */
function numeric(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  const tag = bsonTag(value);
  if (tag === "Int32" || tag === "Double") return (value as Int32 | Double).valueOf();
  if (tag === "Long") return Long.fromValue(value as Long).toNumber();
  return Number.NaN;
}

function isNumeric(value: unknown): boolean {
  const tag = bsonTag(value);
  return typeof value === "number" || typeof value === "bigint" || tag === "Int32" || tag === "Double" || tag === "Long";
}

/** The `$type` alias of a value as the test reads it (integral JS numbers are int or double: the driver promoted them). */
export function typeAliases(value: unknown): string[] {
  if (value === null) return ["null"];
  if (value === undefined) return ["undefined"];
  if (typeof value === "string") return ["string"];
  if (typeof value === "boolean") return ["bool"];
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) <= 2 ** 31 ? ["int", "double", "number"] : ["double", "number"];
  if (value instanceof Int32) return ["int", "number"];
  if (value instanceof Double) return ["double", "number"];
  if (value instanceof Long || typeof value === "bigint") return ["long", "number"];
  if (value instanceof Decimal128) return ["decimal", "number"];
  if (value instanceof ObjectId) return ["objectId"];
  if (value instanceof Date) return ["date"];
  if (value instanceof Binary) return ["binData"];
  if (value instanceof Timestamp) return ["timestamp"];
  if (value instanceof RegExp) return ["regex"];
  if (Array.isArray(value)) return ["array"];
  if (isDocument(value)) return ["object"];
  const bsontype = (value as { _bsontype?: string })._bsontype;
  return bsontype ? [bsontype.charAt(0).toLowerCase() + bsontype.slice(1)] : ["unknown"];
}

function isDriverObject(value: unknown): value is object {
  return (
    value !== null && typeof value === "object" && !Array.isArray(value) && !isDocument(value) &&
    !("_bsontype" in value) && !(value instanceof Date) && !(value instanceof RegExp) && !ArrayBuffer.isView(value)
  );
}

function specialOperator(value: unknown): [string, unknown] | undefined {
  if (!isDocument(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0]!.startsWith("$$")) return [keys[0]!, value[keys[0]!]];
  return undefined;
}

function fail(path: string, message: string): never {
  throw new MatchError(`${path || "(root)"}: ${message}`);
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))?.slice(0, 300) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Asserts that `actual` matches `expected`; `root` allows extra fields in a document. */
export function match(expected: unknown, actual: unknown, context: MatchContext, root = true, path = ""): void {
  // The driver keeps some command fields as Maps (a find's sort) or class instances (a ReadConcern).
  if (actual instanceof Map) actual = Object.fromEntries(actual);
  else if (isDriverObject(actual)) actual = { ...actual };
  const operator = specialOperator(expected);
  if (operator) return matchOperator(operator, actual, context, root, path);
  if (isDocument(expected)) {
    if (!isDocument(actual)) fail(path, `expected a document, got ${show(actual)}`);
    for (const [key, value] of Object.entries(expected)) {
      const inner = specialOperator(value);
      const here = path ? `${path}.${key}` : key;
      if (inner?.[0] === "$$exists") {
        if ((key in actual && actual[key] !== undefined) !== inner[1]) fail(here, `expected ${inner[1] ? "present" : "absent"}`);
        continue;
      }
      if (inner?.[0] === "$$unsetOrMatches" && !(key in actual && actual[key] !== undefined)) continue;
      if (!(key in actual) || actual[key] === undefined) fail(here, `missing (expected ${show(value)})`);
      match(value, actual[key], context, false, here);
    }
    if (!root) {
      const extra = Object.keys(actual).filter((key) => !(key in expected) && actual[key] !== undefined);
      if (extra.length) fail(path, `unexpected fields ${extra.join(", ")}`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) fail(path, `expected an array, got ${show(actual)}`);
    if (actual.length !== expected.length) fail(path, `expected ${expected.length} elements, got ${actual.length}: ${show(actual)}`);
    expected.forEach((value, index) => match(value, actual[index], context, false, `${path}[${index}]`));
    return;
  }
  matchScalar(expected, actual, path);
}

function matchOperator([name, argument]: [string, unknown], actual: unknown, context: MatchContext, root: boolean, path: string): void {
  switch (name) {
    case "$$unsetOrMatches":
      if (actual === undefined) return;
      return match(argument, actual, context, root, path);
    case "$$exists":
      if ((actual !== undefined) !== argument) fail(path, `expected ${argument ? "present" : "absent"}`);
      return;
    case "$$type": {
      const wanted = Array.isArray(argument) ? (argument as string[]) : [String(argument)];
      if (actual === undefined) fail(path, `missing (expected type ${wanted.join("|")})`);
      const have = typeAliases(actual);
      if (!wanted.some((type) => have.includes(type))) fail(path, `expected type ${wanted.join("|")}, got ${have[0]} ${show(actual)}`);
      return;
    }
    case "$$matchesEntity": {
      if (!context.entities.has(String(argument))) fail(path, `no entity ${String(argument)}`);
      return match(context.entities.get(String(argument)), actual, context, root, path);
    }
    case "$$lte":
      if (!(numeric(actual) <= numeric(argument))) fail(path, `expected <= ${show(argument)}, got ${show(actual)}`);
      return;
    case "$$matchAsRoot":
      return match(argument, actual, context, true, path);
    case "$$matchAsDocument":
      if (typeof actual !== "string") fail(path, "expected an extended JSON string");
      return match(argument, JSON.parse(actual), context, false, path);
    default:
      throw new UnsupportedError(`matching operator ${name}`);
  }
}

function matchScalar(expected: unknown, actual: unknown, path: string): void {
  if (isNumeric(expected)) {
    if (!isNumeric(actual)) fail(path, `expected ${show(expected)}, got ${show(actual)}`);
    const [want, have] = [numeric(expected), numeric(actual)];
    if (want === have || (Number.isNaN(want) && Number.isNaN(have))) return;
    fail(path, `expected ${show(want)}, got ${show(have)}`);
  }
  if (expected instanceof Decimal128) {
    if (!(actual instanceof Decimal128) || actual.toString() !== expected.toString()) fail(path, `expected Decimal128 ${expected.toString()}, got ${show(actual)}`);
    return;
  }
  if (expected === null || typeof expected !== "object") {
    if (!Object.is(expected, actual) && !(expected === null && actual === null)) fail(path, `expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  if (expected instanceof Date) {
    if (!(actual instanceof Date) || actual.getTime() !== expected.getTime()) fail(path, `expected ${expected.toISOString()}, got ${show(actual)}`);
    return;
  }
  const [want, have] = [canonical(expected), canonical(actual)];
  if (want !== have) fail(path, `expected ${want}, got ${have}`);
}

/** Other BSON values (ObjectId, Binary, Timestamp, regexes...) compare by their canonical extended JSON. */
function canonical(value: unknown): string {
  if (value instanceof RegExp) return `/${value.source}/${value.flags.split("").sort().join("")}`;
  const bsontype = (value as { _bsontype?: string } | null)?._bsontype;
  if (bsontype === "BSONRegExp") {
    const regex = value as { pattern: string; options: string };
    return `/${regex.pattern}/${regex.options.split("").sort().join("")}`;
  }
  return `${bsontype ?? typeof value}:${show(value)}`;
}

/** A test uses something this runner does not implement: counted as skipped, not failed. */
export class UnsupportedError extends Error {}

/** Outcome data must match exactly (no extra fields anywhere), numbers still compared by value. */
export function matchExactly(expected: unknown, actual: unknown, path = ""): void {
  if (isDocument(expected)) {
    if (!isDocument(actual)) fail(path, `expected a document, got ${show(actual)}`);
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      const here = path ? `${path}.${key}` : key;
      if (!(key in expected)) fail(here, `unexpected field (${show(actual[key])})`);
      if (!(key in actual)) fail(here, `missing (expected ${show(expected[key])})`);
      matchExactly(expected[key], actual[key], here);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) fail(path, `expected ${show(expected)}, got ${show(actual)}`);
    expected.forEach((value, index) => matchExactly(value, actual[index], `${path}[${index}]`));
    return;
  }
  matchScalar(expected, actual, path);
}
