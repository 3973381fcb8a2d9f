/**
 * A spec type as a live zod schema, built from the very source text that `npm run new --
 * concept --from` writes (`zodSource`), so that comparing it with a concept's schemas tests
 * what the generator writes.
 */
import { z } from "zod";
import { id, instant } from "../../../src/utils/schemas.ts";
import { objectSource, type SpecField } from "./types.ts";

export function zodObjectOf(fields: SpecField[], side: "input" | "output"): z.ZodType {
  // The source only names z, id and instant, all passed in: nothing else is in reach.
  return new Function("z", "id", "instant", `return ${objectSource(fields, side)};`)(z, id, instant) as z.ZodType;
}
