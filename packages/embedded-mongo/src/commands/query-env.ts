/**
 * A command's collation and `let`, read (and refused when invalid) before anything runs. A
 * command that gives no collation gets its collection's default one, as on mongod.
 */
import type { Document } from "bson";
import { readCollation, type Collation } from "../query/collation.ts";
import { readLet, type Variables } from "../query/variables.ts";

export interface QueryOptions {
  collation: Collation | undefined;
  variables: Variables | undefined;
}

/** `collectionOptions`: the options of the collection the command reads or writes (its default collation). */
export function readQueryOptions(collation: unknown, variables: unknown, collectionOptions?: Document): QueryOptions {
  return { collation: readCollation(collation ?? collectionOptions?.collation), variables: readLet(variables) };
}
