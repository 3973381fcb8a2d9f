/** Updating, upserting and deleting matched documents of one collection (shared by update, delete and findAndModify). */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { Filter } from "../query/matcher.ts";
import type { Variables } from "../query/variables.ts";
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
