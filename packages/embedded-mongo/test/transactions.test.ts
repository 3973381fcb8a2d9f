import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

describe("sessions and transactions", () => {
  const t = useTestDatabase();

  it("accepts explicit sessions for ordinary reads and writes", async () => {
    const session = t.client.startSession();
    try {
      const notes = t.db.collection("notes");
      await notes.insertOne({ _id: "s1" } as never, { session });
      expect(await notes.findOne({ _id: "s1" } as never, { session })).toEqual({ _id: "s1" });
    } finally {
      await session.endSession();
    }
  });

  it("a transaction either commits for real (replica set) or is refused like a standalone mongod, never pretended", async () => {
    const hello = await t.client.db("admin").command({ hello: 1 });
    const ledger = t.db.collection("ledger");
    await ledger.insertOne({ _id: "before" } as never);
    const session = t.client.startSession();
    try {
      session.startTransaction();
      const attempt = ledger.insertOne({ _id: "inside" } as never, { session }).then(() => session.abortTransaction());
      if (hello.setName) {
        await attempt;
        expect(await ledger.findOne({ _id: "inside" } as never)).toBeNull();
      } else {
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(String((error as Error).message)).toMatch(/Transaction numbers are only allowed on a replica set member or mongos|does not support retryable writes/);
        await session.abortTransaction().catch(() => undefined);
        expect(await ledger.findOne({ _id: "inside" } as never)).toBeNull();
      }
    } finally {
      await session.endSession();
    }
  });

  it("a raw command carrying a transaction number is refused with code 20 on a standalone server", async () => {
    const hello = await t.client.db("admin").command({ hello: 1 });
    const command = t.db.command({ find: "ledger", filter: {}, txnNumber: 1n as never, lsid: { id: new (await import("bson")).UUID() } });
    if (hello.setName) await expect(command).resolves.toMatchObject({ ok: 1 });
    else await expect(command).rejects.toMatchObject({ code: 20, codeName: "IllegalOperation" });
  });
});
