import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "../src/index.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "embedded-mongo-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("the embedded server as a library", () => {
  it("starts on a free port, gives a mongodb:// URI the driver connects to, and stops", async () => {
    const server = await startEmbeddedMongo({ inMemory: true });
    expect(server.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\//);
    expect(server.port).toBeGreaterThan(0);
    const client = await MongoClient.connect(server.uri);
    expect(await client.db("x").command({ ping: 1 })).toMatchObject({ ok: 1 });
    await client.close();
    await server.stop();
    await expect(MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 300 })).rejects.toThrow();
  });

  it("keeps data in its data directory across restarts", async () => {
    const dataDir = await tempDir();
    const first = await startEmbeddedMongo({ dataDir });
    const client = await MongoClient.connect(first.uri);
    await client.db("app").collection("notes").createIndex({ title: 1 }, { unique: true });
    await client.db("app").collection("notes").insertMany([{ _id: 1, title: "a" }, { _id: 2, title: "b" }] as never[]);
    await client.db("app").collection("notes").updateOne({ _id: 1 } as never, { $set: { title: "c" } });
    await client.db("app").collection("notes").deleteOne({ _id: 2 } as never);
    await client.close();
    await first.stop();

    const second = await startEmbeddedMongo({ dataDir });
    cleanups.push(() => second.stop());
    const again = await MongoClient.connect(second.uri);
    cleanups.push(() => again.close());
    expect(await again.db("app").collection("notes").find().toArray()).toEqual([{ _id: 1, title: "c" }]);
    await expect(again.db("app").collection("notes").insertOne({ _id: 3, title: "c" } as never)).rejects.toMatchObject({ code: 11000 });
  });

  it("in memory, nothing survives a restart", async () => {
    const first = await startEmbeddedMongo({ inMemory: true });
    const client = await MongoClient.connect(first.uri);
    await client.db("app").collection("notes").insertOne({ x: 1 });
    await client.close();
    await first.stop();
    const second = await startEmbeddedMongo({ inMemory: true });
    const again = await MongoClient.connect(second.uri);
    expect(await again.db("app").collection("notes").countDocuments()).toBe(0);
    await again.close();
    await second.stop();
  });

  it("runs in a worker thread with the same behaviour", async () => {
    const dataDir = await tempDir();
    const server = await startEmbeddedMongo({ dataDir, worker: true });
    const client = await MongoClient.connect(server.uri);
    await client.db("app").collection("w").insertOne({ _id: "in-worker" } as never);
    expect(await client.db("app").collection("w").findOne({})).toEqual({ _id: "in-worker" });
    await client.close();
    await server.stop();
    const reopened = await startEmbeddedMongo({ dataDir });
    const again = await MongoClient.connect(reopened.uri);
    expect(await again.db("app").collection("w").countDocuments()).toBe(1);
    await again.close();
    await reopened.stop();
  });
});
