/**
 * The aggregation expressions evaluated here, on stored documents, so that arithmetic keeps
 * BSON numeric types as mongod's does: field paths, constants, `$literal`, documents of
 * expressions, and `$add`, `$subtract`, `$multiply`, `$divide`, `$abs`. Anything else
 * compiles to undefined and is left to mingo.
 */
import { Decimal128, Double, Long } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { bsonTypeOf, isNumeric, isPlainDocument } from "./bson-types.ts";
import { addNumbers, multiplyNumbers, toNumber } from "./numeric.ts";

export type Evaluate = (doc: Record<string, unknown>) => unknown;

/** An aggregation field path: through arrays it collects the elements' values, as mongod. */
export function fieldValue(doc: unknown, path: string): unknown {
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

const nullish = (value: unknown): boolean => value === null || value === undefined;

function numericOnly(operator: string, value: unknown): void {
  if (!isNumeric(value)) throw new MongoServerFailure(16554, "Location16554", `${operator} only supports numeric types, not ${bsonTypeOf(value)}`);
}

function add(values: unknown[]): unknown {
  if (values.some(nullish)) return null;
  const dates = values.filter((value) => value instanceof Date);
  if (dates.length > 1) throw new MongoServerFailure(16612, "Location16612", "only one date allowed in an $add expression");
  let total: unknown = 0;
  for (const value of values) {
    if (value instanceof Date) continue;
    numericOnly("$add", value);
    total = addNumbers(total, value);
  }
  return dates.length ? new Date((dates[0] as Date).getTime() + Math.round(toNumber(total))) : total;
}

function subtract([a, b]: unknown[]): unknown {
  if (nullish(a) || nullish(b)) return null;
  if (a instanceof Date && b instanceof Date) return Long.fromNumber(a.getTime() - b.getTime());
  if (a instanceof Date && isNumeric(b)) return new Date(a.getTime() - Math.round(toNumber(b)));
  numericOnly("$subtract", a);
  numericOnly("$subtract", b);
  return addNumbers(a, multiplyNumbers(b, -1));
}

function multiply(values: unknown[]): unknown {
  if (values.some(nullish)) return null;
  let product: unknown = 1;
  for (const value of values) {
    numericOnly("$multiply", value);
    product = multiplyNumbers(product, value);
  }
  return product;
}

function divide([a, b]: unknown[]): unknown {
  if (nullish(a) || nullish(b)) return null;
  numericOnly("$divide", a);
  numericOnly("$divide", b);
  if (toNumber(b) === 0) throw new MongoServerFailure(2, "BadValue", "can't $divide by zero");
  const quotient = toNumber(a) / toNumber(b);
  return a instanceof Decimal128 || b instanceof Decimal128 ? Decimal128.fromString(String(quotient)) : Number.isInteger(quotient) ? new Double(quotient) : quotient;
}

function abs([a]: unknown[]): unknown {
  if (nullish(a)) return null;
  numericOnly("$abs", a);
  return toNumber(a) < 0 ? multiplyNumbers(a, -1) : a;
}

const OPERATORS: Record<string, { arity?: number; apply: (values: unknown[]) => unknown }> = {
  $add: { apply: add },
  $subtract: { arity: 2, apply: subtract },
  $multiply: { apply: multiply },
  $divide: { arity: 2, apply: divide },
  $abs: { arity: 1, apply: abs },
};

/** The expression as a function of the document, or undefined when it holds what only mingo evaluates. */
export function compileExpression(expression: unknown): Evaluate | undefined {
  if (typeof expression === "string") {
    if (expression.startsWith("$$")) return undefined;
    if (expression.startsWith("$")) {
      const path = expression.slice(1);
      return (doc) => fieldValue(doc, path);
    }
    return () => expression;
  }
  if (Array.isArray(expression)) {
    const items = expression.map(compileExpression);
    if (items.some((item) => item === undefined)) return undefined;
    return (doc) => items.map((item) => item!(doc));
  }
  if (!isPlainDocument(expression)) return () => expression;
  const keys = Object.keys(expression);
  if (keys.length === 1 && keys[0] === "$literal") return () => expression.$literal;
  if (keys.length === 1 && keys[0]!.startsWith("$")) {
    const operator = OPERATORS[keys[0]!];
    if (!operator) return undefined;
    const raw = expression[keys[0]!];
    const args = (Array.isArray(raw) ? raw : [raw]).map(compileExpression);
    if (args.some((arg) => arg === undefined)) return undefined;
    if (operator.arity !== undefined && args.length !== operator.arity) return undefined;
    return (doc) => operator.apply(args.map((arg) => arg!(doc)));
  }
  if (keys.some((key) => key.startsWith("$") || key.includes("."))) return undefined;
  const fields = keys.map((key) => [key, compileExpression(expression[key])] as const);
  if (fields.some(([, field]) => field === undefined)) return undefined;
  return (doc) => {
    const out: Record<string, unknown> = {};
    for (const [key, field] of fields) {
      const value = field!(doc);
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
}
