/** What mongod keeps and refuses about `_id`: pipeline updates keep it; `$`-prefixed fields inside it are refused. */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

describe("_id rules", () => {
  const t = useTestDatabase();

  it("a pipeline update that replaces the root keeps the document's _id", async () => {
    const c = t.db.collection<{ _id: number; x?: number; y?: number }>("root");
    await c.insertOne({ _id: 1, x: 1 });
    await c.updateOne({ _id: 1 }, [{ $replaceRoot: { newRoot: { y: 2 } } }]);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, y: 2 });
    await c.updateOne({ _id: 1 }, [{ $replaceWith: { z: { $add: ["$y", 1] } } }]);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, z: 3 });
  });

  it("a pipeline update that changes _id is refused (66 ImmutableField)", async () => {
    const c = t.db.collection<{ _id: number; x?: number }>("immutable");
    await c.insertOne({ _id: 1, x: 1 });
    await expect(c.updateOne({ _id: 1 }, [{ $set: { _id: 2 } }])).rejects.toMatchObject({ code: 66 });
    expect(await c.findOne({})).toEqual({ _id: 1, x: 1 });
  });

  it("a $-prefixed field inside _id is refused on insert and replacement; a DBRef is not", async () => {
    const c = t.db.collection("dollars");
    await expect(c.insertOne({ _id: { $a: 1 } } as never)).rejects.toMatchObject({ code: 52 });
    await expect(c.replaceOne({ _id: 2 } as never, { x: 1 }, { upsert: false })).resolves.toMatchObject({ matchedCount: 0 });
    await expect(c.updateOne({ _id: { $eq: 3 } } as never, { $set: { x: 1 } }, { upsert: true })).resolves.toMatchObject({ upsertedCount: 1 });
    await expect(c.replaceOne({ x: 5 }, { _id: { nested: { $bad: 1 } }, x: 5 } as never, { upsert: true })).rejects.toMatchObject({ code: 52 });
    await c.insertOne({ _id: { $ref: "other", $id: 1 } } as never);
    expect(await c.countDocuments()).toBe(2);
  });
});
