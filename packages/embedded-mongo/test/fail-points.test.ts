/**
 * configureFailPoint (failCommand), served only with test commands enabled, as mongod's
 * enableTestCommands: the suite's server has them on; a server started without refuses the
 * command as unknown.
 */
import { MongoClient, MongoNetworkError, MongoServerError } from "mongodb";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startEmbeddedMongo } from "../src/index.ts";
import { useTestDatabase } from "./support/database.ts";

describe("configureFailPoint failCommand", () => {
  const t = useTestDatabase();
  const admin = () => t.client.db("admin");
  afterEach(async () => {
    await admin().command({ configureFailPoint: "failCommand", mode: "off" });
  });

  it("fails the named command the given number of times with the given code, then lets it run", async () => {
    const c = t.db.collection<{ _id: number }>("failing");
    await admin().command({ configureFailPoint: "failCommand", mode: { times: 1 }, data: { failCommands: ["insert"], errorCode: 8 } });
    const error = await c.insertOne({ _id: 1 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(8);
    expect(await c.countDocuments()).toBe(0);
    await c.insertOne({ _id: 1 });
    expect(await c.countDocuments()).toBe(1);
  });

  it("leaves other commands alone and can be turned off", async () => {
    const c = t.db.collection<{ _id: number }>("others");
    await admin().command({ configureFailPoint: "failCommand", mode: "alwaysOn", data: { failCommands: ["delete"], errorCode: 8 } });
    await c.insertOne({ _id: 1 });
    await expect(c.deleteOne({ _id: 1 })).rejects.toMatchObject({ code: 8 });
    await expect(c.deleteOne({ _id: 1 })).rejects.toMatchObject({ code: 8 });
    await admin().command({ configureFailPoint: "failCommand", mode: "off" });
    expect((await c.deleteOne({ _id: 1 })).deletedCount).toBe(1);
  });

  it("adds a write concern error to a command that otherwise succeeds", async () => {
    const c = t.db.collection<{ _id: number }>("wce");
    await admin().command({
      configureFailPoint: "failCommand",
      mode: { times: 1 },
      data: { failCommands: ["insert"], writeConcernError: { code: 91, errmsg: "Replication is being shut down" } },
    });
    await expect(c.insertOne({ _id: 1 })).rejects.toMatchObject({ code: 91 });
    expect(await c.countDocuments({ _id: 1 })).toBe(1);
  });

  it("closes the connection when asked; the driver reports a network error", async () => {
    // Without retries, or the driver would run the count again on a new connection.
    const client = await MongoClient.connect(inject("mongoUri"), { retryReads: false });
    try {
      const c = client.db(t.db.databaseName).collection("closing");
      await admin().command({ configureFailPoint: "failCommand", mode: { times: 1 }, data: { failCommands: ["count"], closeConnection: true } });
      await expect(c.estimatedDocumentCount()).rejects.toThrow(MongoNetworkError);
      expect(await c.estimatedDocumentCount()).toBe(0);
    } finally {
      await client.close();
    }
  });
});

describe("configureFailPoint without test commands", () => {
  it("is an unknown command (59), as on a mongod without enableTestCommands", async () => {
    const server = await startEmbeddedMongo({ inMemory: true });
    const client = await MongoClient.connect(server.uri);
    try {
      await expect(client.db("admin").command({ configureFailPoint: "failCommand", mode: "alwaysOn", data: { failCommands: ["insert"], errorCode: 8 } })).rejects.toMatchObject({
        code: 59,
      });
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
