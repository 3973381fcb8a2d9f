import { MongoBulkWriteError, MongoNetworkError, type Collection } from "mongodb";
import { describe, expect, it } from "vitest";
import { isTransientError } from "../../src/engine/transient.ts";
import { insertGrouped } from "../../src/utils/grouped-inserts.ts";
import { isDuplicateKeyError } from "../../src/utils/mongo-errors.ts";
import { useConceptDatabase } from "../concepts/concept-database.ts";
import { useCommandLog } from "../concepts/database-probes.ts";

const db = useConceptDatabase();
const commands = useCommandLog(db);

describe("insertGrouped", () => {
  it("sends the inserts of one turn as one command, and a lone insert as one command at once", async () => {
    const things = commands().db.collection<{ _id: string; n: number }>("things");
    await Promise.all(Array.from({ length: 20 }, (_, n) => insertGrouped(things, { _id: `t${n}`, n })));
    expect(commands().take()).toEqual(["insert things"]);
    expect(await things.countDocuments()).toBe(20);
    commands().take();

    await insertGrouped(things, { _id: "alone", n: 0 });
    await insertGrouped(things, { _id: "later", n: 1 });
    expect(commands().take()).toEqual(["insert things", "insert things"]);
  });

  it("fails only the caller whose document the database refused", async () => {
    const things = commands().db.collection<{ _id: string }>("things");
    await insertGrouped(things, { _id: "taken" });
    const outcomes = await Promise.allSettled(["a", "taken", "b", "a"].map((_id) => insertGrouped(things, { _id })));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
    for (const outcome of outcomes) if (outcome.status === "rejected") expect(isDuplicateKeyError(outcome.reason)).toBe(true);
    expect((await things.find().sort({ _id: 1 }).toArray()).map((thing) => thing._id)).toEqual(["a", "b", "taken"]);
  });

  it("rejects every caller of a batch with the transient error a lone insert would throw when the command fails", async () => {
    // As the driver reports a batch whose command never reached the server: its network
    // error wrapped in a MongoBulkWriteError (a stand-in collection, to fail on demand).
    const reset = new MongoNetworkError("connection 7 to 127.0.0.1:27017 closed");
    const failing = { insertMany: () => Promise.reject(new MongoBulkWriteError(reset, {} as never)) } as unknown as Collection<{ _id: string }>;
    const outcomes = await Promise.allSettled(["a", "b", "c"].map((_id) => insertGrouped(failing, { _id })));
    expect(outcomes.map((outcome) => (outcome.status === "rejected" ? outcome.reason : "fulfilled"))).toEqual([reset, reset, reset]);
    expect(isTransientError(reset)).toBe(true);
  });

  it("keeps collections apart: one command per collection", async () => {
    const [left, right] = [commands().db.collection<{ _id: string }>("left"), commands().db.collection<{ _id: string }>("right")];
    await Promise.all([insertGrouped(left, { _id: "1" }), insertGrouped(right, { _id: "1" }), insertGrouped(left, { _id: "2" })]);
    expect(commands().take().sort()).toEqual(["insert left", "insert right"]);
  });
});
