/** insert, update, delete and findAndModify, with mongod's reply shapes and write errors. */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { Filter } from "../query/matcher.ts";
import { compileProjection } from "../query/projection.ts";
import { readLet } from "../query/variables.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import { refuseView } from "../storage/view.ts";
import { insertDocument, readUpdateSpec, runDeleteStatement, runUpdateStatement, updateDocument, upsertDocument } from "./apply-write.ts";
import { collectionName, commit, type CommandContext, type CommandTable } from "./context.ts";
import { optionalNumber } from "./numbers.ts";
import { readQueryOptions } from "./query-env.ts";
import { matchingDocuments, stillMatching } from "./select.ts";
import { pauseWrite, TimeSlice } from "./time-slice.ts";
import { runStatements, withWriteErrors } from "./write-errors.ts";

function statements(command: Document, field: string): Document[] {
  const list = command[field];
  if (!Array.isArray(list)) throw new MongoServerFailure(14, "TypeMismatch", `BSON field '${field}' is missing or is not an array`);
  return list as Document[];
}

async function insert(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  const name = collectionName(command);
  let collection = context.server.store.ensureCollection(context.db, name, log);
  const bypass = command.bypassDocumentValidation === true;
  const slice = new TimeSlice(context.deadline);
  let n = 0;
  const errors = await runStatements(statements(command, "documents"), command.ordered !== false, async (doc) => {
    if (slice.due()) {
      await pauseWrite(slice, context.server.persistence, log);
      collection = context.server.store.ensureCollection(context.db, name, log); // dropped meanwhile: made again, as mongod does
    }
    insertDocument(collection, doc, bypass, log);
    n += 1;
  });
  await commit(context, log, command);
  return withWriteErrors({ n }, errors);
}

async function update(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  const collection = context.server.store.ensureCollection(context.db, collectionName(command), log);
  const variables = readLet(command.let);
  const bypassValidation = command.bypassDocumentValidation === true;
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const errors = await runStatements(statements(command, "updates"), command.ordered !== false, async (statement, index) => {
    const multi = statement.multi === true;
    const outcome = await runUpdateStatement(context, collection, {
      filter: (statement.q ?? {}) as Filter,
      update: readUpdateSpec(statement.u, multi),
      arrayFilters: statement.arrayFilters as Document[] | undefined,
      // A statement's constants (`c`) are variables of its pipeline, beside the command's `let`.
      variables: statement.c === undefined ? variables : { ...variables, ...readLet(statement.c) },
      bypassValidation,
      multi,
      upsert: statement.upsert === true,
      collation: readQueryOptions(statement.collation, undefined, collection.options).collation,
      sort: statement.sort as Document | undefined,
      hint: statement.hint,
    }, log);
    n += outcome.n;
    nModified += outcome.nModified;
    if (outcome.upsertedId !== undefined) upserted.push({ index, _id: outcome.upsertedId });
  });
  await commit(context, log, command);
  return withWriteErrors({ n, nModified, ...(upserted.length && { upserted }) }, errors);
}

async function remove(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  const collection = context.server.store.collection(context.db, collectionName(command));
  const variables = readLet(command.let);
  let n = 0;
  const errors = await runStatements(statements(command, "deletes"), command.ordered !== false, async (statement) => {
    const { collation } = readQueryOptions(statement.collation, undefined, collection?.options);
    n += await runDeleteStatement(context, collection, { filter: statement.q as Filter, limit: optionalNumber(statement, "limit") ?? 0, collation, variables, hint: statement.hint }, log);
  });
  await commit(context, log, command);
  return withWriteErrors({ n }, errors);
}

async function findAndModify(command: Document, context: CommandContext): Promise<Document> {
  const log: JournalRecord[] = [];
  const name = collectionName(command);
  const filter = (command.query ?? {}) as Filter;
  const query = { filter, ...readQueryOptions(command.collation, command.let, context.server.store.definition(context.db, name)?.options) };
  const project = compileProjection(command.fields as Document | undefined, filter);
  const shape = (doc: Document | undefined): Document | null => (doc ? (project ? project(doc) : doc) : null);
  const first = { ...query, sort: command.sort as Document, limit: 1, deadline: context.deadline, hint: command.hint };
  if (command.remove === true) {
    const collection = context.server.store.collection(context.db, name);
    if (collection) refuseView(collection);
    const found = await matchingDocuments(collection, first);
    const [doc] = collection ? stillMatching(context.server.store, collection, query, found) : [];
    if (doc) collection!.remove(doc, log);
    await commit(context, log, command);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: shape(doc), ok: 1 };
  }
  if (command.update === undefined) throw new MongoServerFailure(9, "FailedToParse", "Either an update or remove=true must be specified");
  const collection = context.server.store.ensureCollection(context.db, name, log);
  refuseView(collection);
  const request = {
    filter,
    update: readUpdateSpec(command.update, false),
    arrayFilters: command.arrayFilters as Document[] | undefined,
    variables: query.variables,
    bypassValidation: command.bypassDocumentValidation === true,
  };
  const [doc] = stillMatching(context.server.store, collection, query, await matchingDocuments(collection, first));
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
