/**
 * A text index's specification as mongod stores and lists it (textIndexVersion 3): the text
 * fields' key entries become `_fts: "text", _ftsx: 1` (other fields keep their place before or
 * after them), every text field gets a weight (1 unless `weights` says otherwise, sorted by
 * name), and the language options are spelled out.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { isNumeric, isPlainDocument } from "../query/bson-types.ts";
import { toNumber } from "../query/numeric.ts";
import type { IndexSpec } from "./sorted-index.ts";

export const TEXT = "text";
export const TEXT_OPTIONS = ["weights", "default_language", "language_override", "textIndexVersion"] as const;
/** The languages this server stems and filters (mongod knows more: refused rather than treated as English). */
export const TEXT_LANGUAGES = ["english", "en", "none"];

const cannotCreate = (message: string): MongoServerFailure => new MongoServerFailure(67, "CannotCreateIndex", message);

export function isTextIndex(spec: IndexSpec): boolean {
  return spec.key._fts === TEXT;
}

function readWeights(raw: unknown, textFields: string[]): Document {
  const weights: Record<string, number> = {};
  for (const field of textFields) weights[field] = 1;
  if (raw !== undefined) {
    if (!isPlainDocument(raw)) throw cannotCreate("weights must be an object");
    for (const [field, weight] of Object.entries(raw)) {
      if (!isNumeric(weight)) throw cannotCreate("weight for text index needs numeric type");
      const n = toNumber(weight);
      if (!(n > 0 && n < 100_000)) throw cannotCreate("text index weights must be in the exclusive interval (0,100000)");
      weights[field] = n;
    }
  }
  return Object.fromEntries(Object.entries(weights).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Rewrites a spec whose key names text fields into mongod's stored form; leaves any other spec alone. */
export function readTextOptions(spec: IndexSpec): void {
  const entries = Object.entries(spec.key);
  const textFields = entries.filter(([, kind]) => kind === TEXT).map(([field]) => field);
  if (textFields.length === 0 && !isTextIndex(spec)) {
    const stray = TEXT_OPTIONS.find((option) => spec[option] !== undefined);
    if (stray) throw new MongoServerFailure(197, "InvalidIndexSpecificationOption", `The field '${stray}' is only valid for a text index`);
    return;
  }
  if (textFields.length > 0) {
    const key: Record<string, unknown> = {};
    for (const [field, kind] of entries) {
      if (kind !== TEXT) key[field] = kind;
      else if (!("_fts" in key)) Object.assign(key, { _fts: TEXT, _ftsx: 1 });
    }
    spec.key = key;
  }
  spec.weights = readWeights(spec.weights, textFields);
  const language = spec.default_language ?? "english";
  if (typeof language !== "string" || !TEXT_LANGUAGES.includes(language)) {
    throw new MongoServerFailure(115, "CommandNotSupported", `text search language '${String(language)}' is not supported by this server (english and none are)`);
  }
  spec.default_language = language;
  const override = spec.language_override ?? "language";
  if (typeof override !== "string") throw cannotCreate("language_override must be a string");
  spec.language_override = override;
  const version = spec.textIndexVersion ?? 3;
  if (toNumber(version) !== 3) throw cannotCreate(`Currently only textIndexVersion 3 is supported, not ${String(version)}`);
  spec.textIndexVersion = 3;
}
