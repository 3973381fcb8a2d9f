/**
 * The compare benchmark's counting proxy: the official driver, talking to the suite's
 * database through it, sends a known set of commands, and exactly those are counted, by name;
 * the driver's own handshake and monitoring are not.
 */
import { randomBytes } from "node:crypto";
import { serialize } from "bson";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { commandName, messageReader, startCommandProxy, targetOf, throughProxy, type CommandProxy } from "../../bench/support/command-proxy.ts";

let proxy: CommandProxy;

beforeAll(async () => {
  proxy = await startCommandProxy(targetOf(inject("mongoUri")));
});

afterAll(async () => {
  await proxy?.stop();
});

describe("the counting proxy", () => {
  it("counts each command the driver sends through it, by name, and leaves out handshakes and heartbeats", async () => {
    const client = await MongoClient.connect(throughProxy(inject("mongoUri"), proxy.port));
    const db = client.db(`proxy_${randomBytes(4).toString("hex")}`);
    try {
      const things = db.collection<{ _id: number; n?: number }>("things");
      await client.db("admin").command({ ping: 1 });
      const before = proxy.counts();
      for (const id of [1, 2, 3]) await things.insertOne({ _id: id });
      await things.updateOne({ _id: 1 }, { $set: { n: 1 } });
      await things.find({}).toArray();
      await things.findOne({ _id: 2 });
      await things.countDocuments();
      const after = proxy.counts();

      expect(after.total - before.total).toBe(7);
      const counted = Object.fromEntries(Object.entries(after.byName).map(([name, count]) => [name, count - (before.byName[name] ?? 0)]));
      expect(counted).toEqual({ insert: 3, update: 1, find: 2, aggregate: 1 });
      // The handshake (hello) and the ping went through, uncounted.
      expect(before.uncounted).toBeGreaterThanOrEqual(2);
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });

  it("finds whole wire messages however the stream is cut", () => {
    const messages = [opMsg({ insert: "things", documents: [] }), opMsg({ find: "things", filter: {} }), opMsg({ hello: 1 })];
    const stream = Buffer.concat(messages);
    const seen: string[] = [];
    const read = messageReader((message) => seen.push(commandName(message)));
    for (let offset = 0; offset < stream.length; offset += 7) read(stream.subarray(offset, offset + 7));
    expect(seen).toEqual(["insert", "find", "hello"]);
  });

  it("points a URI at the proxy, keeping credentials and options", () => {
    expect(throughProxy("mongodb://u:p%40ss@db.example:27017/admin?authSource=admin", 4321)).toBe(
      "mongodb://u:p%40ss@127.0.0.1:4321/admin?authSource=admin&directConnection=true",
    );
    expect(targetOf("mongodb://u:p@db.example:27018/?x=1")).toEqual({ host: "db.example", port: 27018 });
  });
});

/** An OP_MSG whose one section is `command`. */
function opMsg(command: Record<string, unknown>): Buffer {
  const body = Buffer.from(serialize(command));
  const header = Buffer.alloc(21);
  header.writeInt32LE(header.length + body.length, 0);
  header.writeInt32LE(2013, 12);
  return Buffer.concat([header, body]);
}
