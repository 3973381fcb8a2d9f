/**
 * `$merge`, the last stage of a pipeline: each result document is matched in the target
 * collection by the `on` fields (default `_id`; others need a unique index on exactly them,
 * as mongod requires) and then replaces, merges into, keeps, updates by pipeline (`$$new` is
 * the result document) or fails on the match (`whenMatched`), or is inserted, discarded or
 * fails when unmatched (`whenNotMatched`).
 */
import { ObjectId, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { isPlainDocument } from "../query/bson-types.ts";
import { cloneValue } from "../query/clone.ts";
import { compareValues } from "../query/compare.ts";
import { MISSING, resolvePath } from "../query/path.ts";
import { applyUpdate, withId } from "../query/update.ts";
import { readLet, type Variables } from "../query/variables.ts";
import type { Collection } from "../storage/collection.ts";
import { duplicateKey } from "../storage/duplicate-key.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import { refuseView } from "../storage/view.ts";
import { checkInsertSize, checkUpdatedSize } from "./document-size.ts";
import { commit, type CommandContext } from "./context.ts";
import { validateWrite } from "./validation.ts";

const WHEN_MATCHED = new Set(["replace", "keepExisting", "merge", "fail"]);
const WHEN_NOT_MATCHED = new Set(["insert", "discard", "fail"]);

interface MergeSpec {
  db: string;
  coll: string;
  on: string[];
  whenMatched: string | Document[];
  whenNotMatched: string;
  variables: Variables | undefined;
}

function badMerge(code: number, message: string): MongoServerFailure {
  return new MongoServerFailure(code, `Location${code}`, message);
}

function readSpec(raw: unknown, db: string): MergeSpec {
  const spec: Document = typeof raw === "string" ? { into: raw } : isPlainDocument(raw) ? raw : {};
  const into = spec.into;
  const [targetDb, coll] = typeof into === "string" ? [db, into] : isPlainDocument(into) ? [String(into.db ?? db), String(into.coll ?? "")] : ["", ""];
  if (!coll) throw badMerge(51178, "$merge 'into' field must be a string or an object with 'db' and 'coll'");
  const on = spec.on === undefined ? ["_id"] : Array.isArray(spec.on) ? spec.on.map(String) : [String(spec.on)];
  if (on.length === 0) throw badMerge(51187, "$merge 'on' field must not be empty");
  const whenMatched = spec.whenMatched ?? "merge";
  const whenNotMatched = String(spec.whenNotMatched ?? "insert");
  if (!Array.isArray(whenMatched) && !WHEN_MATCHED.has(String(whenMatched))) throw new MongoServerFailure(2, "BadValue", `Enumeration value '${String(whenMatched)}' for field 'whenMatched' is not a valid value.`);
  if (!WHEN_NOT_MATCHED.has(whenNotMatched)) throw new MongoServerFailure(2, "BadValue", `Enumeration value '${whenNotMatched}' for field 'whenNotMatched' is not a valid value.`);
  const unknown = Object.keys(spec).filter((key) => !["into", "on", "whenMatched", "whenNotMatched", "let"].includes(key));
  if (unknown.length) throw new MongoServerFailure(40415, "Location40415", `BSON field '$merge.${unknown[0]}' is an unknown field.`);
  return { db: targetDb, coll, on, whenMatched: whenMatched as string | Document[], whenNotMatched, variables: readLet(spec.let) };
}

/** mongod refuses `on` fields that no unique index covers exactly: matches would not be unique. */
function checkOnFields(collection: Collection, on: string[]): void {
  if (on.length === 1 && on[0] === "_id") return;
  const wanted = [...on].sort().join();
  const covered = [...collection.indexes.values()].some((index) => index.unique && Object.keys(index.spec.key).sort().join() === wanted);
  if (!covered) throw badMerge(51183, "Cannot find index to verify that join fields will be unique");
}

function onValues(doc: Document, on: string[]): unknown[] {
  return on.map((path) => {
    const [value] = resolvePath(doc, path);
    if (value === MISSING || value === undefined) throw badMerge(51132, `$merge write error: 'on' field '${path}' cannot be missing, null or an array`);
    if (Array.isArray(value)) throw badMerge(51185, `$merge write error: 'on' field '${path}' cannot be missing, null or an array`);
    return value;
  });
}

function findMatch(collection: Collection, on: string[], values: unknown[]): Document | undefined {
  if (on.length === 1 && on[0] === "_id") return collection.byId(values[0]);
  for (const doc of collection.all()) {
    if (on.every((path, i) => compareValues(resolvePath(doc, path)[0], values[i]) === 0)) return doc;
  }
  return undefined;
}

/** The matched document after `whenMatched`, or undefined when it stays as it is. */
function mergedDocument(existing: Document, incoming: Document, spec: MergeSpec, collection: Collection, on: unknown[]): Document | undefined {
  const { whenMatched } = spec;
  if (Array.isArray(whenMatched)) {
    const variables = { ...spec.variables, new: incoming };
    return applyUpdate(existing, whenMatched, { filter: {}, isInsert: false, variables }).doc;
  }
  switch (whenMatched) {
    case "keepExisting":
      return undefined;
    case "fail":
      throw duplicateKey(collection.ns, "_id_", Object.fromEntries(spec.on.map((path) => [path, 1])), on);
    case "replace": {
      const { _id: _ignored, ...rest } = incoming;
      return { _id: existing._id, ...rest };
    }
    default:
      return { ...existing, ...cloneValue(incoming), _id: existing._id };
  }
}

export async function writeMerge(context: CommandContext, command: Document, raw: unknown, docs: Document[]): Promise<void> {
  const spec = readSpec(raw, context.db);
  const store = context.server.store;
  const log: JournalRecord[] = [];
  const bypass = command.bypassDocumentValidation === true;
  try {
    const collection = store.ensureCollection(spec.db, spec.coll, log);
    refuseView(collection);
    checkOnFields(collection, spec.on);
    for (const result of docs) {
      const incoming = "_id" in result || !spec.on.includes("_id") ? result : { _id: new ObjectId(), ...result };
      const values = onValues(incoming, spec.on);
      const existing = findMatch(collection, spec.on, values);
      if (existing) {
        const next = mergedDocument(existing, incoming, spec, collection, values);
        if (!next) continue;
        checkUpdatedSize(next);
        validateWrite(collection.options, next, existing, bypass);
        collection.replace(existing, next, log);
      } else if (spec.whenNotMatched === "insert") {
        const doc = withId(incoming);
        checkInsertSize(doc);
        validateWrite(collection.options, doc, undefined, bypass);
        collection.insert(doc, log);
      } else if (spec.whenNotMatched === "fail") {
        throw badMerge(13113, "$merge could not find a matching document in the target collection for at least one document in the source collection");
      }
    }
  } finally {
    // What was written before a failure stays written, as with mongod; it is journaled either way.
    await commit(context, log, command);
  }
}
