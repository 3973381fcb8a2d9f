/**
 * A canonical string for a BSON value: equal values (as MongoDB compares them: 1, 1.0 and
 * 1L are equal) get equal keys. Keys documents by `_id` and detects unique-index collisions.
 */
import { Binary, BSONRegExp, Decimal128, Long, ObjectId, Timestamp, UUID } from "bson";
import { bsonTypeOf } from "../query/bson-types.ts";
import { toNumber } from "../query/numeric.ts";

function numberKey(value: unknown): string {
  if (value instanceof Long && !isSafe(value)) return `n:${value.toString()}`;
  if (value instanceof Decimal128) return `n:${String(toNumber(value))}`;
  return `n:${String(toNumber(value))}`;
}

const isSafe = (value: Long): boolean =>
  value.lessThanOrEqual(Long.fromNumber(Number.MAX_SAFE_INTEGER)) && value.greaterThanOrEqual(Long.fromNumber(Number.MIN_SAFE_INTEGER));

export function valueKey(value: unknown): string {
  if (typeof value === "string") return `s:${value}`;
  if (value instanceof ObjectId) return `o:${value.toHexString()}`;
  switch (bsonTypeOf(value)) {
    case "int": case "long": case "double": case "decimal": return numberKey(value);
    case "null": case "undefined": return "z";
    case "bool": return value ? "b:1" : "b:0";
    case "date": return `d:${(value as Date).getTime()}`;
    case "binData": {
      const binary = value instanceof UUID ? value : (value as Binary);
      return `x:${binary.sub_type}:${Buffer.from(binary.buffer.subarray(0, binary.position)).toString("base64")}`;
    }
    case "timestamp": return `t:${(value as Timestamp).t}:${(value as Timestamp).i}`;
    case "regex": {
      const re = value as RegExp | BSONRegExp;
      return re instanceof BSONRegExp ? `r:${re.pattern}/${re.options}` : `r:${re.source}/${re.flags}`;
    }
    case "minKey": return "min";
    case "maxKey": return "max";
    case "symbol": return `s:${String(value)}`;
    case "array": return `[${(value as unknown[]).map(nestedKey).join(",")}]`;
    case "object": {
      const doc = value as Record<string, unknown>;
      return `{${Object.keys(doc).map((k) => `${JSON.stringify(k)}:${nestedKey(doc[k])}`).join(",")}}`;
    }
    default: return `?:${String(value)}`;
  }
}

/** Inside arrays and documents, strings are quoted so that separators stay unambiguous. */
function nestedKey(value: unknown): string {
  return typeof value === "string" ? `s:${JSON.stringify(value)}` : valueKey(value);
}
