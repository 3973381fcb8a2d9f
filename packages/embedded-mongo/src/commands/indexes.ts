/** createIndexes, listIndexes and dropIndexes. */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { readCollation } from "../query/collation.ts";
import { compareValues } from "../query/compare.ts";
import { toNumber } from "../query/numeric.ts";
import type { Collection } from "../storage/collection.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import type { IndexSpec } from "../storage/sorted-index.ts";
import { FLAT_OPTIONS, GEO_FLAT, GEO_SPHERE, readGeoOptions } from "../storage/geo-keys.ts";
import { readTextOptions, TEXT, TEXT_OPTIONS } from "../storage/text-index-spec.ts";
import { collectionName, commit, type CommandContext, type CommandTable } from "./context.ts";
import { cursorReply } from "./crud-read.ts";

const OPTIONS = ["unique", "sparse", "partialFilterExpression", "expireAfterSeconds", "collation", "hidden", "2dsphereIndexVersion", ...FLAT_OPTIONS, ...TEXT_OPTIONS] as const;
/** Accepted and of no effect here, as for mongod today (`background`), or the index's own fields. */
const INERT = new Set(["key", "name", "v", "background", "ns"]);
const UNSUPPORTED_KINDS = new Set(["geoHaystack", "columnstore"]);
/** Served kinds besides ordered fields: "hashed" as an ordinary index, "2dsphere" and "2d" by geo-keys.ts, "text" by text-index-spec.ts. */
const SERVED_KINDS = new Set(["hashed", GEO_SPHERE, GEO_FLAT, TEXT]);

function indexName(key: Document): string {
  return Object.entries(key).map(([field, direction]) => `${field}_${String(direction)}`).join("_");
}

/** 1/-1 (any non-zero number) orders a field; "hashed", "2dsphere", "2d" and "text" are served; other kinds are refused. */
function checkKeyKind(kind: unknown): void {
  if (typeof kind === "string") {
    if (UNSUPPORTED_KINDS.has(kind)) throw new MongoServerFailure(67, "CannotCreateIndex", `the embedded server does not support '${kind}' indexes`);
    if (!SERVED_KINDS.has(kind)) throw new MongoServerFailure(67, "CannotCreateIndex", `Unknown index plugin '${kind}'`);
    return;
  }
  const n = toNumber(kind);
  if (Number.isNaN(n) || n === 0) throw new MongoServerFailure(67, "CannotCreateIndex", "Values in the index key pattern must be non-zero numbers or a known index kind");
}

function readSpec(raw: Document): IndexSpec {
  // Any other option (text weights, geo bounds, prepareUnique, wildcardProjection...) would be ignored: refused instead.
  const unknown = Object.keys(raw).filter((field) => !INERT.has(field) && !(OPTIONS as readonly string[]).includes(field));
  if (unknown.length) throw new MongoServerFailure(197, "InvalidIndexSpecificationOption", `The field '${unknown[0]}' is not valid for an index specification here`);
  const key = raw.key as Document | undefined;
  if (!key || typeof key !== "object" || Object.keys(key).length === 0) {
    throw new MongoServerFailure(67, "CannotCreateIndex", "Index keys cannot be empty.");
  }
  for (const kind of Object.values(key)) checkKeyKind(kind);
  if (raw.expireAfterSeconds !== undefined && Object.keys(key).length !== 1) {
    throw new MongoServerFailure(67, "CannotCreateIndex", "TTL indexes are single-field indexes, compound indexes do not support TTL");
  }
  const spec: IndexSpec = { v: 2, key, name: typeof raw.name === "string" ? raw.name : indexName(key) };
  for (const option of OPTIONS) if (raw[option] !== undefined) spec[option] = raw[option];
  readGeoOptions(spec);
  readTextOptions(spec);
  // Stored as mongod lists it, every option spelled out; the simple collation is no collation.
  const collation = readCollation(raw.collation);
  if (collation) spec.collation = { ...collation.spec };
  else delete spec.collation;
  return spec;
}

