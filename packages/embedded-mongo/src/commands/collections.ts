/** create, drop, renameCollection, listCollections, listDatabases, dropDatabase and the stats commands. */
import { BSON, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { readCollation } from "../query/collation.ts";
import { matches } from "../query/matcher.ts";
import type { Collection } from "../storage/collection.ts";
import { ID_INDEX } from "../storage/collection.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import { isViewDefinition } from "../storage/view.ts";
import { collectionName, commit, type CommandContext, type CommandTable } from "./context.ts";
import { cursorReply } from "./crud-read.ts";
import { scopeOf } from "./rights.ts";
import { TimeSlice } from "./time-slice.ts";
import { checkValidationOptions } from "./validation.ts";

const COLLECTION_OPTIONS = ["validator", "validationLevel", "validationAction"];
/** Options mongod has and this server does not: refused rather than stored and ignored. */
const UNSUPPORTED_OPTIONS = ["capped", "size", "max", "timeseries", "expireAfterSeconds", "clusteredIndex", "changeStreamPreAndPostImages", "encryptedFields", "storageEngine", "indexOptionDefaults"];

const ERROR_OPTIONS_VIEW = 157;

function unsupported(command: Document, names: string[]): void {
  const given = names.filter((name) => command[name] !== undefined);
  if (given.length) throw new MongoServerFailure(115, "CommandNotSupported", `${given.join(", ")} ${given.length > 1 ? "are" : "is"} not supported by this server`);
}

/** A view's definition: its source in the same database and its pipeline (no cycle, as mongod checks). */
function viewOptions(command: Document, context: CommandContext, name: string): Document {
  const { viewOn, pipeline = [] } = command;
  if (typeof viewOn !== "string" || viewOn.length === 0) throw new MongoServerFailure(14, "TypeMismatch", "'viewOn' must be a non-empty string");
  if (!Array.isArray(pipeline) || pipeline.some((stage) => stage === null || typeof stage !== "object")) throw new MongoServerFailure(14, "TypeMismatch", "'pipeline' must be an array of stages");
  const invalid = (pipeline as Document[]).map((stage) => Object.keys(stage)[0]).find((stage) => stage === "$out" || stage === "$merge");
  if (invalid) throw new MongoServerFailure(ERROR_OPTIONS_VIEW, "OptionNotSupportedOnView", `${invalid} cannot be used in a view definition`);
  const seen = new Set([name]);
  for (let source: string | undefined = viewOn; source !== undefined; ) {
    if (seen.has(source)) throw new MongoServerFailure(40255, "GraphContainsCycle", `View cycle detected: ${[...seen, source].join(" -> ")}`);
    seen.add(source);
    const next: unknown = context.server.store.definition(context.db, source)?.options.viewOn;
    source = typeof next === "string" ? next : undefined;
  }
  return { viewOn, pipeline };
}

async function create(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command);
  unsupported(command, UNSUPPORTED_OPTIONS);
  const collation = readCollation(command.collation);
  let options: Document = {};
  if (command.viewOn !== undefined) {
    unsupported(command, COLLECTION_OPTIONS);
    if (collation) throw new MongoServerFailure(115, "CommandNotSupported", "a view's default collation is not supported by this server");
    options = viewOptions(command, context, name);
  } else {
    if (command.pipeline !== undefined) throw new MongoServerFailure(ERROR_OPTIONS_VIEW, "OptionNotSupportedOnView", "'pipeline' requires 'viewOn'");
    for (const option of COLLECTION_OPTIONS) if (command[option] !== undefined) options[option] = command[option];
    checkValidationOptions(options);
    // The collection's default collation: commands and indexes that give none use it.
    if (collation) options.collation = { ...collation.spec };
  }
  const log: JournalRecord[] = [];
  context.server.store.createCollection(context.db, name, options, log);
  await commit(context, log, command);
  return { ok: 1 };
}

