/**
 * The unified format's CRUD operations, each run through the official driver's own method,
 * and the driver's result turned into the document the tests expect.
 */
import type { AnyBulkWriteOperation, ClientBulkWriteModel, Document } from "mongodb";
import type { Entities } from "./entities.ts";
import { UnsupportedError } from "./match.ts";

export interface Operation {
  name: string;
  object: string;
  arguments?: Document;
}

/** What a `failPoint` operation turned on, to be turned off after the test. */
export interface FailPointRecord {
  client: string;
  name: string;
}

function without(document: Document, ...keys: string[]): Document {
  return Object.fromEntries(Object.entries(document).filter(([key]) => !keys.includes(key)));
}

function checkArguments(args: Document, known: string[]): void {
  const unknown = Object.keys(args).filter((key) => !known.includes(key));
  if (unknown.length) throw new UnsupportedError(`argument ${unknown.join(", ")}`);
}

// Options the driver passes through for the CRUD methods (others are a runner gap, not a server one).
const common = ["comment", "let", "collation", "hint", "maxTimeMS", "readConcern", "writeConcern", "readPreference", "timeoutMS", "rawData"];
const known: Record<string, string[]> = {
  aggregate: ["pipeline", "batchSize", "allowDiskUse", "bypassDocumentValidation", "maxAwaitTimeMS"],
  bulkWrite: ["requests", "ordered", "bypassDocumentValidation"],
  countDocuments: ["filter", "skip", "limit"],
  count: ["filter", "skip", "limit"],
  estimatedDocumentCount: [],
  deleteOne: ["filter"],
  deleteMany: ["filter"],
  distinct: ["fieldName", "filter"],
  find: ["filter", "sort", "projection", "skip", "limit", "batchSize", "allowDiskUse", "max", "min", "returnKey", "showRecordId", "noCursorTimeout", "allowPartialResults", "singleBatch", "cursorType"],
  findOne: ["filter", "sort", "projection", "skip"],
  findOneAndDelete: ["filter", "sort", "projection"],
  findOneAndReplace: ["filter", "replacement", "sort", "projection", "upsert", "returnDocument", "bypassDocumentValidation"],
  findOneAndUpdate: ["filter", "update", "sort", "projection", "upsert", "returnDocument", "arrayFilters", "bypassDocumentValidation"],
  insertOne: ["document", "bypassDocumentValidation"],
  insertMany: ["documents", "ordered", "bypassDocumentValidation"],
  replaceOne: ["filter", "replacement", "upsert", "sort", "bypassDocumentValidation"],
  updateOne: ["filter", "update", "upsert", "arrayFilters", "sort", "bypassDocumentValidation"],
  updateMany: ["filter", "update", "upsert", "arrayFilters", "bypassDocumentValidation"],
  createIndex: ["keys", "name", "unique", "sparse", "expireAfterSeconds", "partialFilterExpression", "hidden"],
  clientBulkWrite: ["models", "ordered", "verboseResults", "bypassDocumentValidation"],
  createCollection: ["collection", "viewOn", "pipeline", "validator", "validationLevel", "validationAction", "capped", "size", "clusteredIndex", "changeStreamPreAndPostImages", "timeseries", "expireAfterSeconds", "encryptedFields"],
  dropCollection: ["collection"],
  modifyCollection: ["collection", "validator", "validationLevel", "validationAction", "index", "changeStreamPreAndPostImages"],
  runCommand: ["command", "commandName"],
};

function returnDocument(args: Document): Document {
  if (args.returnDocument === undefined) return args;
  const value = String(args.returnDocument).toLowerCase();
  if (value !== "before" && value !== "after") throw new Error(`returnDocument ${args.returnDocument}`);
  return { ...args, returnDocument: value };
}

/** The BulkWriteResult fields of the CRUD spec, from the driver's result object. */
export function bulkResult(result: Document): Document {
  return {
    deletedCount: result.deletedCount,
    insertedCount: result.insertedCount,
    insertedIds: result.insertedIds,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    upsertedCount: result.upsertedCount,
    upsertedIds: result.upsertedIds,
  };
}

/** The per-model results keyed by index; only the spec's fields (the Node driver adds `didUpsert` to update results). */
function mapToDocument(map: unknown): Document | undefined {
  if (!(map instanceof Map)) return undefined;
  return Object.fromEntries(
    [...map.entries()].map(([key, value]: [unknown, Document]) => {
      const { didUpsert: _didUpsert, upsertedId, ...rest } = value;
      return [String(key), upsertedId === undefined || upsertedId === null ? rest : { ...rest, upsertedId }];
    }),
  );
}

