/**
 * MongoDB query filters, evaluated on stored documents with BSON-aware comparison.
 * Field conditions see every value a dotted path reaches (arrays fan out); a condition on a
 * field holds when it holds for the value itself or, if that is an array, one of its elements.
 */
import { Query } from "mingo";
import { badValue, MongoServerFailure } from "../errors.ts";
import type { Collation } from "./collation.ts";
import { compileSchema } from "./json-schema.ts";
import { bsonTypeOf, isNumeric, isPlainDocument, TYPE_NUMBERS, typeRank } from "./bson-types.ts";
import { compareValues } from "./compare.ts";
import { nearMatches, readNear } from "./geo/near.ts";
import { withinMatches } from "./geo/within.ts";
import { intersectsMatches } from "./geo/intersects.ts";
import { mingoFailure, mingoView } from "./mingo-view.ts";
import { toNumber } from "./numeric.ts";
import { MISSING, resolvePath, type Leaf } from "./path.ts";
import { isRegex, toRegexTester, type RegexTester } from "./regex.ts";

export type Filter = Record<string, unknown>;
export type Predicate = (doc: Record<string, unknown>) => boolean;

/** What a query runs with beside its filter: the command's collation and `let` variables. */
export interface QueryEnv {
  readonly collation?: Collation | undefined;
  /** Values of `$$name` in `$expr` (the command's `let`), already evaluated. */
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
  /** Whether a document matches the filter's `$text`, through the collection's text index (commands/text-search.ts). */
  readonly text?: ((doc: unknown) => boolean) | undefined;
}

const NO_ENV: QueryEnv = {};

export function compileFilter(filter: Filter | undefined, env: QueryEnv = NO_ENV): Predicate {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  checkFilter(filter, env);
  return (doc) => matches(doc, filter, env);
}

/**
 * Refuses a filter mongod refuses when it parses it, whatever the documents: an unknown
 * operator, `$in` without an array, a malformed `$mod` or regex... Matching finds these only
 * at a document that reaches them, so an empty collection (or a condition an earlier one cut
 * short) answered no error. Each operator is tried on no values, which checks its operand as
 * matching would; `$expr` is left to its evaluation, as its errors depend on the document.
 */
function checkFilter(filter: Filter, env: QueryEnv): void {
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (!key.startsWith("$")) checkCondition(condition, env);
    else if (key === "$and" || key === "$or" || key === "$nor") for (const sub of subFilters(key, condition)) checkFilter(sub, env);
    else if (key !== "$expr") matchLogical({}, key, condition, env);
  }
}

function checkCondition(condition: unknown, env: QueryEnv): void {
  if (!isOperatorDocument(condition)) return;
  for (const operator of Object.keys(condition)) {
    const operand = condition[operator];
    matchOperator([], operator, operand, condition, env);
    if (operator === "$not") checkCondition(operand, env);
    else if (operator === "$elemMatch") {
      if (isOperatorDocument(operand) && onValues(operand)) checkCondition(operand, env);
      else checkFilter(operand as Filter, env);
    } else if (operator === "$all") {
      for (const item of operand as unknown[]) if (isPlainDocument(item) && "$elemMatch" in item) checkCondition(item, env);
    }
  }
}

export function matches(doc: unknown, filter: Filter, env: QueryEnv = NO_ENV): boolean {
  for (const key of Object.keys(filter)) {
    const condition = filter[key];
    if (key.startsWith("$")) {
      if (!matchLogical(doc, key, condition, env)) return false;
    } else if (!matchCondition(resolvePath(doc, key), condition, env)) {
      return false;
    }
  }
  return true;
}

function subFilters(operator: string, value: unknown): Filter[] {
  if (!Array.isArray(value) || value.length === 0) throw badValue(`${operator} argument must be a non-empty array`);
  return value as Filter[];
}

function matchLogical(doc: unknown, operator: string, value: unknown, env: QueryEnv): boolean {
  switch (operator) {
    case "$and": return subFilters(operator, value).every((f) => matches(doc, f, env));
    case "$or": return subFilters(operator, value).some((f) => matches(doc, f, env));
    case "$nor": return !subFilters(operator, value).some((f) => matches(doc, f, env));
    case "$expr": return matchExpression(doc, value, env);
    case "$jsonSchema": return compileSchema(value)(doc);
    case "$comment": return true;
    case "$text":
      if (!env.text) throw new MongoServerFailure(27, "IndexNotFound", "text index required for $text query");
      return env.text(doc);
    case "$alwaysTrue": return true;
    case "$alwaysFalse": return false;
    default: throw badValue(`unknown top level operator: ${operator}`);
  }
}

