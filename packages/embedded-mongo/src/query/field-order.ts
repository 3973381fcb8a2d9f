/**
 * mongod's field order for the stages mingo orders otherwise (it puts `_id` last):
 * - an inclusion `$project` writes the fields it keeps in their input order (`_id` first, as
 *   stored), then the fields it computes in the order its spec names them;
 * - `$bucket` and `$bucketAuto` write `_id` first, then their outputs.
 * Values are mingo's; only the order of the top-level fields changes.
 */
import type { Document } from "bson";
import { isNumeric, isPlainDocument } from "./bson-types.ts";
import { toNumber } from "./numeric.ts";

const stageName = (stage: Document): string => Object.keys(stage)[0] ?? "";

const excludes = (value: unknown): boolean => value === false || (isNumeric(value) && toNumber(value) === 0);
const includes = (value: unknown): boolean => value === true || (isNumeric(value) && toNumber(value) !== 0);
/** A sub-projection (`{ a: { b: 1 } }`), as opposed to an expression (`{ $avg: ... }`). */
const isChild = (value: unknown): boolean => isPlainDocument(value) && Object.keys(value).every((key) => !key.startsWith("$"));

function inclusionSpec(stage: Document): Document | undefined {
  const spec = stage.$project;
  if (!isPlainDocument(spec)) return undefined;
  return Object.entries(spec).some(([key, value]) => key !== "_id" && excludes(value)) ? undefined : spec;
}

/** Whether mingo's answer to this stage needs its fields put in mongod's order. */
export function needsMongodOrder(stage: Document): boolean {
  const name = stageName(stage);
  return name === "$bucket" || name === "$bucketAuto" || (name === "$project" && inclusionSpec(stage) !== undefined);
}

function reorder(output: Document, order: Iterable<string>): Document {
  const out: Document = {};
  for (const key of order) if (key in output && !(key in out)) out[key] = output[key];
  for (const key of Object.keys(output)) if (!(key in out)) out[key] = output[key];
  return out;
}

function projectOrder(spec: Document, input: Document): string[] {
  const topLevel = new Map<string, unknown>();
  for (const [path, value] of Object.entries(spec)) {
    const head = path.split(".")[0]!;
    if (!topLevel.has(head)) topLevel.set(head, path.includes(".") ? {} : value);
  }
  const kept = Object.keys(input).filter((key) => {
    const value = topLevel.get(key);
    return key === "_id" ? !excludes(value) && (value === undefined || includes(value) || isChild(value)) : includes(value) || isChild(value);
  });
  return [...kept, ...topLevel.keys()];
}

/** mingo's outputs of `stage` over `inputs` (one output per input for `$project`), in mongod's field order. */
export function inMongodOrder(stage: Document, inputs: readonly Document[], outputs: Document[]): Document[] {
  if (stageName(stage) !== "$project") return outputs.map((doc) => reorder(doc, ["_id"]));
  const spec = inclusionSpec(stage);
  if (!spec || inputs.length !== outputs.length) return outputs;
  return outputs.map((doc, i) => reorder(doc, projectOrder(spec, inputs[i]!)));
}
