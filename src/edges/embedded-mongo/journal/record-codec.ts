/**
 * A frame's payload: the records of one write, each a BSON document, laid end to end (each
 * BSON document starts with its own length). Concatenating instead of wrapping them in one
 * array document keeps a write of many documents free of the 16 MiB single-document limit.
 */
import { deserialize, serialize, type DeserializeOptions } from "bson";
import type { JournalRecord } from "../storage/persistence.ts";

/**
 * Keeps numeric BSON types (Int32, Double, Long, Decimal128) as the wrapper classes the storage
 * holds, so a replayed document is the one that was written.
 */
export const FAITHFUL_DESERIALIZE: DeserializeOptions = { promoteValues: false };

export function encodeRecords(records: readonly JournalRecord[]): Buffer {
  return Buffer.concat(records.map((record) => serialize(record)));
}

export function decodeRecords(
  payload: Buffer,
  options: DeserializeOptions = FAITHFUL_DESERIALIZE,
): JournalRecord[] {
  const records: JournalRecord[] = [];
  let offset = 0;
  while (offset < payload.length) {
    const length = payload.readInt32LE(offset);
    records.push(deserialize(payload.subarray(offset, offset + length), options) as JournalRecord);
    offset += length;
  }
  return records;
}
