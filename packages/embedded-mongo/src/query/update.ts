/**
 * Applying an update (operators, a replacement, or a pipeline) to one document, and building
 * the document an upsert inserts. Always works on a copy: stored documents are never mutated.
 */
import { ObjectId } from "bson";
import { Aggregator } from "mingo";
import { MongoServerFailure, badValue } from "../errors.ts";
import { isPlainDocument } from "./bson-types.ts";
import { cloneValue } from "./clone.ts";
import { compareValues } from "./compare.ts";
import { isOperatorDocument, type Filter } from "./matcher.ts";
import { mingoFailure, mingoView } from "./mingo-view.ts";
import { isRegex } from "./regex.ts";
import { firstMatchingIndex } from "./positional.ts";
import { OPERATORS, rename, unknownModifier } from "./update-operators.ts";
import { expandPath, writePath, type PositionalContext } from "./update-paths.ts";

type Doc = Record<string, unknown>;
export type UpdateSpec = Doc | Doc[];

export interface UpdateOptions {
  filter: Filter;
  arrayFilters?: Doc[];
  /** True when the document is being created by an upsert ($setOnInsert applies). */
  isInsert: boolean;
  /** The command's `let`, for pipeline updates. */
  variables?: Readonly<Record<string, unknown>> | undefined;
}

export interface UpdateOutcome {
  doc: Doc;
  modified: boolean;
}

export function isReplacement(update: UpdateSpec): update is Doc {
  return !Array.isArray(update) && !Object.keys(update).some((key) => key.startsWith("$"));
}

export function validateUpdate(update: unknown): asserts update is UpdateSpec {
  if (Array.isArray(update)) return;
  if (!isPlainDocument(update)) throw new MongoServerFailure(9, "FailedToParse", "Update argument must be either an object or an array");
  const keys = Object.keys(update);
  const operators = keys.filter((k) => k.startsWith("$"));
  if (operators.length > 0 && operators.length < keys.length) {
    throw new MongoServerFailure(9, "FailedToParse", `Unknown modifier: ${keys.find((k) => !k.startsWith("$"))}`);
  }
  for (const op of operators) if (!(op in OPERATORS) && op !== "$rename") throw unknownModifier(op);
  checkConflicts(update);
}

/** mongod refuses an update where one path is another's, or lies inside it (even across operators). */
function checkConflicts(update: Doc): void {
  const paths: string[] = [];
  for (const [operator, fields] of Object.entries(update)) {
    if (!isPlainDocument(fields)) continue;
    for (const [path, operand] of Object.entries(fields)) {
      paths.push(path);
      if (operator === "$rename" && typeof operand === "string") paths.push(operand);
    }
  }
  for (let i = 0; i < paths.length; i++) {
    for (let j = 0; j < paths.length; j++) {
      const [a, b] = [paths[i]!, paths[j]!];
      if (i !== j && (a === b || b.startsWith(`${a}.`))) {
        throw new MongoServerFailure(40, "ConflictingUpdateOperators", `Updating the path '${b}' would create a conflict at '${a}'`);
      }
    }
  }
}

function immutableId(): MongoServerFailure {
  return new MongoServerFailure(66, "ImmutableField", "Performing an update on the path '_id' would modify the immutable field '_id'");
}

export function applyUpdate(original: Doc, update: UpdateSpec, options: UpdateOptions): UpdateOutcome {
  let doc: Doc;
  if (Array.isArray(update)) doc = applyPipeline(original, update, options.variables);
  else if (isReplacement(update)) doc = replace(original, update);
  else doc = applyOperators(original, update, options);
  if ("_id" in original && compareValues(original._id, doc._id) !== 0) throw immutableId();
  return { doc, modified: options.isInsert || !sameDocument(original, doc) };
}

function sameDocument(a: Doc, b: Doc): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]) && compareValues(a, b) === 0 && typesMatch(a, b);
}

/** Numeric types differ although compareValues says equal (1 vs 1.0 vs 1L): that is a change. */
function typesMatch(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.every((v, i) => typesMatch(v, b[i]));
  if (isPlainDocument(a) && isPlainDocument(b)) return Object.keys(a).every((k) => typesMatch(a[k], b[k]));
  return Object.getPrototypeOf(a ?? 0) === Object.getPrototypeOf(b ?? 0) && (typeof a !== "number" || Number.isInteger(a) === Number.isInteger(b));
}