/** collMod: a collection's validation, an index's `expireAfterSeconds` or `hidden`, a view's definition. */
async function collMod(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command);
  const store = context.server.store;
  const definition = store.definition(context.db, name);
  if (!definition) throw new MongoServerFailure(26, "NamespaceNotFound", `ns does not exist: ${context.db}.${name}`);
  const known = new Set(["collMod", "index", "viewOn", "pipeline", ...COLLECTION_OPTIONS, "writeConcern", "comment", "lsid", "$db", "$readPreference", "$clusterTime", "txnNumber", "apiVersion", "apiStrict", "apiDeprecationErrors"]);
  const unknown = Object.keys(command).filter((key) => !known.has(key));
  if (unknown.length) throw new MongoServerFailure(115, "CommandNotSupported", `collMod ${unknown.join(", ")} is not supported by this server`);
  const log: JournalRecord[] = [];
  const reply: Document = { ok: 1 };
  if (isViewDefinition(definition.options)) {
    if (command.index !== undefined || COLLECTION_OPTIONS.some((option) => command[option] !== undefined)) throw new MongoServerFailure(ERROR_OPTIONS_VIEW, "InvalidOptions", "a view takes only viewOn and pipeline");
    store.modifyCollection(context.db, name, viewOptions({ viewOn: definition.options.viewOn, pipeline: definition.options.pipeline, ...command }, context, name), log);
  } else {
    if (command.viewOn !== undefined || command.pipeline !== undefined) throw new MongoServerFailure(ERROR_OPTIONS_VIEW, "InvalidOptions", `${context.db}.${name} is a collection, not a view`);
    const options = { ...definition.options };
    for (const option of COLLECTION_OPTIONS) if (command[option] !== undefined) options[option] = command[option];
    checkValidationOptions(options);
    if (command.index !== undefined) Object.assign(reply, modifyIndex(definition, command.index, log));
    store.modifyCollection(context.db, name, options, log);
  }
  await commit(context, log, command);
  return reply;
}

/** An index's TTL or visibility, changed by rebuilding it with its new spec (journaled as drop and create). */
function modifyIndex(collection: Collection, change: unknown, log: JournalRecord[]): Document {
  if (!change || typeof change !== "object") throw new MongoServerFailure(14, "TypeMismatch", "'index' must be an object");
  const { keyPattern, name, expireAfterSeconds, hidden, ...rest } = change as Document;
  if (Object.keys(rest).length) throw new MongoServerFailure(115, "CommandNotSupported", `collMod index ${Object.keys(rest).join(", ")} is not supported by this server`);
  const index = name !== undefined ? collection.indexes.get(String(name)) : collection.indexWithKey(keyPattern as Document);
  if (!index) throw new MongoServerFailure(27, "IndexNotFound", `cannot find index ${JSON.stringify(name ?? keyPattern)} for ns ${collection.ns}`);
  const spec = { ...index.spec };
  const reply: Document = {};
  if (expireAfterSeconds !== undefined) {
    if (spec.expireAfterSeconds === undefined) throw new MongoServerFailure(72, "InvalidOptions", "no expireAfterSeconds field to update");
    reply.expireAfterSeconds_old = spec.expireAfterSeconds;
    reply.expireAfterSeconds_new = expireAfterSeconds;
    spec.expireAfterSeconds = expireAfterSeconds;
  }
  if (hidden !== undefined) {
    reply.hidden_old = spec.hidden === true;
    reply.hidden_new = hidden === true;
    if (hidden === true) spec.hidden = true;
    else delete spec.hidden;
  }
  collection.dropIndex(index.name, log);
  collection.createIndex(spec, log);
  return reply;
}

async function drop(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command);
  const collection = context.server.store.collection(context.db, name);
  const log: JournalRecord[] = [];
  context.server.store.dropCollection(context.db, name, log);
  await commit(context, log, command);
  return collection ? { nIndexesWas: collection.indexSpecs().length, ns: collection.ns, ok: 1 } : { ok: 1 };
}

async function dropDatabase(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  context.server.store.dropDatabase(context.db, log);
  await commit(context, log, command);
  return { ok: 1 };
}

