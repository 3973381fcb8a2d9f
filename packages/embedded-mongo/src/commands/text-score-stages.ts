/**
 * `{ $meta: "textScore" }` in the stages after a pipeline's `$text` `$match`: each match
 * carries its score in a field of its own through the stages (mingo knows no metadata), the
 * stages read that field instead, and it is taken off the results. An inclusion `$project`
 * keeps it, as mongod keeps metadata through a projection; a `$group` or `$replaceRoot` drops
 * it, where mongod would answer that the score is not available.
 */
import type { Document } from "bson";
import { isPlainDocument } from "../query/bson-types.ts";
import type { TextScores } from "./text-search.ts";

const SCORE_FIELD = "__embeddedTextScore";

const isTextScore = (value: unknown): boolean => isPlainDocument(value) && value.$meta === "textScore";

function readScore(value: unknown): unknown {
  if (isTextScore(value)) return `$${SCORE_FIELD}`;
  if (Array.isArray(value)) return value.map(readScore);
  if (!isPlainDocument(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, readScore(inner)]));
}

const excludes = (value: unknown): boolean => value === 0 || value === false;

function rewriteStage(stage: Document): Document {
  const [name, spec] = Object.entries(stage)[0] ?? [];
  if (name === "$sort" && isPlainDocument(spec)) {
    // Highest score first, as mongod sorts by it.
    return { $sort: Object.fromEntries(Object.entries(spec).map(([key, direction]) => (isTextScore(direction) ? [SCORE_FIELD, -1] : [key, direction]))) };
  }
  if (name === "$project" && isPlainDocument(spec) && !Object.entries(spec).some(([key, value]) => key !== "_id" && excludes(value))) {
    return { $project: { ...(readScore(spec) as Document), [SCORE_FIELD]: 1 } };
  }
  return readScore(stage) as Document;
}

/** The stages reading the score from the field the matches carry. */
export function stagesReadingScores(stages: Document[]): Document[] {
  return stages.map(rewriteStage);
}

/** Copies of the matches with their scores in the field the stages read. */
export function withScores(docs: Document[], scores: TextScores): Document[] {
  return docs.map((doc) => ({ ...doc, [SCORE_FIELD]: scores.get(doc) ?? 0 }));
}

/** The results without the score field. */
export function withoutScores(docs: Document[]): Document[] {
  return docs.map((doc) => {
    if (!(SCORE_FIELD in doc)) return doc;
    const { [SCORE_FIELD]: _score, ...rest } = doc;
    return rest;
  });
}