function replace(original: Doc, replacement: Doc): Doc {
  const doc = cloneValue(replacement);
  if ("_id" in original) {
    if ("_id" in doc && compareValues(doc._id, original._id) !== 0) throw immutableId();
    return { _id: original._id, ...doc };
  }
  return doc;
}

function applyOperators(original: Doc, update: Doc, options: UpdateOptions): Doc {
  const doc = cloneValue(original);
  const context = positionalContext(doc, options);
  for (const [operator, fields] of Object.entries(update)) {
    if (!isPlainDocument(fields)) throw new MongoServerFailure(9, "FailedToParse", `Modifiers operate on fields but we found type ${typeof fields} instead. For example: {$mod: {<field>: ...}} not {${operator}: ${JSON.stringify(fields)}}`);
    if (operator === "$setOnInsert" && !options.isInsert) continue;
    for (const [path, operand] of Object.entries(fields)) {
      if (operator === "$rename") {
        rename(doc, path, operand as string);
        continue;
      }
      const apply = OPERATORS[operator];
      if (!apply) throw unknownModifier(operator);
      for (const parts of expandPath(doc, path, context)) apply(doc, parts, operand);
    }
  }
  return doc;
}

function positionalContext(doc: Doc, options: UpdateOptions): PositionalContext {
  const arrayFilters = new Map<string, Filter>();
  for (const filter of options.arrayFilters ?? []) {
    const identifier = Object.keys(filter)[0]?.split(".")[0];
    if (!identifier) throw badValue("Cannot use an expression without a top-level field name in arrayFilters");
    const rewritten: Filter = {};
    for (const [key, value] of Object.entries(filter)) rewritten[key] = value;
    arrayFilters.set(identifier, rewritten);
  }
  return {
    positionalIndex: (arrayPath) => firstMatchingIndex(doc, arrayPath, options.filter),
    arrayFilters,
  };
}

/** A pipeline's result keeps the document's `_id` when it drops it (a `$replaceRoot`, a `$project`), as mongod. */
function applyPipeline(original: Doc, pipeline: Doc[], variables: UpdateOptions["variables"]): Doc {
  const options = variables ? { variables: mingoView(variables) as Doc } : undefined;
  let result: unknown;
  try {
    result = new Aggregator(pipeline.map((stage) => mingoView(stage) as Doc), options).run([mingoView(original) as Doc])[0];
  } catch (error) {
    throw mingoFailure(error);
  }
  if (!isPlainDocument(result)) throw badValue("pipeline update did not produce a document");
  return "_id" in original && !("_id" in result) ? { _id: original._id, ...result } : result;
}

/** The document an upsert starts from: the filter's equality conditions (and `_id`). */
export function upsertSeed(filter: Filter): Doc {
  const seed: Doc = {};
  addEqualities(seed, filter);
  return seed;
}

function addEqualities(seed: Doc, filter: Filter): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === "$and" && Array.isArray(condition)) {
      for (const sub of condition) addEqualities(seed, sub as Filter);
      continue;
    }
    if (key.startsWith("$")) continue;
    if (isOperatorDocument(condition)) {
      if ("$eq" in condition) writePath(seed, key.split("."), cloneValue(condition.$eq));
      continue;
    }
    writePath(seed, key.split("."), cloneValue(condition));
  }
}

const DBREF_FIELDS = new Set(["$ref", "$id", "$db"]);

/** mongod stores no `$`-prefixed field inside `_id` (a DBRef's `$ref`/`$id`/`$db` aside). */
function checkIdFields(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(checkIdFields);
  if (!isPlainDocument(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith("$") && !DBREF_FIELDS.has(key)) {
      throw new MongoServerFailure(52, "DollarPrefixedFieldName", `_id fields may not contain '$'-prefixed fields: ${key} is not valid for storage.`);
    }
    checkIdFields(inner);
  }
}

/** Puts `_id` first, generating an ObjectId when the document has none; refuses ids mongod refuses. */
export function withId(doc: Doc): Doc {
  if ("_id" in doc) {
    if (Array.isArray(doc._id)) throw badValue("can't use an array for _id");
    if (isRegex(doc._id)) throw badValue("can't use a regex for _id");
    checkIdFields(doc._id);
    if (Object.keys(doc)[0] === "_id") return doc;
    const { _id, ...rest } = doc;
    return { _id, ...rest };
  }
  return { _id: new ObjectId(), ...doc };
}
