/** insert, update, delete and findAndModify, with mongod's reply shapes and write errors. */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { Filter } from "../query/matcher.ts";
import { compileProjection } from "../query/projection.ts";
import { withId } from "../query/update.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import { readUpdateSpec, updateDocument, upsertDocument } from "./apply-write.ts";
import { collectionName, commit, type CommandContext, type CommandTable } from "./context.ts";
import { checkInsertSize } from "./document-size.ts";
import { optionalNumber } from "./numbers.ts";
import { forEachStillMatching, matchingDocuments, stillMatching } from "./select.ts";
import { runStatements, withWriteErrors } from "./write-errors.ts";

function statements(command: Document, field: string): Document[] {
  const list = command[field];
  if (!Array.isArray(list)) throw new MongoServerFailure(14, "TypeMismatch", `BSON field '${field}' is missing or is not an array`);
  return list as Document[];
}

async function insert(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  const collection = context.server.store.ensureCollection(context.db, collectionName(command), log);
  let n = 0;
  const errors = await runStatements(statements(command, "documents"), command.ordered !== false, (doc) => {
    const stored = withId(doc);
    checkInsertSize(stored);
    collection.insert(stored, log);
    n += 1;
  });
  await commit(context, log, command);
  return withWriteErrors({ n }, errors);
}

async function update(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  const collection = context.server.store.ensureCollection(context.db, collectionName(command), log);
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const errors = await runStatements(statements(command, "updates"), command.ordered !== false, async (statement, index) => {
    const multi = statement.multi === true;
    const request = { filter: (statement.q ?? {}) as Filter, update: readUpdateSpec(statement.u, multi), arrayFilters: statement.arrayFilters as Document[] | undefined };
    const found = await matchingDocuments(collection, { filter: request.filter, limit: multi ? 0 : 1, deadline: context.deadline });
    // Whether to upsert depends on a match still being there; many are re-checked as they are written.
    const targets = found.length > 1 ? found : stillMatching(context.server.store, collection, request.filter, found);
    if (targets.length === 0 && statement.upsert === true) {
      const doc = upsertDocument(collection, request, log);
      upserted.push({ index, _id: doc._id });
      n += 1;
      return;
    }
    await forEachStillMatching(context, collection, request.filter, targets, log, (doc) => {
      if (updateDocument(collection, doc, request, log)) nModified += 1;
      n += 1;
    });
  });
  await commit(context, log, command);
  return withWriteErrors({ n, nModified, ...(upserted.length && { upserted }) }, errors);
}

async function remove(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  const collection = context.server.store.collection(context.db, collectionName(command));
  let n = 0;
  const errors = await runStatements(statements(command, "deletes"), command.ordered !== false, async (statement) => {
    const limit = optionalNumber(statement, "limit") ?? 0;
    if (!collection) return;
    const found = await matchingDocuments(collection, { filter: statement.q as Filter, limit, deadline: context.deadline });
    await forEachStillMatching(context, collection, statement.q as Filter, found, log, (doc) => {
      collection.remove(doc, log);
      n += 1;
    });
  });
  await commit(context, log, command);
  return withWriteErrors({ n }, errors);
}

async function findAndModify(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  const name = collectionName(command);
  const filter = (command.query ?? {}) as Filter;
  const project = compileProjection(command.fields as Document | undefined, filter);
  const shape = (doc: Document | undefined): Document | null => (doc ? (project ? project(doc) : doc) : null);
  if (command.remove === true) {
    const collection = context.server.store.collection(context.db, name);
    const found = await matchingDocuments(collection, { filter, sort: command.sort as Document, limit: 1, deadline: context.deadline });
    const [doc] = collection ? stillMatching(context.server.store, collection, filter, found) : [];
    if (doc) collection!.remove(doc, log);
    await commit(context, log, command);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: shape(doc), ok: 1 };
  }
  if (command.update === undefined) throw new MongoServerFailure(9, "FailedToParse", "Either an update or remove=true must be specified");
  const collection = context.server.store.ensureCollection(context.db, name, log);
  const request = { filter, update: readUpdateSpec(command.update, false), arrayFilters: command.arrayFilters as Document[] | undefined };
  const [doc] = stillMatching(context.server.store, collection, filter, await matchingDocuments(collection, { filter, sort: command.sort as Document, limit: 1, deadline: context.deadline }));
  let reply: Document;
  if (doc) {
    const updated = updateDocument(collection, doc, request, log) ?? doc;
    reply = { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(command.new === true ? updated : doc), ok: 1 };
  } else if (command.upsert === true) {
    const inserted = upsertDocument(collection, request, log);
    reply = { lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id }, value: shape(command.new === true ? inserted : undefined), ok: 1 };
  } else {
    reply = { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  }
  await commit(context, log, command);
  return reply;
}


export const crudWriteCommands: CommandTable = {
  insert,
  update,
  delete: remove,
  findandmodify: findAndModify,
};