async function renameCollection(command: Document, context: CommandContext): Promise<Document> {
  if (context.db !== "admin") throw new MongoServerFailure(13, "Unauthorized", "renameCollection may only be run against the admin database.");
  const log: JournalRecord[] = [];
  context.server.store.renameCollection(String(command.renameCollection), String(command.to), command.dropTarget === true, log);
  await commit(context, log, command);
  return { ok: 1 };
}

function collectionInfo(name: string, collection: Collection): Document {
  if (isViewDefinition(collection.options)) return { name, type: "view", options: collection.options, info: { readOnly: true } };
  return { name, type: "collection", options: collection.options, info: { readOnly: false }, idIndex: ID_INDEX };
}

function listCollections(command: Document, context: CommandContext): Document {
  const filter = (command.filter ?? {}) as Document;
  const store = context.server.store;
  const infos = store.collectionNames(context.db)
    .map((name) => collectionInfo(name, store.definition(context.db, name)!))
    .filter((info) => matches(info, filter))
    .map((info) => (command.nameOnly === true ? { name: info.name, type: info.type } : info));
  const cursor = (command.cursor ?? {}) as Document;
  return cursorReply(context, `${context.db}.$cmd.listCollections`, infos, cursor.batchSize as number | undefined);
}

/** The BSON size of the collections' documents: a walk over every one, so it takes turns (time-slice.ts). */
async function dataSize(collections: Collection[], context: CommandContext): Promise<number> {
  const slice = new TimeSlice(context.deadline);
  let bytes = 0;
  for (const collection of collections) {
    for (const doc of collection.all()) {
      bytes += BSON.calculateObjectSize(doc);
      if (slice.due()) await slice.pause();
    }
  }
  return bytes;
}

async function listDatabases(command: Document, context: CommandContext): Promise<Document> {
  const store = context.server.store;
  const filter = (command.filter ?? {}) as Document;
  const scope = scopeOf(context); // a database owner sees its own database only (mongod's authorizedDatabases)
  const listed: Document[] = [];
  for (const name of store.databaseNames()) {
    if (scope !== undefined && name !== scope) continue;
    if (command.nameOnly === true) listed.push({ name });
    else {
      const size = await dataSize(store.collections(name), context);
      listed.push({ name, sizeOnDisk: size, empty: size === 0 });
    }
  }
  const databases = listed.filter((info) => matches(info, filter));
  const totalSize = databases.reduce((sum, db) => sum + ((db as Document).sizeOnDisk as number ?? 0), 0);
  return command.nameOnly === true
    ? { databases, ok: 1 }
    : { databases, totalSize, totalSizeMb: Math.round(totalSize / 2 ** 20), ok: 1 };
}

async function collStats(command: Document, context: CommandContext): Promise<Document> {
  const name = collectionName(command);
  const collection = context.server.store.collection(context.db, name);
  const size = collection ? await dataSize([collection], context) : 0;
  const count = collection?.size ?? 0;
  const specs = collection?.indexSpecs() ?? [];
  return {
    ns: `${context.db}.${name}`, count, size, avgObjSize: count ? Math.round(size / count) : 0, storageSize: size,
    nindexes: specs.length, totalIndexSize: 0, indexSizes: Object.fromEntries(specs.map((s) => [s.name, 0])), ok: 1,
  };
}

async function dbStats(_command: Document, context: CommandContext): Promise<Document> {
  const collections = context.server.store.collections(context.db);
  const objects = collections.reduce((sum, c) => sum + c.size, 0);
  const size = await dataSize(collections, context);
  const indexes = collections.reduce((sum, c) => sum + c.indexSpecs().length, 0);
  return { db: context.db, collections: collections.length, views: 0, objects, avgObjSize: objects ? size / objects : 0, dataSize: size, storageSize: size, indexes, indexSize: 0, ok: 1 };
}

export const collectionCommands: CommandTable = {
  create,
  collmod: collMod,
  drop,
  dropdatabase: dropDatabase,
  renamecollection: renameCollection,
  listcollections: listCollections,
  listdatabases: listDatabases,
  collstats: collStats,
  dbstats: dbStats,
};
