/**
 * BSON in and out, keeping numeric types: values are decoded with `promoteValues: false`, then
 * narrowed back to plain JS numbers wherever `bson` would serialise that number as the same
 * BSON type again (int32, and doubles that are not integral). What stays wrapped: Long,
 * Decimal128, and doubles holding an integral value (which would otherwise come back as int32).
 */
import { BSON, Double, Int32, type Document } from "bson";

const DECODE_OPTIONS = { promoteValues: false, promoteBuffers: false } as const;

export function decodeDocument(bytes: Uint8Array): Document {
  return narrowNumbers(BSON.deserialize(bytes, DECODE_OPTIONS)) as Document;
}

export function encodeDocument(doc: Document): Uint8Array {
  return BSON.serialize(doc, { ignoreUndefined: true });
}

export function isInt32Range(n: number): boolean {
  return Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff && !Object.is(n, -0);
}

/** A JS number serialises as int32 when integral and in range, as a double otherwise. */
function narrowDouble(value: Double): number | Double {
  return isInt32Range(value.value) ? value : value.value;
}

export function narrowNumbers(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Int32) return value.value;
  if (value instanceof Double) return narrowDouble(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = narrowNumbers(value[i]);
    return value;
  }
  if (isPlainDocument(value)) {
    const doc = value as Record<string, unknown>;
    for (const key of Object.keys(doc)) doc[key] = narrowNumbers(doc[key]);
  }
  return value;
}

/** A sub-document (as opposed to a BSON value class instance, a Date or a RegExp). */
export function isPlainDocument(value: unknown): value is Document {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
