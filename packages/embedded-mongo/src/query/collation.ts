/**
 * Collation: how strings compare under a locale's rules, as mongod's `collation` option
 * (ICU) asks: `strength` 1-5, `caseLevel`, `caseFirst` and `numericOrdering`, on the
 * locales Node's Intl knows. Options it cannot honour (`alternate: "shifted"`, `maxVariable`,
 * `backwards`, `normalization`) and unknown locales are refused, never silently ignored.
 * `{ locale: "simple" }` (or no collation) is MongoDB's binary order.
 */
import { badValue } from "../errors.ts";
import { isPlainDocument } from "./bson-types.ts";

export interface Collation {
  /** The collation as a document, for messages and index specs. */
  readonly spec: Readonly<Record<string, unknown>>;
  /** The locale as a BCP 47 tag (ICU's `en_US` is Intl's `en-US`). */
  readonly tag: string;
  compareStrings(a: string, b: string): number;
}

const FIELDS = new Set(["locale", "caseLevel", "caseFirst", "strength", "numericOrdering", "alternate", "maxVariable", "normalization", "backwards", "version"]);

function refuse(spec: unknown, message: string): never {
  throw badValue(`${message} in collation ${JSON.stringify(spec)}`);
}

function sensitivity(strength: number, caseLevel: boolean): Intl.CollatorOptions["sensitivity"] {
  if (strength === 1) return caseLevel ? "case" : "base";
  if (strength === 2) return caseLevel ? "variant" : "accent";
  return "variant";
}

/** Code point order, the tie-break of strength 5 ("identical"). */
function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const cache = new Map<string, Collation | undefined>();

/** The collation a command's `collation` field asks for; undefined for the binary ("simple") one. */
export function readCollation(spec: unknown): Collation | undefined {
  if (spec === undefined) return undefined;
  if (!isPlainDocument(spec)) throw badValue("collation must be an object");
  const key = JSON.stringify(spec);
  if (cache.has(key)) return cache.get(key);
  const collation = buildCollation(spec);
  if (cache.size > 1000) cache.clear();
  cache.set(key, collation);
  return collation;
}

function buildCollation(spec: Record<string, unknown>): Collation | undefined {
  for (const field of Object.keys(spec)) if (!FIELDS.has(field)) refuse(spec, `unknown field '${field}'`);
  const { locale, caseLevel = false, caseFirst = "off", strength = 3, numericOrdering = false } = spec;
  if (typeof locale !== "string") refuse(spec, "missing 'locale'");
  if (locale === "simple") {
    if (Object.keys(spec).length > 1) refuse(spec, "the simple locale takes no other option");
    return undefined;
  }
  const level = Number(strength);
  if (!Number.isInteger(level) || level < 1 || level > 5) refuse(spec, "'strength' must be 1 to 5");
  if (typeof caseLevel !== "boolean" || typeof numericOrdering !== "boolean") refuse(spec, "'caseLevel' and 'numericOrdering' must be booleans");
  if (caseFirst !== "off" && caseFirst !== "upper" && caseFirst !== "lower") refuse(spec, "'caseFirst' must be off, upper or lower");
  if (spec.alternate !== undefined && spec.alternate !== "non-ignorable") refuse(spec, "alternate 'shifted' is not supported by this server");
  if (spec.maxVariable !== undefined && spec.maxVariable !== "punct") refuse(spec, "'maxVariable' is not supported by this server");
  if (spec.normalization === true) refuse(spec, "'normalization' is not supported by this server");
  if (spec.backwards === true) refuse(spec, "'backwards' is not supported by this server");
  const tag = locale.replace(/_/g, "-");
  let supported: string[];
  try {
    supported = Intl.Collator.supportedLocalesOf(tag);
  } catch {
    supported = [];
  }
  if (supported.length === 0) refuse(spec, `locale '${locale}' is not supported`);
  const collator = new Intl.Collator(tag, {
    usage: "sort",
    sensitivity: sensitivity(level, caseLevel),
    numeric: numericOrdering,
    caseFirst: caseFirst === "off" ? "false" : caseFirst,
  });
  const compare = level === 5 ? (a: string, b: string) => collator.compare(a, b) || codePointOrder(a, b) : (a: string, b: string) => collator.compare(a, b);
  return {
    tag,
    spec: { locale, caseLevel, caseFirst, strength: level, numericOrdering, alternate: "non-ignorable", maxVariable: "punct", normalization: false, backwards: false },
    compareStrings: (a, b) => Math.sign(compare(a, b)),
  };
}
