/**
 * A command's `let`: user variables for `$expr` and pipelines (`$$name`). As mongod, each
 * value is an aggregation expression evaluated once, before the command runs, and each name
 * must start with a lowercase letter (or a non-ASCII character) and hold only letters,
 * digits and underscores.
 */
import { Aggregator } from "mingo";
import { MongoServerFailure } from "../errors.ts";
import { isPlainDocument } from "./bson-types.ts";
import { mingoView } from "./mingo-view.ts";

export type Variables = Readonly<Record<string, unknown>>;

const NAME = /^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;

/** Whether a value needs evaluating: an expression document or array, or a `$` string (a path or `$$VARIABLE`). */
function isExpression(value: unknown): boolean {
  return isPlainDocument(value) || Array.isArray(value) || (typeof value === "string" && value.startsWith("$"));
}

/** The variables a command's `let` defines; undefined when it has none. */
export function readLet(spec: unknown): Variables | undefined {
  if (spec === undefined) return undefined;
  if (!isPlainDocument(spec)) throw new MongoServerFailure(14, "TypeMismatch", "BSON field 'let' is the wrong type, expected type 'object'");
  const variables: Record<string, unknown> = {};
  const expressions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(spec)) {
    if (!NAME.test(name)) throw new MongoServerFailure(16870, "Location16870", `'${name}' starts with an invalid character for a user variable name`);
    if (isExpression(value)) expressions[name] = mingoView(value);
    else variables[name] = value;
  }
  if (Object.keys(expressions).length > 0) {
    try {
      const [evaluated] = new Aggregator([{ $set: expressions }]).run([{}]);
      Object.assign(variables, evaluated);
    } catch (error) {
      throw new MongoServerFailure(2, "BadValue", `invalid 'let' expression: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return variables;
}