/** `$expr`, evaluated by mingo, which knows no collation: refused with one rather than compared in binary order. */
function matchExpression(doc: unknown, expression: unknown, env: QueryEnv): boolean {
  if (env.collation) throw badValue("$expr with a non-simple collation is not supported by this server");
  const options = env.variables ? { variables: mingoView(env.variables) as Record<string, unknown> } : undefined;
  try {
    return new Query({ $expr: mingoView(expression) }, options).test(mingoView(doc) as Record<string, unknown>);
  } catch (error) {
    throw mingoFailure(error);
  }
}

/** A condition is an operator document (`{ $gt: 1 }`), a regex, or a value to equal. */
export function isOperatorDocument(condition: unknown): condition is Record<string, unknown> {
  if (!isPlainDocument(condition)) return false;
  const first = Object.keys(condition)[0];
  return first !== undefined && first.startsWith("$");
}

export function matchCondition(leaves: Leaf[], condition: unknown, env: QueryEnv = NO_ENV): boolean {
  if (isOperatorDocument(condition)) {
    for (const operator of Object.keys(condition)) {
      if (!matchOperator(leaves, operator, condition[operator], condition, env)) return false;
    }
    return true;
  }
  if (isRegex(condition)) return anyLeaf(leaves, regexTest(toRegexTester(condition)));
  return anyLeaf(leaves, (v) => equalsOperand(v, condition, env.collation));
}

/** True when the predicate holds for a leaf or, for an array leaf, one of its elements. */
function anyLeaf(leaves: Leaf[], predicate: (value: unknown) => boolean): boolean {
  for (const leaf of leaves) {
    if (predicate(leaf)) return true;
    if (Array.isArray(leaf) && leaf.some(predicate)) return true;
  }
  return false;
}

export function equalsOperand(value: unknown, operand: unknown, collation?: Collation): boolean {
  if (operand === null) return value === null || value === MISSING || value === undefined;
  if (value === MISSING) return false;
  return compareValues(value, operand, collation) === 0;
}

const regexTest = (re: RegexTester) => (value: unknown): boolean => typeof value === "string" && re.test(value);

function inList(operand: unknown, collation: Collation | undefined): (value: unknown) => boolean {
  if (!Array.isArray(operand)) throw badValue("$in needs an array");
  const regexes = operand.filter(isRegex).map((re) => regexTest(toRegexTester(re)));
  const values = operand.filter((o) => !isRegex(o));
  return (value) => values.some((o) => equalsOperand(value, o, collation)) || regexes.some((test) => test(value));
}

function rangeTest(operator: string, operand: unknown, collation: Collation | undefined): (value: unknown) => boolean {
  const accepts: (order: number) => boolean =
    operator === "$gt" ? (o) => o > 0 : operator === "$gte" ? (o) => o >= 0 : operator === "$lt" ? (o) => o < 0 : (o) => o <= 0;
  const operandRank = typeRank(operand);
  const crossesTypes = operandRank === 1 || operandRank === 127; // MinKey and MaxKey bound everything
  return (value) => {
    if (value === MISSING) return operand === null && (operator === "$gte" || operator === "$lte");
    if (!crossesTypes && typeRank(value) !== operandRank) return false;
    return accepts(compareValues(value, operand, collation));
  };
}

function typeTest(operand: unknown): (value: unknown) => boolean {
  const wanted = (Array.isArray(operand) ? operand : [operand]).map((t) =>
    typeof t === "number" ? TYPE_NUMBERS[t] : t === "number" ? "number" : String(t),
  );
  return (value) => {
    if (value === MISSING) return false;
    const type = bsonTypeOf(value);
    return wanted.some((w) => w === type || (w === "number" && isNumeric(value)));
  };
}

/** An `$elemMatch` on the elements themselves (`{ $gt: 1 }`), not on fields of document elements. */
function onValues(spec: Record<string, unknown>): boolean {
  return Object.keys(spec).every((k) => k.startsWith("$") && !["$and", "$or", "$nor", "$expr"].includes(k));
}

