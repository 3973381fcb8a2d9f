/** create, drop, renameCollection, listCollections, listDatabases, dropDatabase and the stats commands. */
import { BSON, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { matches } from "../query/matcher.ts";
import type { Collection } from "../storage/collection.ts";
import { ID_INDEX } from "../storage/collection.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import { collectionName, commit, type CommandContext, type CommandTable } from "./context.ts";
import { cursorReply } from "./crud-read.ts";

const COLLECTION_OPTIONS = ["capped", "size", "max", "validator", "validationLevel", "validationAction", "collation", "timeseries", "expireAfterSeconds", "clusteredIndex"];

async function create(command: Document, context: CommandContext): Promise<Document> {
  const options: Document = {};
  for (const option of COLLECTION_OPTIONS) if (command[option] !== undefined) options[option] = command[option];
  const log: JournalRecord[] = [];
  context.server.store.createCollection(context.db, collectionName(command), options, log);
  await commit(context, log, command);
  return { ok: 1 };
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
  return { name, type: "collection", options: collection.options, info: { readOnly: false }, idIndex: ID_INDEX };
}

function listCollections(command: Document, context: CommandContext): Document {
  const filter = (command.filter ?? {}) as Document;
  const store = context.server.store;
  const infos = store.collectionNames(context.db)
    .map((name) => collectionInfo(name, store.collection(context.db, name)!))
    .filter((info) => matches(info, filter))
    .map((info) => (command.nameOnly === true ? { name: info.name, type: info.type } : info));
  const cursor = (command.cursor ?? {}) as Document;
  return cursorReply(context, `${context.db}.$cmd.listCollections`, infos, cursor.batchSize as number | undefined);
}

function dataSize(collection: Collection): number {
  let bytes = 0;
  for (const doc of collection.all()) bytes += BSON.calculateObjectSize(doc);
  return bytes;
}

function listDatabases(command: Document, context: CommandContext): Document {
  const store = context.server.store;
  const filter = (command.filter ?? {}) as Document;
  const databases = store.databaseNames()
    .map((name) => {
      const size = store.collections(name).reduce((sum, c) => sum + (command.nameOnly === true ? 0 : dataSize(c)), 0);
      return command.nameOnly === true ? { name } : { name, sizeOnDisk: size, empty: size === 0 };
    })
    .filter((info) => matches(info, filter));
  const totalSize = databases.reduce((sum, db) => sum + ((db as Document).sizeOnDisk as number ?? 0), 0);
  return command.nameOnly === true
    ? { databases, ok: 1 }
    : { databases, totalSize, totalSizeMb: Math.round(totalSize / 2 ** 20), ok: 1 };
}

function collStats(command: Document, context: CommandContext): Document {
  const name = collectionName(command);
  const collection = context.server.store.collection(context.db, name);
  const size = collection ? dataSize(collection) : 0;
  const count = collection?.size ?? 0;
  const specs = collection?.indexSpecs() ?? [];
  return {
    ns: `${context.db}.${name}`, count, size, avgObjSize: count ? Math.round(size / count) : 0, storageSize: size,
    nindexes: specs.length, totalIndexSize: 0, indexSizes: Object.fromEntries(specs.map((s) => [s.name, 0])), ok: 1,
  };
}

function dbStats(_command: Document, context: CommandContext): Document {
  const collections = context.server.store.collections(context.db);
  const objects = collections.reduce((sum, c) => sum + c.size, 0);
  const size = collections.reduce((sum, c) => sum + dataSize(c), 0);
  const indexes = collections.reduce((sum, c) => sum + c.indexSpecs().length, 0);
  return { db: context.db, collections: collections.length, views: 0, objects, avgObjSize: objects ? size / objects : 0, dataSize: size, storageSize: size, indexes, indexSize: 0, ok: 1 };
}

export const collectionCommands: CommandTable = {
  create,
  drop,
  dropdatabase: dropDatabase,
  renamecollection: renameCollection,
  listcollections: listCollections,
  listdatabases: listDatabases,
  collstats: collStats,
  dbstats: dbStats,
};
