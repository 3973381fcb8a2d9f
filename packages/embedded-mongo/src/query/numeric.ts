/**
 * Arithmetic that keeps BSON numeric types as mongod does: int32 op int32 stays int32 unless
 * it overflows (then int64); int64 stays int64; any double makes a double; any Decimal128
 * makes a Decimal128.
 */
import { Decimal128, Double, Long } from "bson";
import { isInt32Range } from "../wire/bson-codec.ts";
import { bsonTypeOf } from "./bson-types.ts";

const WIDTH = { int: 0, long: 1, double: 2, decimal: 3 } as const;
type NumericKind = keyof typeof WIDTH;

function kindOf(value: unknown): NumericKind {
  const type = bsonTypeOf(value);
  if (type === "int" || type === "long" || type === "double" || type === "decimal") return type;
  throw new TypeError(`not a number: ${type}`);
}

/** The value as a JS number (Long beyond 2^53 and Decimal128 lose precision). */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (value instanceof Double) return value.value;
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number(value.toString());
  if (typeof value === "bigint") return Number(value);
  return Number.NaN;
}

function toBigInt(value: unknown): bigint {
  if (value instanceof Long) return value.toBigInt();
  if (typeof value === "bigint") return value;
  return BigInt(Math.trunc(toNumber(value)));
}

/** Wraps a result so that it serialises as the BSON type of `kind`. */
function asKind(kind: NumericKind, result: number): unknown {
  switch (kind) {
    case "int":
      return isInt32Range(result) ? result : Long.fromNumber(result);
    case "long":
      return Long.fromNumber(result);
    case "double":
      return isInt32Range(result) ? new Double(result) : result;
    case "decimal":
      return Decimal128.fromString(String(result));
  }
}

function widest(a: unknown, b: unknown): NumericKind {
  const ka = kindOf(a);
  const kb = kindOf(b);
  return WIDTH[ka] >= WIDTH[kb] ? ka : kb;
}

export function addNumbers(a: unknown, b: unknown): unknown {
  const kind = widest(a, b);
  if (kind === "long") return Long.fromBigInt(BigInt.asIntN(64, toBigInt(a) + toBigInt(b)));
  return asKind(kind, toNumber(a) + toNumber(b));
}

export function multiplyNumbers(a: unknown, b: unknown): unknown {
  const kind = widest(a, b);
  if (kind === "long") return Long.fromBigInt(BigInt.asIntN(64, toBigInt(a) * toBigInt(b)));
  return asKind(kind, toNumber(a) * toNumber(b));
}

/** Compares two numbers of any BSON numeric type; exact for int64 beyond 2^53. */
export function compareNumbers(a: unknown, b: unknown): number {
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x) || Number.isNaN(y)) {
    // NaN sorts below every other number in MongoDB.
    return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
  }
  if (x !== y) return x < y ? -1 : 1;
  if (Math.abs(x) >= Number.MAX_SAFE_INTEGER && (a instanceof Long || b instanceof Long)) {
    const bx = toBigInt(a);
    const by = toBigInt(b);
    return bx < by ? -1 : bx > by ? 1 : 0;
  }
  return 0;
}
