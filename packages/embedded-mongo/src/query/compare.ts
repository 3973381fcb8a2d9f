/** MongoDB's total order over BSON values, used by sort, range filters and indexes. */
import { Binary, BSONRegExp, ObjectId, Timestamp, UUID } from "bson";
import { bsonTypeOf, isPlainDocument, typeRank } from "./bson-types.ts";
import type { Collation } from "./collation.ts";
import { compareNumbers } from "./numeric.ts";

const byteOrder = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

const isSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdfff;

/**
 * MongoDB orders strings by their UTF-8 bytes, which is code point order. UTF-16 unit order
 * agrees except between surrogates (code points above U+FFFF) and U+E000..U+FFFF.
 */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800 && isSurrogate(x) !== isSurrogate(y)) return isSurrogate(x) ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return byteOrder(a.length, b.length);
}

function binaryParts(value: unknown): { subtype: number; bytes: Uint8Array } {
  if (value instanceof UUID) return { subtype: 4, bytes: value.buffer };
  if (value instanceof Binary) return { subtype: value.sub_type, bytes: value.buffer.subarray(0, value.position) };
  return { subtype: 0, bytes: value as Uint8Array };
}

function compareBinary(a: unknown, b: unknown): number {
  const x = binaryParts(a);
  const y = binaryParts(b);
  return byteOrder(x.bytes.length, y.bytes.length) || byteOrder(x.subtype, y.subtype) || Buffer.compare(x.bytes, y.bytes);
}

function compareDocuments(a: Record<string, unknown>, b: Record<string, unknown>, collation: Collation | undefined): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]!];
    const vb = b[kb[i]!];
    const order = byteOrder(typeRank(va), typeRank(vb)) || compareStrings(ka[i]!, kb[i]!) || compareValues(va, vb, collation);
    if (order) return order;
  }
  return byteOrder(ka.length, kb.length);
}

function compareArrays(a: unknown[], b: unknown[], collation: Collation | undefined): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const order = compareValues(a[i], b[i], collation);
    if (order) return order;
  }
  return byteOrder(a.length, b.length);
}

function regexParts(value: unknown): [string, string] {
  if (value instanceof BSONRegExp) return [value.pattern, value.options];
  const re = value as RegExp;
  return [re.source, re.flags];
}

/**
 * Negative, zero or positive as `a` sorts before, with or after `b`; strings (not field
 * names) by the collation's rules when one is given.
 */
export function compareValues(a: unknown, b: unknown, collation?: Collation): number {
  // Index keys are mostly two strings, two numbers or two dates: those skip the type ranks.
  if (typeof a === "string" && typeof b === "string" && collation === undefined) return compareStrings(a, b);
  if (typeof a === "number" && typeof b === "number" && !Number.isNaN(a) && !Number.isNaN(b)) return byteOrder(a, b);
  if (a instanceof Date && b instanceof Date) return byteOrder(a.getTime(), b.getTime());
  const rank = byteOrder(typeRank(a), typeRank(b));
  if (rank) return rank;
  switch (bsonTypeOf(a)) {
    case "int": case "long": case "double": case "decimal":
      return compareNumbers(a, b);
    case "string": case "symbol":
      return collation ? collation.compareStrings(String(a), String(b)) : compareStrings(String(a), String(b));
    case "object":
      return isPlainDocument(a) && isPlainDocument(b) ? compareDocuments(a, b, collation) : 0;
    case "array":
      return compareArrays(a as unknown[], b as unknown[], collation);
    case "binData":
      return compareBinary(a, b);
    case "objectId":
      return Buffer.compare((a as ObjectId).id, (b as ObjectId).id);
    case "bool":
      return byteOrder(Number(a), Number(b));
    case "date":
      return byteOrder((a as Date).getTime(), (b as Date).getTime());
    case "timestamp": {
      const x = a as Timestamp;
      const y = b as Timestamp;
      return byteOrder(x.t, y.t) || byteOrder(x.i, y.i);
    }
    case "regex": {
      const [sa, fa] = regexParts(a);
      const [sb, fb] = regexParts(b);
      return compareStrings(sa, sb) || compareStrings(fa, fb);
    }
    default:
      return 0;
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}
