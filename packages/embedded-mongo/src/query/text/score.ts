/**
 * Matching and scoring documents against a `$text` query through a text index, as mongod
 * does: each string of a text field adds, for each of its terms, weight x frequency x
 * (0.5 + 0.5 x the term's share of the string's terms), a repeated term counting 1, 1/2, 1/4...
 * and a string that is its one term whole scoring a tenth more; a document's score is the
 * sum over the query's terms.
 */
import type { Document } from "bson";
import { badValue } from "../../errors.ts";
import { isPlainDocument } from "../bson-types.ts";
import { MISSING, resolvePath } from "../path.ts";
import { parseSearch, type TextSearch } from "./search.ts";
import { fold, terms, type TextLanguage } from "./tokens.ts";

export interface TextIndexInfo {
  readonly weights: ReadonlyArray<readonly [string, number]>;
  readonly defaultLanguage: TextLanguage;
  readonly languageOverride: string;
}

const languageOf = (name: unknown): TextLanguage | undefined => (name === "none" ? "none" : name === "english" || name === "en" ? "english" : undefined);

export function textIndexInfo(spec: Document): TextIndexInfo {
  return {
    weights: Object.entries((spec.weights ?? {}) as Record<string, number>),
    defaultLanguage: languageOf(spec.default_language) ?? "english",
    languageOverride: typeof spec.language_override === "string" ? spec.language_override : "language",
  };
}

/** The strings a path holds (arrays contribute their string elements). */
function stringsAt(doc: Document, path: string): string[] {
  const out: string[] = [];
  for (const leaf of resolvePath(doc, path)) {
    if (leaf === MISSING) continue;
    for (const value of Array.isArray(leaf) ? leaf : [leaf]) if (typeof value === "string") out.push(value);
  }
  return out;
}

/** Every string anywhere in the document (`$**`), with the weight `$**` has. */
function everyString(value: unknown, out: string[]): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) everyString(item, out);
  else if (isPlainDocument(value)) for (const item of Object.values(value)) everyString(item, out);
  return out;
}

function weightedStrings(doc: Document, info: TextIndexInfo): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [path, weight] of info.weights) {
    const strings = path === "$**" ? everyString(doc, []) : stringsAt(doc, path);
    for (const s of strings) out.push([s, weight]);
  }
  return out;
}

function scoreString(raw: string, language: TextLanguage, weight: number, scores: Map<string, number>): void {
  const found = terms(raw, language);
  const seen = new Map<string, { count: number; freq: number; exp: number }>();
  for (const term of found) {
    const data = seen.get(term) ?? { count: 0, freq: 0, exp: 0 };
    data.exp = data.exp ? data.exp * 2 : 1;
    data.count += 1;
    data.freq += 1 / data.exp;
    seen.set(term, data);
  }
  for (const [term, data] of seen) {
    const coeff = (0.5 * data.count) / found.length + 0.5;
    const adjustment = raw.length === term.length && raw.toLowerCase() === term ? 1.1 : 1;
    scores.set(term, (scores.get(term) ?? 0) + weight * data.freq * coeff * adjustment);
  }
}

export interface TextQuery {
  /** The document's score when it matches; undefined when it does not. */
  score(doc: Document): number | undefined;
}

function readQuery(operand: unknown, info: TextIndexInfo): { search: TextSearch } {
  if (!isPlainDocument(operand)) throw badValue("$text expects an object");
  for (const [field, value] of Object.entries(operand)) {
    if (field === "$caseSensitive" || field === "$diacriticSensitive") {
      if (typeof value !== "boolean") throw badValue(`${field} requires a boolean value`);
      if (value) throw badValue(`${field}: true is not supported by this server`);
    } else if (field !== "$search" && field !== "$language") {
      throw badValue(`extra fields in $text: ${field}`);
    }
  }
  if (typeof operand.$search !== "string") throw badValue("$search requires a string value");
  const language = operand.$language === undefined ? info.defaultLanguage : languageOf(operand.$language);
  if (!language) throw badValue(`unsupported language: "${String(operand.$language)}" for $language (this server knows english and none)`);
  return { search: parseSearch(operand.$search, language) };
}

export function compileTextQuery(operand: unknown, info: TextIndexInfo): TextQuery {
  const { search } = readQuery(operand, info);
  return {
    score(doc) {
      if (search.positive.size === 0) return undefined;
      const language = languageOf(doc[info.languageOverride]) ?? info.defaultLanguage;
      const strings = weightedStrings(doc, info);
      const scores = new Map<string, number>();
      for (const [raw, weight] of strings) scoreString(raw, language, weight, scores);
      if (![...search.positive].some((term) => scores.has(term))) return undefined;
      if ([...search.negated].some((term) => scores.has(term))) return undefined;
      if (search.phrases.length || search.negatedPhrases.length) {
        const texts = strings.map(([raw]) => fold(raw));
        if (!search.phrases.every((phrase) => texts.some((text) => text.includes(phrase)))) return undefined;
        if (search.negatedPhrases.some((phrase) => texts.some((text) => text.includes(phrase)))) return undefined;
      }
      let total = 0;
      for (const term of search.positive) total += scores.get(term) ?? 0;
      return total;
    },
  };
}
