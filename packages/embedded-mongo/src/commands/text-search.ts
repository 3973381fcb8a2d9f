/**
 * `$text` in a query (find, count, update, delete, findAndModify, a pipeline's leading
 * `$match`): matched and scored through the collection's text index, as mongod needs one
 * (27 IndexNotFound without). A command that shows or sorts by `{ $meta: "textScore" }` passes
 * a map the matches' scores are kept in.
 */
import type { Document } from "bson";
import { badValue, MongoServerFailure } from "../errors.ts";
import { isPlainDocument } from "../query/bson-types.ts";
import { compileTextQuery, textIndexInfo } from "../query/text/score.ts";
import type { Collection } from "../storage/collection.ts";

/** The scores of a query's matches, by stored document. */
export type TextScores = WeakMap<Document, number>;

/** The `$text` operands anywhere in a filter. */
function textOperands(value: unknown, found: unknown[]): unknown[] {
  if (Array.isArray(value)) for (const item of value) textOperands(item, found);
  else if (isPlainDocument(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$text") found.push(inner);
      else textOperands(inner, found);
    }
  }
  return found;
}

/** Whether stages (or any value) ask for `{ $meta: "textScore" }`. */
export function containsTextScore(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsTextScore);
  if (!isPlainDocument(value)) return false;
  return value.$meta === "textScore" || Object.values(value).some(containsTextScore);
}

/** Whether a filter holds a `$text`. */
export function hasText(filter: unknown): boolean {
  return textOperands(filter, []).length > 0;
}

/** How the filter's `$text` decides a document, or undefined when it has none. */
export function textMatcher(collection: Collection, filter: Document | undefined, scores?: TextScores): ((doc: unknown) => boolean) | undefined {
  const operands = textOperands(filter, []);
  if (operands.length === 0) return undefined;
  if (operands.length > 1) throw badValue("Too many text expressions");
  const spec = collection.textIndex();
  if (!spec) throw new MongoServerFailure(27, "IndexNotFound", "text index required for $text query");
  const query = compileTextQuery(operands[0], textIndexInfo(spec));
  return (doc) => {
    const score = query.score(doc as Document);
    if (score === undefined) return false;
    scores?.set(doc as Document, score);
    return true;
  };
}
