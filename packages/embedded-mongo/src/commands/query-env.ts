/** A command's collation and `let`, read (and refused when invalid) before anything runs. */
import { readCollation, type Collation } from "../query/collation.ts";
import { readLet, type Variables } from "../query/variables.ts";

export interface QueryOptions {
  collation: Collation | undefined;
  variables: Variables | undefined;
}

export function readQueryOptions(collation: unknown, variables: unknown): QueryOptions {
  return { collation: readCollation(collation), variables: readLet(variables) };
}
