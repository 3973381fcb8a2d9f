/**
 * A find read as the database sends it, for answers written straight from its bytes (see
 * bson-json.ts): each batch is one reply's bytes and where each of its documents begins,
 * nothing decoded and nothing copied. The next batch is asked for when the caller wants it.
 * (Asked for ahead, while the caller wrote the last one, it made nothing faster on two cores,
 * and a /health ping waited longer behind eight long reads.)
 *
 * Why not the driver's cursor with `raw: true`: it parses every reply into its elements and
 * wraps each document in a Buffer of its own, about a quarter of the API's work on a
 * 100k-record read. Here the find and its getMores are plain commands, decoded only down to
 * their `cursor` field (the driver's `raw` option leaves embedded documents as bytes), in one
 * explicit session: a cursor belongs to the session that opened it.
 */
import { Long, type Collection, type Document } from "mongodb";
import { BsonFieldReader, valueStarts } from "./bson-json.ts";

export interface RawBatch {
  /** The bytes of a reply's `cursor` document. */
  readonly bytes: Buffer;
  /** Where each document of the batch begins in `bytes`, in the cursor's order. */
  readonly starts: readonly number[];
}

export interface RawFindSpec {
  readonly filter: Document;
  readonly sort?: Document;
  readonly projection?: Document;
  /** At most this many documents in all. */
  readonly limit?: number;
  /** Documents per reply. */
  readonly batchSize: number;
}

/**
 * The batches of a find on `collection`, as the database answers them. Stopping early (a
 * `return` on the iterator, as `for await` does on `break`) closes the cursor on the server.
 */
export async function* rawFindBatches<T extends Document>(collection: Collection<T>, { filter, sort, projection, limit, batchSize }: RawFindSpec): AsyncGenerator<RawBatch, void, undefined> {
  const session = collection.db.client.startSession();
  const run = async (command: Document): Promise<Buffer> => {
    const reply = await collection.db.command(command, { session, raw: true });
    return reply.cursor as Buffer;
  };
  let cursorId = 0n;
  try {
    let reply = await run({ find: collection.collectionName, filter, ...(sort && { sort }), ...(projection && { projection }), ...(limit !== undefined && { limit }), batchSize });
    for (;;) {
      const { id, batch } = readCursor(reply);
      cursorId = id;
      yield batch;
      if (id === 0n) return;
      reply = await run({ getMore: Long.fromBigInt(id), collection: collection.collectionName, batchSize });
    }
  } finally {
    // A reader that stopped early: the cursor is closed, if the database still holds it.
    if (cursorId !== 0n) {
      await collection.db.command({ killCursors: collection.collectionName, cursors: [Long.fromBigInt(cursorId)] }, { session }).catch(() => undefined);
    }
    await session.endSession();
  }
}

/** A cursor document's id (0 once exhausted) and its batch. */
function readCursor(bytes: Buffer): { id: bigint; batch: RawBatch } {
  const cursor = cursorFields.read(bytes);
  const [idType, firstType, nextType] = cursor.types;
  if (idType !== int64 || (firstType !== array && nextType !== array)) throw new Error("the database answered a find without a cursor");
  const batchAt = cursor.offsets[firstType === array ? 1 : 2]!;
  return { id: bytes.readBigInt64LE(cursor.offsets[0]!), batch: { bytes, starts: valueStarts(bytes, batchAt) } };
}

const cursorFields = new BsonFieldReader(["id", "firstBatch", "nextBatch"]);
const int64 = 0x12;
const array = 0x04;
