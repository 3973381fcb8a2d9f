/**
 * The app's choice of database (`src/edges/database.ts`): the embedded server, its own and
 * reachable by no one else, unless a MongoDB URL is given.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterEach, describe, expect, inject, it } from "vitest";
import { connectDatabase } from "../../src/edges/database.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "focus-database-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("choosing the database", () => {
  it("without a MongoDB URL it starts the embedded server and connects to it", async () => {
    const dataDir = await tempDir();
    const connection = await connectDatabase({ dbName: "chosen", dataDir, inMemory: true });
    expect(connection.embedded).toBeDefined();
    expect(connection.db.databaseName).toBe("chosen");
    await connection.db.collection("c").insertOne({ x: 1 });
    expect(await connection.db.collection("c").countDocuments()).toBe(1);
    await connection.close();
  });

  it("with a MongoDB URL it connects there and starts nothing", async () => {
    const connection = await connectDatabase({ mongodbUrl: inject("mongoUri"), dbName: `chosen_${process.pid}`, dataDir: "/nonexistent" });
    expect(connection.embedded).toBeUndefined();
    expect(await connection.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    await connection.db.dropDatabase();
    await connection.close();
  });

  it("the database npm start runs for itself refuses any other connection", async () => {
    const database = await connectDatabase({ dbName: "focus", dataDir: "", inMemory: true });
    cleanups.push(() => database.close());
    await database.db.collection("sessions").insertOne({ user: "ada" });
    const uri = database.embedded?.uri ?? "";
    expect(uri).toMatch(/@127\.0\.0\.1:/);
    const intruder = await MongoClient.connect(uri.replace(/\/\/[^@/]+@/, "//").replace("&authSource=admin", ""));
    cleanups.push(() => intruder.close());
    await expect(intruder.db("focus").dropDatabase()).rejects.toMatchObject({ code: 13 });
    expect(await database.db.collection("sessions").countDocuments()).toBe(1);
  });
});
