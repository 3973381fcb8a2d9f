/**
 * A frame's payload: the records of one write, each a BSON document, laid end to end (each
 * BSON document starts with its own length). Concatenating instead of wrapping them in one
 * array document keeps a write of many documents free of the 16 MiB single-document limit.
 *
 * How one record becomes bytes is the server's choice (a `RecordCodec`): replay must give back
 * documents exactly as the storage holds them, with their numeric BSON types.
 */
import { deserialize, serialize } from "bson";
import type { JournalRecord } from "../storage/persistence.ts";

export interface RecordCodec {
  encode(record: JournalRecord): Uint8Array;
  decode(bytes: Uint8Array): JournalRecord;
}

/** Plain BSON, numeric types kept as wrapper classes (Int32, Double, Long, Decimal128). */
export const wrappedNumbersCodec: RecordCodec = {
  encode: (record) => serialize(record),
  decode: (bytes) => deserialize(bytes, { promoteValues: false }) as JournalRecord,
};

export function encodeRecords(records: Iterable<JournalRecord>, codec: RecordCodec): Uint8Array[] {
  const encoded: Uint8Array[] = [];
  for (const record of records) encoded.push(codec.encode(record));
  return encoded;
}

export function decodeRecords(payload: Buffer, codec: RecordCodec): JournalRecord[] {
  const records: JournalRecord[] = [];
  let offset = 0;
  while (offset < payload.length) {
    const length = payload.readInt32LE(offset);
    records.push(codec.decode(payload.subarray(offset, offset + length)));
    offset += length;
  }
  return records;
}
