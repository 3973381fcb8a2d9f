/** Reading numeric command options, whatever BSON number type the client sent. */
import type { Document } from "bson";
import { toNumber } from "../query/numeric.ts";

export function optionalNumber(command: Document, field: string): number | undefined {
  const value = command[field];
  return value === undefined || value === null ? undefined : toNumber(value);
}
