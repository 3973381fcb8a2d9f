/**
 * What BSON type a stored value has, and its place in MongoDB's comparison order
 * (MinKey < null < numbers < strings < objects < arrays < BinData < ObjectId < bool < Date
 * < Timestamp < RegExp < MaxKey). Numbers of every type share one rank.
 */
import { Binary, BSONRegExp, BSONSymbol, Code, Decimal128, Double, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from "bson";
import { isInt32Range, isPlainDocument } from "../wire/bson-codec.ts";

export type BsonTypeName =
  | "minKey" | "null" | "undefined" | "int" | "long" | "double" | "decimal" | "string" | "symbol"
  | "object" | "array" | "binData" | "objectId" | "bool" | "date" | "timestamp" | "regex"
  | "javascript" | "maxKey";

export function bsonTypeOf(value: unknown): BsonTypeName {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined": return "undefined";
    case "number": return isInt32Range(value) ? "int" : "double";
    case "bigint": return "long";
    case "string": return "string";
    case "boolean": return "bool";
  }
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "date";
  if (value instanceof RegExp || value instanceof BSONRegExp) return "regex";
  if (value instanceof ObjectId) return "objectId";
  if (value instanceof Double) return "double";
  if (value instanceof Timestamp) return "timestamp"; // a Timestamp is a Long subclass: test it first
  if (value instanceof Long) return "long";
  if (value instanceof Decimal128) return "decimal";
  if (value instanceof Binary || value instanceof UUID || value instanceof Uint8Array) return "binData";
  if (value instanceof MinKey) return "minKey";
  if (value instanceof MaxKey) return "maxKey";
  if (value instanceof BSONSymbol) return "symbol";
  if (value instanceof Code) return "javascript";
  return "object";
}

/** Canonical ranks: types with the same rank compare by value. */
const RANK: Record<BsonTypeName, number> = {
  minKey: 1, undefined: 5, null: 5, int: 10, long: 10, double: 10, decimal: 10,
  string: 15, symbol: 15, object: 20, array: 25, binData: 30, objectId: 35, bool: 40,
  date: 45, timestamp: 47, regex: 50, javascript: 60, maxKey: 127,
};

export function typeRank(value: unknown): number {
  return RANK[bsonTypeOf(value)];
}

export function isNumeric(value: unknown): boolean {
  return typeRank(value) === 10;
}

/** BSON type numbers, for `$type` with a number. */
export const TYPE_NUMBERS: Record<number, BsonTypeName> = {
  1: "double", 2: "string", 3: "object", 4: "array", 5: "binData", 6: "undefined", 7: "objectId",
  8: "bool", 9: "date", 10: "null", 11: "regex", 13: "javascript", 14: "symbol", 16: "int",
  17: "timestamp", 18: "long", 19: "decimal", [-1]: "minKey", 127: "maxKey",
};

export { isPlainDocument };
