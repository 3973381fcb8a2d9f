import { BSON } from "mongodb";
import { describe, expect, it } from "vitest";
import { rawFindBatches, type RawBatch } from "../../src/utils/raw-find.ts";
import { useConceptDatabase } from "../concepts/concept-database.ts";
import { useCommandLog } from "../concepts/database-probes.ts";

const db = useConceptDatabase();
const commands = useCommandLog(db);

interface Thing {
  _id: string;
  n: number;
  tag: string;
}

/** The documents of a batch, decoded. */
function documentsOf({ bytes, starts }: RawBatch): unknown[] {
  return starts.map((start) => BSON.deserialize(bytes.subarray(start, start + bytes.readInt32LE(start))));
}

describe("rawFindBatches", () => {
  it("answers what the driver's find answers, in the same order, a reply at a time", async () => {
    const things = commands().db.collection<Thing>("things");
    await things.insertMany(Array.from({ length: 25 }, (_, n) => ({ _id: `t${String(n).padStart(2, "0")}`, n: (n * 7) % 25, tag: n % 2 === 0 ? "even" : "odd" })));
    commands().take();

    const found: unknown[] = [];
    const sizes: number[] = [];
    for await (const batch of rawFindBatches(things, { filter: { tag: "even" }, sort: { n: -1 }, projection: { n: 1 }, batchSize: 5 })) {
      sizes.push(batch.starts.length);
      found.push(...documentsOf(batch));
    }
    // The cursor ran out on its own: nothing to close.
    expect(commands().take().filter((command) => command.startsWith("find") || command.startsWith("killCursors"))).toEqual(["find things"]);
    expect(found).toEqual(await things.find({ tag: "even" }, { projection: { n: 1 } }).sort({ n: -1 }).toArray());
    expect(sizes).toEqual([5, 5, 3]);
  });

  it("answers at most `limit` documents, over as many replies as the batch size takes", async () => {
    const things = commands().db.collection<Thing>("things");
    await things.insertMany(Array.from({ length: 20 }, (_, n) => ({ _id: `t${String(n).padStart(2, "0")}`, n, tag: "x" })));
    const batches: RawBatch[] = [];
    for await (const batch of rawFindBatches(things, { filter: {}, sort: { n: -1 }, limit: 12, batchSize: 5 })) batches.push(batch);
    expect(batches.map((batch) => batch.starts.length)).toEqual([5, 5, 2]);
    expect(batches.flatMap(documentsOf)).toEqual(await things.find().sort({ n: -1 }).limit(12).toArray());
  });

  it("answers one empty batch when nothing matches", async () => {
    const things = commands().db.collection<Thing>("things");
    const batches: RawBatch[] = [];
    for await (const batch of rawFindBatches(things, { filter: { tag: "none" }, batchSize: 5 })) batches.push(batch);
    expect(batches.map((batch) => batch.starts.length)).toEqual([0]);
  });

  it("closes the cursor on the server when the reader stops early", async () => {
    const things = commands().db.collection<Thing>("things");
    await things.insertMany(Array.from({ length: 12 }, (_, n) => ({ _id: `t${n}`, n, tag: "x" })));
    commands().take();
    for await (const batch of rawFindBatches(things, { filter: {}, sort: { n: 1 }, batchSize: 5 })) {
      expect(documentsOf(batch)).toHaveLength(5);
      break;
    }
    expect(commands().take()).toEqual(["find things", "killCursors things"]);
  });

  it("fails with the database's error, before any batch", async () => {
    const things = commands().db.collection<Thing>("things");
    await things.insertOne({ _id: "t", n: 1, tag: "x" });
    const read = async () => {
      for await (const batch of rawFindBatches(things, { filter: { n: { $notAnOperator: 1 } }, batchSize: 5 })) void batch;
    };
    await expect(read()).rejects.toThrow(/notAnOperator/);
  });
});
