import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Decimal128, Double, Int32, Long, MongoClient, ObjectId } from "mongodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../src/index.ts";

/** Documents of the persistence test: ids of several BSON types, any fields. */
type Thing = { _id: ObjectId | number | string; [field: string]: unknown };

const WRITER = fileURLToPath(new URL("./support/crash-writer.ts", import.meta.url));
const KILLS = 20;

let dataDir: string;
/** Writers not yet seen to exit: killed after a failing or timed-out test, never left running. */
const running = new Set<ChildProcess>();

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "embedded-mongo-crash-"));
});

afterEach(async () => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
  await rm(dataDir, { recursive: true, force: true });
});

/** Opens the directory with a fresh server and reads it through the driver. */
async function withReopened<T>(read: (client: MongoClient) => Promise<T>): Promise<T> {
  const server = await startEmbeddedMongo({ dataDir, port: 0 });
  try {
    const client = await MongoClient.connect(server.uri);
    try {
      return await read(client);
    } finally {
      await client.close();
    }
  } finally {
    await server.stop();
  }
}

/** What the writers reported acknowledged: inserted ids, and the last `n` per updated id. */
class Acknowledged {
  readonly inserted = new Set<string>();
  readonly updated = new Map<string, number>();

  record(line: string): void {
    const [kind, id, n] = line.split(" ");
    if (kind === "insert" && id) this.inserted.add(id);
    if (kind === "update" && id) this.updated.set(id, Number(n));
  }
}

/**
 * Runs the writer until a random moment (sometimes before it is even ready, mostly while it
 * writes), then kills it with SIGKILL; every complete line it printed is an acknowledgement.
 */
async function runAndKill(run: string, acknowledged: Acknowledged): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, dataDir, run], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let stdout = "";
  let stderr = "";
  let writes = 0;
  const killBeforeReady = Math.random() < 0.2;
  const writingMs = 50 + Math.random() * 350;
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split("\n");
    stdout = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "ready") setTimeout(() => child.kill("SIGKILL"), writingMs);
      else {
        acknowledged.record(line);
        writes += 1;
      }
    }
  });
  if (killBeforeReady) setTimeout(() => child.kill("SIGKILL"), Math.random() * 600);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  expect(exit, `the writer died on its own:\n${stderr}`).toEqual({ code: null, signal: "SIGKILL" });
  if (!killBeforeReady) expect(writes, "the writer acknowledged writes before it was killed").toBeGreaterThan(0);
}

describe("the embedded server's durability", () => {
  it(`keeps every acknowledged write through ${KILLS} kill -9s at random moments`, async () => {
    const acknowledged = new Acknowledged();
    for (let kill = 0; kill < KILLS; kill += 1) {
      await runAndKill(`run${kill}`, acknowledged);

      const stored = await withReopened(async (client) =>
        client.db("crash").collection<{ _id: string; n: number }>("things").find().toArray(),
      );
      const byId = new Map(stored.map((doc) => [doc._id, doc.n]));
      const lost = [...acknowledged.inserted].filter((id) => !byId.has(id));
      expect(lost, `after kill ${kill + 1}`).toEqual([]);
      for (const [id, n] of acknowledged.updated) {
        expect(byId.get(id), `${id} after kill ${kill + 1}`).toBeGreaterThanOrEqual(n);
      }
    }
    expect(acknowledged.inserted.size).toBeGreaterThan(KILLS);
    // The writer compacts at 64 KiB: kills also hit compactions, and at least one completed.
    expect((await readdir(dataDir)).some((name) => name.startsWith("snapshot-"))).toBe(true);
  }, 120_000);

  it("keeps documents, their BSON types and indexes across a graceful stop and restart", async () => {
    const doc = {
      _id: new ObjectId(),
      int: new Int32(1),
      double: new Double(1),
      long: Long.fromString("9007199254740993"),
      decimal: Decimal128.fromString("0.10"),
      date: new Date(0),
      nested: { list: ["two", { three: true }] },
    };
    const server = await startEmbeddedMongo({ dataDir, port: 0 });
    const client = await MongoClient.connect(server.uri);
    const things = client.db("persist").collection<Thing>("things");
    await things.insertOne(doc);
    await things.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: i, email: `user${i}@example.com` })));
    await things.createIndex({ email: 1 }, { unique: true, name: "email_unique" });
    await things.updateOne({ _id: 7 }, { $set: { email: "seven@example.com" } });
    await things.deleteOne({ _id: 8 });
    await client.db("persist").collection<Thing>("dropped").insertOne({ _id: 1 });
    await client.db("persist").dropCollection("dropped");
    await client.close();
    await server.stop();

    await withReopened(async (reopened) => {
      const db = reopened.db("persist");
      const things = db.collection<Thing>("things");
      expect(await things.findOne({ _id: doc._id }, { promoteValues: false })).toEqual(doc);
      expect(await things.countDocuments()).toBe(100);
      expect(await things.findOne({ _id: 7 })).toEqual({ _id: 7, email: "seven@example.com" });
      expect(await things.findOne({ _id: 8 })).toBeNull();
      expect((await db.listCollections().toArray()).map((c) => c.name)).toEqual(["things"]);
      const indexes = await things.listIndexes().toArray();
      expect(indexes.map((index) => index.name).sort()).toEqual(["_id_", "email_unique"]);
      await expect(things.insertOne({ _id: "dup", email: "user1@example.com" })).rejects.toMatchObject({
        code: 11000,
      });
    });
  });
});
