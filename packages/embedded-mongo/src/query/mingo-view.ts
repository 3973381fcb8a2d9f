/**
 * mingo understands plain JS values only: this gives it a copy of a document where every
 * BSON number (Double, Long, Decimal128) is a JS number. Used where we delegate to mingo:
 * `$expr`, aggregation pipelines and computed projections.
 */
import { Decimal128, Double, Long, Timestamp } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { isPlainDocument } from "./bson-types.ts";
import { toNumber } from "./numeric.ts";

export function mingoView(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Timestamp) return value;
  if (value instanceof Double || value instanceof Long || value instanceof Decimal128) return toNumber(value);
  if (Array.isArray(value)) return value.map(mingoView);
  if (!isPlainDocument(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) copy[key] = mingoView(field);
  return copy;
}

function holdsWrappedNumbers(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (value instanceof Timestamp) return false;
  if (value instanceof Double || value instanceof Long || value instanceof Decimal128) return true;
  if (Array.isArray(value)) return value.some(holdsWrappedNumbers);
  return isPlainDocument(value) && Object.values(value).some(holdsWrappedNumbers);
}

/**
 * A document as mingo input. Stages that only read their input may see the stored document
 * itself when it holds no wrapped numbers (no copy); any other stage gets a copy, since mingo
 * may write into the sub-documents of its input.
 */
export function mingoInput(doc: unknown, readOnly: boolean): unknown {
  return readOnly && !holdsWrappedNumbers(doc) ? doc : mingoView(doc);
}

/** mingo's errors as mongod reports them: an undefined `$$variable` is 17276, anything else 2 BadValue. */
export function mingoFailure(error: unknown): MongoServerFailure {
  if (error instanceof MongoServerFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const undefinedVariable = /Use of undefined variable: (\S+)/.exec(message);
  if (undefinedVariable) return new MongoServerFailure(17276, "Location17276", `Use of undefined variable: ${undefinedVariable[1]}`);
  return new MongoServerFailure(2, "BadValue", message);
}
