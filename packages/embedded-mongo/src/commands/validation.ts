/**
 * Schema validation as mongod does it with a query-operator `validator`: a document written
 * to the collection must match it, or the write fails with 121 DocumentValidationFailure and
 * an `errInfo` naming the failing document. `validationLevel` "moderate" spares updates of
 * documents that did not match before; "off" and `validationAction: "warn"` let everything
 * through (mongod then logs); `bypassDocumentValidation` skips the check. A `$jsonSchema`
 * validator is checked when it is set: a schema mongod refuses is refused then.
 */
import type { Document } from "bson";
import { MongoServerFailure, badValue } from "../errors.ts";
import { isPlainDocument } from "../query/bson-types.ts";
import { matches, type Filter } from "../query/matcher.ts";

const LEVELS = new Set(["off", "strict", "moderate"]);
const ACTIONS = new Set(["error", "warn", "errorAndLog"]);

/** Refuses validation options this server cannot honour, before they are stored. */
export function checkValidationOptions(options: Document): void {
  const { validator, validationLevel, validationAction } = options;
  if (validator !== undefined) {
    if (!isPlainDocument(validator)) throw new MongoServerFailure(14, "TypeMismatch", "'validator' must be an object");
    matches({}, validator as Filter); // an unknown operator or an invalid schema is refused now, not at the first write
  }
  if (validationLevel !== undefined && !LEVELS.has(String(validationLevel))) throw badValue(`Enumeration value '${String(validationLevel)}' for field 'validationLevel' is not a valid value.`);
  if (validationAction !== undefined && !ACTIONS.has(String(validationAction))) throw badValue(`Enumeration value '${String(validationAction)}' for field 'validationAction' is not a valid value.`);
}

/**
 * Throws 121 when `doc` may not be written to a collection with these options;
 * `previous` is the document an update replaces (for "moderate").
 */
export function validateWrite(options: Document, doc: Document, previous: Document | undefined, bypass: boolean): void {
  const validator = options.validator as Filter | undefined;
  if (!validator || bypass) return;
  const level = options.validationLevel ?? "strict";
  if (level === "off" || options.validationAction === "warn") return;
  if (matches(doc, validator)) return;
  if (level === "moderate" && previous !== undefined && !matches(previous, validator)) return;
  throw new MongoServerFailure(121, "DocumentValidationFailure", "Document failed validation", {
    errInfo: {
      failingDocumentId: doc._id,
      details: { operatorName: Object.keys(validator).length === 1 && "$jsonSchema" in validator ? "$jsonSchema" : "$and", specifiedAs: validator, reason: "the document does not match the validator" },
    },
  });
}