/** True when the index exists already exactly so; throws when it exists differently. */
function alreadyExists(collection: Collection, spec: IndexSpec): boolean {
  if (spec.name === "_id_" || (Object.keys(spec.key).length === 1 && "_id" in spec.key)) return true;
  const sameName = collection.indexes.get(spec.name);
  if (sameName) {
    if (compareValues(sameName.spec.key, spec.key) !== 0) {
      throw new MongoServerFailure(86, "IndexKeySpecsConflict", `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`);
    }
    return optionsMatch(sameName.spec, spec);
  }
  const sameKey = collection.indexWithKey(spec.key);
  if (sameKey && optionsMatch(sameKey.spec, spec)) {
    throw new MongoServerFailure(85, "IndexOptionsConflict", `Index already exists with a different name: ${sameKey.name}`);
  }
  return false;
}

function optionsMatch(existing: IndexSpec, requested: IndexSpec): boolean {
  for (const option of ["unique", "sparse", "partialFilterExpression"] as const) {
    if (compareValues(existing[option] ?? null, requested[option] ?? null) !== 0) {
      throw new MongoServerFailure(86, "IndexKeySpecsConflict", `An existing index has the same name as the requested index but different options: ${existing.name}`);
    }
  }
  return true;
}

async function createIndexes(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command);
  const log: JournalRecord[] = [];
  const created = !context.server.store.collection(context.db, name);
  const collection = context.server.store.ensureCollection(context.db, name, log);
  const before = collection.indexSpecs().length;
  // An index that names no collation takes the collection's default one, as on mongod.
  const fallback = collection.options.collation as Document | undefined;
  const specs = ((command.indexes ?? []) as Document[]).map((raw) => readSpec(raw.collation === undefined && fallback ? { ...raw, collation: fallback } : raw));
  const fresh = specs.filter((spec) => !alreadyExists(collection, spec));
  for (const spec of fresh) collection.createIndex(spec, log);
  await commit(context, log, command);
  return {
    numIndexesBefore: before,
    numIndexesAfter: collection.indexSpecs().length,
    createdCollectionAutomatically: created,
    ...(fresh.length === 0 && { note: "all indexes already exist" }),
    ok: 1,
  };
}

function listIndexes(command: Document, context: CommandContext): Document {
  const name = collectionName(command);
  const collection = context.server.store.collection(context.db, name);
  if (!collection) throw new MongoServerFailure(26, "NamespaceNotFound", `ns does not exist: ${context.db}.${name}`);
  return cursorReply(context, `${context.db}.${name}`, collection.indexSpecs(), undefined);
}

function namesToDrop(collection: Collection, target: unknown): string[] {
  if (target === "*") return [...collection.indexes.keys()];
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === "string") return [target];
  const byKey = collection.indexWithKey(target as Document);
  if (!byKey) throw new MongoServerFailure(27, "IndexNotFound", `can't find index with key: ${JSON.stringify(target)}`);
  return [byKey.name];
}

async function dropIndexes(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command);
  const collection = context.server.store.collection(context.db, name);
  if (!collection) throw new MongoServerFailure(26, "NamespaceNotFound", `ns not found ${context.db}.${name}`);
  const was = collection.indexSpecs().length;
  const names = namesToDrop(collection, command.index);
  if (names.includes("_id_")) throw new MongoServerFailure(72, "InvalidOptions", "cannot drop _id index");
  const log: JournalRecord[] = [];
  for (const index of names) collection.dropIndex(index, log);
  await commit(context, log, command);
  return { nIndexesWas: was, ok: 1 };
}

export const indexCommands: CommandTable = {
  createindexes: createIndexes,
  listindexes: listIndexes,
  dropindexes: dropIndexes,
  deleteindexes: dropIndexes,
};
