/** Updating, upserting and deleting matched documents of one collection (shared by update, delete and findAndModify). */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { Filter } from "../query/matcher.ts";
import type { Variables } from "../query/variables.ts";
import type { Collation } from "../query/collation.ts";
import type { CommandContext } from "./context.ts";
import { forEachStillMatching, matchingDocuments, noneFrom, stillMatching, type MatchQuery } from "./select.ts";
import { refuseView } from "../storage/view.ts";
import { applyUpdate, isReplacement, upsertSeed, validateUpdate, withId, type UpdateSpec } from "../query/update.ts";
import type { Collection } from "../storage/collection.ts";
import type { JournalRecord } from "../storage/persistence.ts";
import { checkInsertSize, checkUpdatedSize } from "./document-size.ts";
import { validateWrite } from "./validation.ts";

export interface UpdateRequest {
  filter: Filter;
  update: UpdateSpec;
  arrayFilters?: Document[];
  /** The command's `let`, for pipeline updates. */
  variables?: Variables | undefined;
  /** The command's `bypassDocumentValidation`. */
  bypassValidation?: boolean;
}

/** Applies the update to a stored document; returns the new version, or undefined when unchanged. */
export function updateDocument(collection: Collection, doc: Document, request: UpdateRequest, log: JournalRecord[]): Document | undefined {
  const outcome = applyUpdate(doc, request.update, { filter: request.filter, isInsert: false, ...(request.arrayFilters && { arrayFilters: request.arrayFilters }), variables: request.variables });
  if (!outcome.modified) return undefined;
  checkUpdatedSize(outcome.doc);
  validateWrite(collection.options, outcome.doc, doc, request.bypassValidation === true);
  collection.replace(doc, outcome.doc, log);
  return outcome.doc;
}

/** Inserts the document an upsert creates from the filter's equalities and the update. */
export function upsertDocument(collection: Collection, request: UpdateRequest, log: JournalRecord[]): Document {
  const seed = isReplacement(request.update)
    ? "_id" in request.filter && !isOperator(request.filter._id) ? { _id: request.filter._id } : {}
    : upsertSeed(request.filter);
  const outcome = applyUpdate(seed, request.update, { filter: request.filter, isInsert: true, ...(request.arrayFilters && { arrayFilters: request.arrayFilters }), variables: request.variables });
  const doc = withId(outcome.doc);
  checkInsertSize(doc);
  validateWrite(collection.options, doc, undefined, request.bypassValidation === true);
  collection.insert(doc, log);
  return doc;
}

function isOperator(value: unknown): boolean {
  return value !== null && typeof value === "object" && Object.keys(value).some((k) => k.startsWith("$"));
}

export function readUpdateSpec(update: unknown, multi: boolean): UpdateSpec {
  validateUpdate(update);
  if (multi && isReplacement(update)) {
    throw new MongoServerFailure(9, "FailedToParse", "multi update is not supported for replacement-style update");
  }
  return update;
}

/** One update statement (of update or bulkWrite), already read from the command. */
export interface UpdateStatement extends UpdateRequest {
  multi: boolean;
  upsert: boolean;
  collation?: Collation | undefined;
  /** Which document an update of one changes first (8.0: updateOne and replaceOne). */
  sort?: Document | undefined;
  hint?: unknown;
}

export interface UpdateStatementResult {
  n: number;
  nModified: number;
  /** The `_id` of the document an upsert inserted. */
  upsertedId?: unknown;
}

/**
 * Runs one update statement on a collection: the matching documents updated, or one upserted.
 * The scan yields; each document found is re-checked when its turn comes (select.ts).
 */
export async function runUpdateStatement(context: CommandContext, collection: Collection, statement: UpdateStatement, log: JournalRecord[]): Promise<UpdateStatementResult> {
  refuseView(collection);
  if (statement.sort !== undefined && statement.multi) throw new MongoServerFailure(72, "InvalidOptions", "sort is only allowed with multi: false");
  const found = await matchingDocuments(collection, { ...statement, limit: statement.multi ? 0 : 1, deadline: context.deadline });
  // Whether to upsert depends on a match still being there; many are re-checked as they are written.
  const targets = found.length > 1 ? found : stillMatching(context.server.store, collection, statement, found);
  if (targets.length === 0 && statement.upsert) {
    const doc = upsertDocument(collection, statement, log);
    return { n: 1, nModified: 0, upsertedId: doc._id };
  }
  const result = { n: 0, nModified: 0 };
  await forEachStillMatching(context, collection, statement, targets, log, (doc) => {
    if (updateDocument(collection, doc, statement, log)) result.nModified += 1;
    result.n += 1;
  });
  return result;
}

export interface DeleteStatement extends MatchQuery {
  /** 0: every match; 1: the first. */
  limit: number;
  hint?: unknown;
}

/** Runs one delete statement: the matching documents (all, or the first when `limit` is 1) removed; answers how many. */
export async function runDeleteStatement(context: CommandContext, collection: Collection | undefined, statement: DeleteStatement, log: JournalRecord[]): Promise<number> {
  if (!collection) return noneFrom(statement).length;
  refuseView(collection);
  const found = await matchingDocuments(collection, { ...statement, deadline: context.deadline });
  let n = 0;
  await forEachStillMatching(context, collection, statement, found, log, (doc) => {
    collection.remove(doc, log);
    n += 1;
  });
  return n;
}

/** Inserts one document as given to insert or bulkWrite: `_id` first (generated when missing), size and validation checked. */
export function insertDocument(collection: Collection, doc: Document, bypassValidation: boolean, log: JournalRecord[]): Document {
  const stored = withId(doc);
  checkInsertSize(stored);
  validateWrite(collection.options, stored, undefined, bypassValidation);
  collection.insert(stored, log);
  return stored;
}