/** ClientBulkWriteResult as a document: the maps of per-model results keyed by the model's index. */
export function clientBulkResult(result: Document): Document {
  const document: Document = {
    insertedCount: result.insertedCount,
    upsertedCount: result.upsertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
  };
  for (const key of ["insertResults", "updateResults", "deleteResults"]) {
    const converted = mapToDocument(result[key]);
    if (converted) document[key] = converted;
  }
  return document;
}

function clientModels(models: Document[]): ClientBulkWriteModel[] {
  return models.map((model) => {
    const [name, spec] = Object.entries(model)[0] as [string, Document];
    return { name, ...spec } as ClientBulkWriteModel;
  });
}

export async function runOperation(operation: Operation, entities: Entities, failPoints: FailPointRecord[]): Promise<unknown> {
  const args = operation.arguments ?? {};
  if (operation.object === "testRunner") {
    if (operation.name !== "failPoint") throw new UnsupportedError(`testRunner.${operation.name}`);
    const { client } = entities.client(args.client);
    await client.db("admin").command(args.failPoint);
    failPoints.push({ client: args.client, name: args.failPoint.configureFailPoint });
    return undefined;
  }
  if (args.session) throw new UnsupportedError("sessions");
  const allowed = known[operation.name];
  if (!allowed) throw new UnsupportedError(`operation ${operation.name}`);
  checkArguments(args, [...allowed, ...common]);
  const target = entities.map.get(operation.object);
  if (target === undefined) throw new Error(`no entity ${operation.object}`);
  if (operation.name === "clientBulkWrite") {
    const { client } = entities.client(operation.object);
    return clientBulkResult(await client.bulkWrite(clientModels(args.models), without(args, "models")));
  }
  if (operation.name === "runCommand") return entities.db(operation.object).command(args.command);
  if (operation.name === "createCollection") {
    await entities.db(operation.object).createCollection(args.collection, without(args, "collection"));
    return undefined;
  }
  if (operation.name === "dropCollection") return entities.db(operation.object).dropCollection(args.collection);
  if (operation.name === "modifyCollection") return entities.db(operation.object).command({ collMod: args.collection, ...without(args, "collection") });
  if (operation.name === "aggregate" && "databaseName" in (target as object) && !("collectionName" in (target as object))) {
    return entities.db(operation.object).aggregate(args.pipeline, without(args, "pipeline")).toArray();
  }
  const collection = entities.collection(operation.object);
  switch (operation.name) {
    case "aggregate":
      return collection.aggregate(args.pipeline, without(args, "pipeline")).toArray();
    case "bulkWrite":
      return bulkResult(await collection.bulkWrite(args.requests as AnyBulkWriteOperation[], without(args, "requests")));
    case "countDocuments":
      return collection.countDocuments(args.filter, without(args, "filter"));
    case "count":
      return collection.count(args.filter, without(args, "filter"));
    case "estimatedDocumentCount":
      return collection.estimatedDocumentCount(args);
    case "deleteOne":
      return collection.deleteOne(args.filter, without(args, "filter"));
    case "deleteMany":
      return collection.deleteMany(args.filter, without(args, "filter"));
    case "distinct":
      return collection.distinct(args.fieldName, args.filter, without(args, "fieldName", "filter"));
    case "find":
      return collection.find(args.filter, without(args, "filter")).toArray();
    case "findOne":
      return collection.findOne(args.filter, without(args, "filter"));
    case "findOneAndDelete":
      return collection.findOneAndDelete(args.filter, without(args, "filter"));
    case "findOneAndReplace":
      return collection.findOneAndReplace(args.filter, args.replacement, returnDocument(without(args, "filter", "replacement")));
    case "findOneAndUpdate":
      return collection.findOneAndUpdate(args.filter, args.update, returnDocument(without(args, "filter", "update")));
    case "insertOne":
      return collection.insertOne(args.document, without(args, "document"));
    case "insertMany":
      return collection.insertMany(args.documents, without(args, "documents"));
    case "replaceOne":
      return collection.replaceOne(args.filter, args.replacement, without(args, "filter", "replacement"));
    case "updateOne":
      return collection.updateOne(args.filter, args.update, without(args, "filter", "update"));
    case "updateMany":
      return collection.updateMany(args.filter, args.update, without(args, "filter", "update"));
    case "createIndex":
      return collection.createIndex(args.keys, without(args, "keys"));
    default:
      throw new UnsupportedError(`operation ${operation.name}`);
  }
}
