/** mongod's 16 MiB document limit. */
import { BSON, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { MAX_BSON_OBJECT_SIZE } from "./handshake.ts";

export function checkInsertSize(doc: Document): void {
  const size = BSON.calculateObjectSize(doc);
  if (size > MAX_BSON_OBJECT_SIZE) {
    throw new MongoServerFailure(2, "BadValue", `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`);
  }
}

export function checkUpdatedSize(doc: Document): void {
  if (BSON.calculateObjectSize(doc) > MAX_BSON_OBJECT_SIZE) {
    throw new MongoServerFailure(17419, "Location17419", `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`);
  }
}
