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

/** A server on a data directory, with a client on it, and how to stop both. */
async function serverOn(dataDir: string, worker = false) {
  const server = await startEmbeddedMongo({ dataDir, worker });
  const client = await MongoClient.connect(server.uri);
  const stop = async () => {
    await client.close();
    await server.stop();
  };
  return { db: client.db("places"), stop };
}

type Trail = { _id: number; name: string; at: { type: "Point"; coordinates: [number, number] } };

describe("geo and text indexes in a data directory", () => {
  it("survive a restart (also in a worker): listed alike, still checking writes and answering queries", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "embedded-mongo-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await serverOn(dataDir);
    const trails = first.db.collection<Trail>("trails");
    await trails.createIndex({ at: "2dsphere" });
    await trails.createIndex({ name: "text" });
    await trails.insertMany([
      { _id: 1, name: "Blue Hills loop", at: { type: "Point", coordinates: [-71.11, 42.21] } },
      { _id: 2, name: "Middlesex Fells ridge", at: { type: "Point", coordinates: [-71.1, 42.45] } },
    ]);
    const listed = await trails.listIndexes().toArray();
    await first.stop();

    const second = await serverOn(dataDir, true);
    cleanups.push(second.stop);
    const reopened = second.db.collection<Trail>("trails");
    expect(await reopened.listIndexes().toArray()).toEqual(listed);
    const nearFells = await reopened.find({ at: { $nearSphere: { $geometry: { type: "Point", coordinates: [-71.1, 42.44] } } } }).toArray();
    expect(nearFells.map((doc) => doc._id)).toEqual([2, 1]);
    expect((await reopened.find({ $text: { $search: "ridges" } }).toArray()).map((doc) => doc._id)).toEqual([2]);
    await expect(reopened.insertOne({ _id: 3, name: "nowhere", at: "Boston" } as unknown as Trail)).rejects.toMatchObject({ code: 16755 });
  });
});
