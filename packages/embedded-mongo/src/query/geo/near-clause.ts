/**
 * The one `$near`/`$nearSphere` condition a query may hold, found where mongod allows it: at
 * the filter's top level or in a top-level `$and`. Anywhere else, or twice, is refused as
 * mongod refuses it, since results are ordered by that one distance.
 */
import { badValue } from "../../errors.ts";
import { isPlainDocument } from "../bson-types.ts";
import { NEAR_OPERATORS, readNear, type Near } from "./near.ts";

export interface NearClause {
  readonly path: string;
  readonly near: Near;
}

const isNearOperator = (key: string): key is Near["operator"] => (NEAR_OPERATORS as readonly string[]).includes(key);

/** Whether a near operator appears anywhere inside `value`. */
export function containsNear(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsNear);
  if (!isPlainDocument(value)) return false;
  return Object.entries(value).some(([key, inner]) => isNearOperator(key) || containsNear(inner));
}

function collect(filter: Record<string, unknown>, found: NearClause[]): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === "$and" && Array.isArray(condition)) {
      for (const sub of condition) if (isPlainDocument(sub)) collect(sub, found);
    } else if (key.startsWith("$")) {
      if (containsNear(condition)) throw badValue("geoNear must be top-level expr");
    } else if (isPlainDocument(condition)) {
      for (const [operator, operand] of Object.entries(condition)) {
        if (isNearOperator(operator)) found.push({ path: key, near: readNear(operator, condition) });
        else if (containsNear(operand)) throw badValue("geoNear must be top-level expr");
      }
    }
  }
}

/** The filter's near condition, if it has one. */
export function nearClauseOf(filter: Record<string, unknown> | undefined): NearClause | undefined {
  if (!filter) return undefined;
  const found: NearClause[] = [];
  collect(filter, found);
  if (found.length > 1) throw badValue("Too many geoNear expressions");
  return found[0];
}