function elemMatchTest(spec: unknown, env: QueryEnv): (element: unknown) => boolean {
  if (!isPlainDocument(spec)) throw badValue("$elemMatch needs an Object");
  if (onValues(spec)) return (element) => matchCondition([element], spec, env);
  return (element) => isPlainDocument(element) && matches(element, spec, env);
}

function matchOperator(leaves: Leaf[], operator: string, operand: unknown, siblings: Record<string, unknown>, env: QueryEnv): boolean {
  switch (operator) {
    case "$eq": return anyLeaf(leaves, (v) => equalsOperand(v, operand, env.collation));
    case "$ne": return !anyLeaf(leaves, (v) => equalsOperand(v, operand, env.collation));
    case "$gt": case "$gte": case "$lt": case "$lte": return anyLeaf(leaves, rangeTest(operator, operand, env.collation));
    case "$in": return anyLeaf(leaves, inList(operand, env.collation));
    case "$nin": return !anyLeaf(leaves, inList(operand, env.collation));
    case "$exists": return leaves.some((v) => v !== MISSING) === Boolean(operand);
    case "$type": return anyLeaf(leaves, typeTest(operand));
    case "$size": {
      const size = sizeOf(operand);
      return leaves.some((v) => Array.isArray(v) && v.length === size);
    }
    case "$all": return matchAll(leaves, operand, env);
    case "$elemMatch": {
      const test = elemMatchTest(operand, env);
      return leaves.some((v) => Array.isArray(v) && v.some(test));
    }
    case "$not":
      if (!isRegex(operand) && !isOperatorDocument(operand)) throw badValue("$not needs a regex or a document");
      return !matchCondition(leaves, operand, env);
    case "$regex": return anyLeaf(leaves, regexTest(regexOf(siblings)));
    case "$options": return true;
    case "$mod": return anyLeaf(leaves, modTest(operand));
    case "$comment": return true;
    case "$near": case "$nearSphere": return nearMatches(readNear(operator, siblings), leaves);
    case "$maxDistance": case "$minDistance": return true; // read by $near/$nearSphere beside them
    case "$geoWithin": case "$within": return withinMatches(operand, leaves);
    case "$geoIntersects": return intersectsMatches(operand, leaves);
    default: throw badValue(`unknown operator: ${operator}`);
  }
}

function matchAll(leaves: Leaf[], operand: unknown, env: QueryEnv): boolean {
  if (!Array.isArray(operand)) throw badValue("$all needs an array");
  if (operand.length === 0) return false;
  return operand.every((item) =>
    isPlainDocument(item) && "$elemMatch" in item
      ? matchOperator(leaves, "$elemMatch", item.$elemMatch, item, env)
      : matchCondition(leaves, item, env),
  );
}

/** `{ $regex, $options }` compiled once per condition object, not once per document. */
const compiledRegexes = new WeakMap<object, RegexTester>();
function regexOf(condition: Record<string, unknown>): RegexTester {
  let re = compiledRegexes.get(condition);
  if (!re) {
    const options = String(condition.$options ?? "");
    for (const flag of options) {
      if (!REGEX_OPTIONS.includes(flag)) throw new MongoServerFailure(51108, "Location51108", `invalid flag in regex options: ${flag}`);
    }
    re = toRegexTester(condition.$regex, options);
    compiledRegexes.set(condition, re);
  }
  return re;
}

/** The flags mongod takes in `$options`. */
const REGEX_OPTIONS = "imsxu";

/** `$size`'s operand: a whole, non-negative number, as mongod parses it. */
function sizeOf(operand: unknown): number {
  const size = toNumber(operand);
  if (Number.isNaN(size)) throw badValue("$size needs a number");
  if (!Number.isInteger(size)) throw badValue("$size needs a whole number");
  if (size < 0) throw badValue("$size may not be negative");
  return size;
}

function modTest(operand: unknown): (value: unknown) => boolean {
  if (!Array.isArray(operand) || operand.length !== 2) throw badValue("malformed mod, needs to be an array of [divisor, remainder]");
  const divisor = Math.trunc(toNumber(operand[0]));
  const remainder = Math.trunc(toNumber(operand[1]));
  if (divisor === 0) throw badValue("divisor cannot be 0");
  return (value) => isNumeric(value) && Math.trunc(toNumber(value)) % divisor === remainder;
}
