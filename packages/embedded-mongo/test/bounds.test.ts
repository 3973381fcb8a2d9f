import { MongoClient, type Collection } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../src/index.ts";
import { connect, opMsg } from "./support/raw-wire.ts";

/**
 * The bounds a server keeps whatever its clients do: idle cursors close, open cursors and
 * connections are capped, each with a clear error. Servers of their own, with small limits.
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function withServer(options: Parameters<typeof startEmbeddedMongo>[0], run: (server: EmbeddedMongo, client: MongoClient) => Promise<void>): Promise<void> {
  const server = await startEmbeddedMongo({ inMemory: true, ...options });
  const client = await MongoClient.connect(server.uri);
  try {
    await run(server, client);
  } finally {
    await client.close();
    await server.stop();
  }
}

async function seeded(client: MongoClient): Promise<Collection<{ _id: number }>> {
  const c = client.db("bounds").collection<{ _id: number }>("docs");
  await c.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i })));
  return c;
}

describe("cursors", () => {
  it("an idle cursor is closed after the cursor timeout (43 CursorNotFound), one with noCursorTimeout is kept", async () => {
    await withServer({ cursorTimeoutMs: 300, ttlSweepIntervalMs: 50 }, async (_server, client) => {
      const c = await seeded(client);
      const idle = c.find({}, { batchSize: 2 });
      const kept = c.find({}, { batchSize: 2, noCursorTimeout: true });
      const busy = c.find({}, { batchSize: 2 });
      expect((await idle.next())?._id).toBe(0);
      expect((await kept.next())?._id).toBe(0);
      expect((await busy.next())?._id).toBe(0);
      for (let i = 1; i < 8; i++) {
        await sleep(100);
        expect((await busy.next())?._id).toBe(i); // used within the timeout: stays open
      }
      await expect(idle.toArray()).rejects.toMatchObject({ code: 43, codeName: "CursorNotFound" });
      expect((await kept.toArray()).map((doc) => doc._id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      await busy.close();
    });
  });

  it("a long cursor read in batches gives every document once, in order", async () => {
    await withServer({}, async (_server, client) => {
      const c = client.db("bounds").collection<{ _id: number }>("many");
      await c.insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: i })));
      const ids = (await c.find({}, { batchSize: 700 }).sort({ _id: -1 }).toArray()).map((doc) => doc._id);
      expect(ids).toEqual(Array.from({ length: 5000 }, (_, i) => 4999 - i));
    });
  });

  it("past the cap on open cursors a query that would leave one open answers 146; closing one (killCursors) makes room", async () => {
    await withServer({ maxOpenCursors: 3 }, async (_server, client) => {
      const c = await seeded(client);
      const open = [c.find({}, { batchSize: 1 }), c.find({}, { batchSize: 1 }), c.find({}, { batchSize: 1 })];
      for (const cursor of open) await cursor.next();
      await expect(c.find({}, { batchSize: 1 }).next()).rejects.toMatchObject({ code: 146, errmsg: expect.stringContaining("too many open cursors") });
      // Answers that fit in one batch leave no cursor open, so they still run.
      expect(await c.find({}).toArray()).toHaveLength(10);
      expect(await c.countDocuments()).toBe(10);
      await open[0]!.close(); // the driver sends killCursors
      const another = c.find({}, { batchSize: 1 });
      expect((await another.next())?._id).toBe(0);
      const killed = await client.db("bounds").command({ killCursors: "docs", cursors: [another.id!] });
      expect(killed.cursorsKilled).toHaveLength(1);
      await expect(another.toArray()).rejects.toMatchObject({ code: 43 });
      for (const cursor of open.slice(1)) expect(await cursor.toArray()).toHaveLength(9); // exhausting closes them
      const again = [c.find({}, { batchSize: 1 }), c.find({}, { batchSize: 1 }), c.find({}, { batchSize: 1 })];
      for (const cursor of again) expect((await cursor.next())?._id).toBe(0);
      for (const cursor of again) await cursor.close();
    });
  });
});

describe("connections", () => {
  let server: EmbeddedMongo;
  beforeAll(async () => {
    server = await startEmbeddedMongo({ inMemory: true, maxConnections: 3 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it("past maxConnections a new connection is answered 'too many open connections' and closed; a freed slot is usable again", async () => {
    const held = await Promise.all([connect(server.port), connect(server.port), connect(server.port)]);
    const extra = await connect(server.port);
    const answer = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      extra.on("data", (chunk: Buffer) => chunks.push(chunk));
      extra.on("close", () => resolve(Buffer.concat(chunks)));
    });
    extra.write(opMsg({ ping: 1, $db: "admin" }));
    expect((await answer).toString("latin1")).toContain("too many open connections");

    const refused = new MongoClient(`mongodb://127.0.0.1:${server.port}/?directConnection=true`, { serverSelectionTimeoutMS: 1000 });
    await expect(refused.db("admin").command({ ping: 1 })).rejects.toThrow(/too many open connections/);
    await refused.close();

    for (const socket of held) socket.destroy();
    await sleep(100);
    const client = await MongoClient.connect(`mongodb://127.0.0.1:${server.port}/?directConnection=true`, { maxPoolSize: 1 });
    expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
    await client.close();
  });
});
